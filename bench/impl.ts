/**
 * The shape every measured tracer implementation takes in the per-span benchmarks
 * (hot path, end to end, heap), so that ours and the incumbents run the exact same workload.
 *
 * @packageDocumentation
 */

/**
 * What an implementation does with finished spans:
 * - `discard`: the vendor's normal queue with a discarding exporter/reporter/logger (hot path);
 * - `encode`: the vendor's own wire encoding at batch time, transport replaced by a no-op (end to end);
 * - `hold`: finished spans stay in the export queue, nothing is exported (heap per queued span).
 */
export type Mode = 'discard' | 'encode' | 'hold';

/**
 * One tracer set up for one {@link Mode}.
 *
 * The workload `run(parents, children)` creates `parents` traces; in each, a parent span is
 * made active through AsyncLocalStorage and `children` child spans are started as children of
 * the active span, made active themselves (AsyncLocalStorage), given the 3 tags of
 * {@link TAG_KEYS}/{@link TAG_VALUES} and ended. Spans created: `parents × (children + 1)`.
 */
export interface SpanImpl {
  /** Row label, e.g. `OpenTelemetry SDK`. */
  readonly name: string;
  /** Run the workload synchronously (see above). Throws only on a harness bug. */
  run(parents: number, children: number): void;
  /** Export (encode) or discard everything queued; resolves when done. */
  drain(): Promise<void>;
  /** Release timers and sockets. */
  close(): Promise<void>;
  /** Spans waiting in the queue (in `hold` mode), or -1 when the implementation cannot tell. */
  held(): number;
}

/** The three tag keys every child span gets. */
export const TAG_KEYS = ['db.system', 'db.name', 'peer.service'] as const;
/** The three (string) tag values every child span gets. */
export const TAG_VALUES = ['postgresql', 'orders', 'pg-main'] as const;

/** Name of the parent span of each trace. */
export const PARENT_NAME = 'parent';
/** Name of each child span. */
export const CHILD_NAME = 'child';
