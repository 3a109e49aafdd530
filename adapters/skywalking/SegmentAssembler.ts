import type { FinishedSpan } from '../../src';
import type { AssembledSegment, SegmentSpan } from './segmentMapping';

/**
 * Limits of the {@link SegmentAssembler}'s buffer.
 *
 * @example
 * ```ts
 * new SegmentAssembler({ maxPendingSpans: 4096, maxPendingAgeMs: 10_000 });
 * ```
 */
export interface SegmentAssemblerOptions {
  /** Spans held while waiting for their segment's first span, across all segments. Default 8192. */
  maxPendingSpans?: number;
  /** How long (ms) spans wait for their segment's first span before they go out without it. Default 30000. */
  maxPendingAgeMs?: number;
  /** Segments remembered after they were sent (for late spans' references). Default 10000. */
  maxRememberedSegments?: number;
  /** Clock in ms (tests). Default `Date.now`. */
  now?: () => number;
}

/**
 * The segments one `plan()` produced; nothing changes in the assembler until `commit()`.
 *
 * @example
 * ```ts
 * const plan = assembler.plan(batch, false);
 * await send(plan.segments);
 * plan.commit();
 * ```
 */
export interface AssemblyPlan {
  /** Segments to send now. */
  segments: AssembledSegment[];
  /** Number of spans inside `segments`. */
  spanCount: number;
  /** Apply the plan (call after the segments were delivered). */
  commit(): void;
}

interface Pending {
  spans: FinishedSpan[];
  firstSeenMs: number;
}

/** A committed batch, to recognise the same array passed again unchanged. */
interface DeliveredBatch {
  length: number;
  first: FinishedSpan;
  last: FinishedSpan;
}

interface Sent {
  traceId: string;
  endpoint: string;
}

/**
 * Groups finished spans into SkyWalking segments (one trace, one process, one local root).
 *
 * Spans of a segment end in any order and reach the exporter in different batches. The rule:
 *
 * 1. **A segment is sent when its first span (index 0, the local root) arrives**, together
 *    with every span of that segment received so far. The core's pipeline delivers spans in
 *    the order they end, and a local root normally ends last (an entry span ends after the
 *    work it awaited), so this is the whole segment in practice — with no timer and no delay.
 * 2. Spans arriving **before** their root are held (per segment id) until it arrives.
 * 3. Spans arriving **after** their root was sent (fire-and-forget work), spans held longer
 *    than `maxPendingAgeMs`, spans pushed out by the `maxPendingSpans` bound, and everything
 *    held at `forceFlush()`/`shutdown()` go out as a **continuation segment**: a new segment
 *    id `<segmentId>-c<n>`, spans renumbered from 0, and each span whose parent is not in it
 *    carries a `CrossThread` reference to its parent in the original segment. This is what
 *    SkyWalking's own Node agent does for spans started after their segment was sent; OAP
 *    does not merge two segments with the same id, so we never reuse one.
 *
 * Memory is bounded by `maxPendingSpans` (held spans) plus `maxRememberedSegments` (ids of sent
 * segments, ~100 B each). Every plan is transactional: `plan()` computes, `commit()` applies,
 * so a failed send leaves the assembler exactly as before and a retried batch is not duplicated;
 * a batch already committed (the same array, unchanged, passed again: a retry racing a send
 * that succeeded) is skipped as a whole — its spans were sent or are held already.
 *
 * @example
 * ```ts
 * const assembler = new SegmentAssembler({ maxPendingSpans: 4096 });
 * const plan = assembler.plan(batch, false);
 * await send(plan.segments.map(toSegmentObject));
 * plan.commit();
 * ```
 */
export class SegmentAssembler {
  private pending = new Map<string, Pending>();
  private pendingSpans = 0;
  private readonly sent = new Map<string, Sent>();
  /**
   * Batches already committed: one retried after a send that did succeed (e.g. the pipeline
   * timed out first; it retries with the same array) is not sent twice. One entry per batch,
   * not per span: a per-span `WeakSet` cost ~10 % of the whole export path.
   */
  private readonly delivered = new WeakMap<readonly FinishedSpan[], DeliveredBatch>();
  private continuationSeq = 0;
  private readonly maxPendingSpans: number;
  private readonly maxPendingAgeMs: number;
  private readonly maxRemembered: number;
  private readonly now: () => number;

  /** @param options - buffer bounds, see {@link SegmentAssemblerOptions}. */
  constructor(options: SegmentAssemblerOptions = {}) {
    this.maxPendingSpans = Math.max(0, options.maxPendingSpans ?? 8192);
    this.maxPendingAgeMs = Math.max(0, options.maxPendingAgeMs ?? 30_000);
    this.maxRemembered = Math.max(1, options.maxRememberedSegments ?? 10_000);
    this.now = options.now ?? Date.now;
  }

  /** Spans currently held waiting for their segment's first span. */
  get pendingSpanCount(): number {
    return this.pendingSpans;
  }

