import type { Sampler, SpanContext } from '../api/types';

/**
 * Honours the caller's decision: with a remote parent, samples exactly when the parent is
 * sampled — or has the debug flag, which forces sampling (B3 `X-B3-Flags: 1`, Jaeger flag
 * 0x2); without one, asks the `root` sampler. This is what Jaeger clients and OpenTelemetry's
 * `ParentBased` do, so a trace is never cut in the middle of a call chain.
 *
 * Every built-in sampler built from config is wrapped in one (see `createSampler`).
 * Delegates `close()` to the root. Never throws (a throwing root counts as `false`).
 *
 * @see https://opentelemetry.io/docs/specs/otel/trace/sdk/#parentbased
 * @example
 * ```ts
 * const s = new ParentBasedSampler(new ProbabilisticSampler(0.01));
 * s.shouldSample('GET /', { ...remote, sampled: true }, traceId); // true, whatever the rate
 * ```
 */
export class ParentBasedSampler implements Sampler {
  /** The sampler for traces without a parent. */
  readonly root: Sampler;

  /** @param root - decides for new (root) traces */
  constructor(root: Sampler) {
    this.root = root;
  }

  /**
   * Follow the remote parent's decision (W3C `sampled` flag, B3/Jaeger sampled or debug); a root
   * trace is decided by `root`. Never throws: a throwing root sampler counts as `false`.
   *
   * @returns parent.debug || parent.sampled when there is a parent, else the root's decision
   * @example
   * ```ts
   * const s = new ParentBasedSampler(new ProbabilisticSampler(0.01));
   * s.shouldSample('GET /', { traceId, spanId, sampled: true, baggage: {} }, traceId); // true: the parent sampled
   * ```
   */
  shouldSample(operationName: string, parent: SpanContext | undefined, traceId: string): boolean {
    if (parent) return parent.debug === true || parent.sampled === true;
    try {
      return this.root.shouldSample(operationName, parent, traceId) === true;
    } catch {
      return false;
    }
  }

  /**
   * Closes the root sampler (stops a remote sampler's timer). Idempotent if the root's `close` is.
   *
   * @example
   * ```ts
   * const s = new ParentBasedSampler(remote);
   * s.close(); // remote polling stops
   * ```
   */
  close(): void {
    this.root.close?.();
  }

  /**
   * Description for logs, e.g. `ParentBasedSampler{root=ProbabilisticSampler{0.01}}`.
   *
   * @example
   * ```ts
   * String(new ParentBasedSampler(new ConstSampler(true))); // 'ParentBasedSampler{root=ConstSampler{true}}'
   * ```
   */
  toString(): string {
    return `ParentBasedSampler{root=${String(this.root)}}`;
  }
}