  /**
   * Computes the segments to send for `batch` (plus held spans that must go now). With
   * `force`, everything held goes out (forceFlush/shutdown). Does not change state until the
   * returned plan's `commit()`. Never throws.
   *
   * @param batch - finished spans, in the order they ended
   * @param force - send everything held, not only complete segments
   * @example
   * ```ts
   * const plan = assembler.plan(batch, false);
   * await send(plan.segments);
   * plan.commit();
   * ```
   */
  plan(batch: readonly FinishedSpan[], force: boolean): AssemblyPlan {
    const nowMs = this.now();
    const next = new Map(this.pending);
    let nextCount = this.pendingSpans;
    const segments: AssembledSegment[] = [];
    const remember: Array<[string, Sent]> = [];
    let seq = this.continuationSeq;
    let spanCount = 0;

    const continuation = (segmentId: string, spans: FinishedSpan[]): void => {
      const known = this.sent.get(segmentId);
      segments.push(continuationSegment(`${segmentId}-c${++seq}`, segmentId, spans, known));
      spanCount += spans.length;
    };

    // Group the batch by segment, keeping end order. Spans of one segment usually come in a row.
    const groups = new Map<string, FinishedSpan[]>();
    if (!this.wasDelivered(batch)) {
      let lastId: string | undefined;
      let last: FinishedSpan[] = [];
      for (let i = 0; i < batch.length; i++) {
        const span = batch[i] as FinishedSpan;
        if (span.segmentId !== lastId) {
          lastId = span.segmentId;
          const g = groups.get(lastId);
          if (g === undefined) groups.set(lastId, (last = []));
          else last = g;
        }
        last.push(span);
      }
    }

    for (const [segmentId, spans] of groups) {
      const root = firstSpanOf(spans);
      const held = next.get(segmentId);
      const all = held !== undefined ? held.spans.concat(spans) : spans;
      if (root !== undefined) {
        if (held !== undefined) {
          next.delete(segmentId);
          nextCount -= held.spans.length;
        }
        const traceId = root.remoteParentContext?.sw8?.traceId || root.traceId;
        segments.push(mainSegment(segmentId, traceId, all));
        spanCount += all.length;
        remember.push([segmentId, { traceId, endpoint: root.name }]);
      } else if (this.sent.has(segmentId) || force) {
        if (held !== undefined) {
          next.delete(segmentId);
          nextCount -= held.spans.length;
        }
        continuation(segmentId, all);
      } else {
        next.delete(segmentId); // re-insert at the end: most recently fed
        next.set(segmentId, { spans: all, firstSeenMs: held?.firstSeenMs ?? nowMs });
        nextCount += spans.length;
      }
    }

    // Held segments that must go now: all (force), too old, or over the bound (oldest first).
    for (const [segmentId, held] of next) {
      const tooOld = nowMs - held.firstSeenMs >= this.maxPendingAgeMs;
      if (!force && !tooOld && nextCount <= this.maxPendingSpans) continue;
      next.delete(segmentId);
      nextCount -= held.spans.length;
      continuation(segmentId, held.spans);
    }

    return {
      segments,
      spanCount,
      commit: () => {
        const n = batch.length;
        if (n > 0) this.delivered.set(batch, { length: n, first: batch[0] as FinishedSpan, last: batch[n - 1] as FinishedSpan });
        this.pending = next;
        this.pendingSpans = nextCount;
        this.continuationSeq = seq;
        for (const [id, info] of remember) {
          this.sent.delete(id);
          this.sent.set(id, info);
          if (this.sent.size > this.maxRemembered) {
            const oldest = this.sent.keys().next().value;
            if (oldest !== undefined) this.sent.delete(oldest);
          }
        }
      },
    };
  }

  /** `batch` is an array committed before and still holds the same spans at its ends. */
  private wasDelivered(batch: readonly FinishedSpan[]): boolean {
    const d = this.delivered.get(batch);
    return d !== undefined && d.length === batch.length && d.first === batch[0] && d.last === batch[batch.length - 1];
  }
}

/** The segment's first span (index 0) among `spans`, if there. */
function firstSpanOf(spans: readonly FinishedSpan[]): FinishedSpan | undefined {
  for (let i = 0; i < spans.length; i++) if ((spans[i] as FinishedSpan).segmentSpanIndex === 0) return spans[i];
  return undefined;
}

const byIndex = (a: FinishedSpan, b: FinishedSpan): number => a.segmentSpanIndex - b.segmentSpanIndex;

/** A segment with its first span: ids as the core assigned them. Sorts `spans` (a fresh array) in place. */
function mainSegment(segmentId: string, traceId: string, spans: FinishedSpan[]): AssembledSegment {
  spans.sort(byIndex);
  const out: SegmentSpan[] = new Array<SegmentSpan>(spans.length);
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i] as FinishedSpan;
    out[i] = { span, id: span.segmentSpanIndex, parentId: span.segmentParentIndex };
  }
  return { segmentId, traceId, spans: out };
}

/** Spans of `originalId` sent without its first span: renumbered, with CrossThread refs out. */
function continuationSegment(
  newId: string,
  originalId: string,
  spans: FinishedSpan[],
  known: Sent | undefined,
): AssembledSegment {
  const sorted = spans.slice().sort(byIndex);
  const index = new Map<number, number>();
  sorted.forEach((s, i) => index.set(s.segmentSpanIndex, i));
  const out: SegmentSpan[] = sorted.map((span, i) => {
    const parent = index.get(span.segmentParentIndex);
    if (parent !== undefined) return { span, id: i, parentId: parent };
    return {
      span,
      id: i,
      parentId: -1,
      crossThread: { parentSegmentId: originalId, parentSpanId: span.segmentParentIndex, parentEndpoint: known?.endpoint ?? '' },
    };
  });
  const traceId = known?.traceId ?? (sorted[0] as FinishedSpan).traceId;
  return { segmentId: newId, traceId, spans: out };
}
