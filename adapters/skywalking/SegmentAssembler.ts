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
 * The segments one {@link SegmentAssembler.take} took out of the assembler for one send. The
 * assembler has changed already (so sends can overlap); exactly one of `delivered()` and
 * `giveBack()` settles it, a second call does nothing.
 *
 * @example
 * ```ts
 * const assembly = assembler.take(batch, false);
 * try {
 *   await send(assembly.segments);
 *   assembly.delivered();
 * } catch (err) {
 *   assembly.giveBack();
 *   throw err; // the pipeline retries the same batch (or drops it and counts it)
 * }
 * ```
 */
export interface Assembly {
  /** Segments to send now. */
  readonly segments: AssembledSegment[];
  /** Number of spans inside `segments`. */
  readonly spanCount: number;
  /** The OAP accepted `segments`: the batch counts as delivered (passed again, it is skipped). */
  delivered(): void;
  /**
   * The send failed. Spans of earlier batches that went into `segments` return to the buffer;
   * the batch's own spans leave it (its retry brings them again; if the pipeline gives up on
   * it, it counts them), except those another send took meanwhile: the retry skips those.
   */
  giveBack(): void;
}

interface Pending {
  spans: FinishedSpan[];
  firstSeenMs: number;
}

/** A delivered batch, to recognise the same array passed again unchanged. */
interface DeliveredBatch {
  length: number;
  first: FinishedSpan;
  last: FinishedSpan;
}

interface Sent {
  traceId: string;
  endpoint: string;
}

/** What one take removed from the buffer (spans of earlier batches), per segment. */
interface Taken {
  segmentId: string;
  spans: FinishedSpan[];
  firstSeenMs: number;
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
 * segments, ~100 B each). Sends may overlap (the exporter's `maxConcurrentExports`): `take()`
 * changes the buffer at once, and a failed send's `giveBack()` undoes its own part of the
 * change only, whatever other takes did in between — every span is in exactly one place (the
 * buffer, one send, or its batch awaiting a retry), so nothing is sent twice or lost. A batch
 * delivered before (the same array, unchanged, passed again: a retry racing a send that did
 * succeed) is skipped as a whole — its spans were sent or are held already.
 *
 * @example
 * ```ts
 * const assembler = new SegmentAssembler({ maxPendingSpans: 4096 });
 * const assembly = assembler.take(batch, false);
 * await send(assembly.segments.map(toSegmentObject));
 * assembly.delivered();
 * ```
 */
export class SegmentAssembler {
  private readonly pending = new Map<string, Pending>();
  private pendingSpans = 0;
  private readonly sent = new Map<string, Sent>();
  /**
   * Batches already delivered: one retried after a send that did succeed (e.g. the pipeline
   * timed out first; it retries with the same array) is not sent twice. One entry per batch,
   * not per span: a per-span `WeakSet` cost ~10 % of the whole export path.
   */
  private readonly delivered = new WeakMap<readonly FinishedSpan[], DeliveredBatch>();
  /** Spans of a given-back batch that another send took meanwhile: its retry skips them. */
  private readonly skip = new WeakMap<readonly FinishedSpan[], Set<FinishedSpan>>();
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
   * Takes the segments to send for `batch` (plus held spans that must go now) out of the
   * assembler; spans of `batch` whose segment's first span has not arrived are held. With
   * `force`, everything held goes out (forceFlush/shutdown). Settle the result with
   * `delivered()` or `giveBack()`. Never throws.
   *
   * @param batch - finished spans, in the order they ended
   * @param force - send everything held, not only complete segments
   * @example
   * ```ts
   * const assembly = assembler.take(batch, false);
   * await send(assembly.segments);
   * assembly.delivered();
   * ```
   */
  take(batch: readonly FinishedSpan[], force: boolean): Assembly {
    const nowMs = this.now();
    const pending = this.pending;
    const segments: AssembledSegment[] = [];
    const taken: Taken[] = [];
    const held: Array<[string, FinishedSpan[]]> = [];
    const remembered: Array<[string, Sent]> = [];
    let spanCount = 0;

    const takeHeld = (segmentId: string, entry: Pending): void => {
      pending.delete(segmentId);
      this.pendingSpans -= entry.spans.length;
      taken.push({ segmentId, spans: entry.spans, firstSeenMs: entry.firstSeenMs });
    };
    const continuation = (segmentId: string, spans: FinishedSpan[]): void => {
      const known = this.sent.get(segmentId);
      segments.push(continuationSegment(`${segmentId}-c${++this.continuationSeq}`, segmentId, spans, known));
      spanCount += spans.length;
    };

    for (const [segmentId, spans] of this.groups(batch)) {
      const root = firstSpanOf(spans);
      const entry = pending.get(segmentId);
      if (root !== undefined || this.sent.has(segmentId) || force) {
        if (entry !== undefined) takeHeld(segmentId, entry);
        const all = entry !== undefined ? entry.spans.concat(spans) : spans;
        if (root !== undefined) {
          const traceId = root.remoteParentContext?.sw8?.traceId || root.traceId;
          segments.push(mainSegment(segmentId, traceId, all));
          spanCount += all.length;
          const info = { traceId, endpoint: root.name };
          remembered.push([segmentId, info]);
          this.remember(segmentId, info);
        } else {
          continuation(segmentId, all);
        }
      } else {
        pending.delete(segmentId); // re-insert at the end: most recently fed
        pending.set(segmentId, { spans: entry !== undefined ? entry.spans.concat(spans) : spans, firstSeenMs: entry?.firstSeenMs ?? nowMs });
        this.pendingSpans += spans.length;
        held.push([segmentId, spans]);
      }
    }

    // Held segments that must go now: all (force), too old, or over the bound (oldest first).
    for (const [segmentId, entry] of pending) {
      const tooOld = nowMs - entry.firstSeenMs >= this.maxPendingAgeMs;
      if (!force && !tooOld && this.pendingSpans <= this.maxPendingSpans) continue;
      takeHeld(segmentId, entry);
      continuation(segmentId, entry.spans);
    }

    let settled = false;
    return {
      segments,
      spanCount,
      delivered: () => {
        if (settled) return;
        settled = true;
        this.skip.delete(batch);
        const n = batch.length;
        if (n > 0) this.delivered.set(batch, { length: n, first: batch[0] as FinishedSpan, last: batch[n - 1] as FinishedSpan });
      },
      giveBack: () => {
        if (settled) return;
        settled = true;
        this.giveBack(batch, taken, held, remembered);
      },
    };
  }

  /** The batch's spans grouped by segment (end order kept), minus what was delivered or is skipped. */
  private groups(batch: readonly FinishedSpan[]): Map<string, FinishedSpan[]> {
    const groups = new Map<string, FinishedSpan[]>();
    if (this.wasDelivered(batch)) return groups;
    const skip = this.skip.get(batch);
    let lastId: string | undefined;
    let last: FinishedSpan[] = [];
    // Spans of one segment usually come in a row.
    for (let i = 0; i < batch.length; i++) {
      const span = batch[i] as FinishedSpan;
      if (skip !== undefined && skip.has(span)) continue;
      if (span.segmentId !== lastId) {
        lastId = span.segmentId;
        const g = groups.get(lastId);
        if (g === undefined) groups.set(lastId, (last = []));
        else last = g;
      }
      last.push(span);
    }
    return groups;
  }

  /** Undoes one failed take's own changes (see {@link Assembly.giveBack}). */
  private giveBack(batch: readonly FinishedSpan[], taken: Taken[], held: Array<[string, FinishedSpan[]]>, remembered: Array<[string, Sent]>): void {
    const pending = this.pending;
    // Everything this take removed from the buffer returns to it (first: a segment pushed out by
    // the bound may hold the batch's own spans, which the next step then removes again).
    for (const t of taken) {
      const entry = pending.get(t.segmentId);
      if (entry !== undefined) {
        entry.spans = t.spans.concat(entry.spans);
        entry.firstSeenMs = Math.min(entry.firstSeenMs, t.firstSeenMs);
      } else {
        pending.set(t.segmentId, { spans: t.spans, firstSeenMs: t.firstSeenMs });
      }
      this.pendingSpans += t.spans.length;
    }
    // The batch's held spans leave the buffer (its retry brings them); those another take sent
    // meanwhile are skipped by the retry.
    let skip = this.skip.get(batch);
    for (const [segmentId, spans] of held) {
      const entry = pending.get(segmentId);
      const mine = new Set(spans);
      if (entry !== undefined) {
        const kept = entry.spans.filter((s) => !mine.delete(s));
        this.pendingSpans -= entry.spans.length - kept.length;
        if (kept.length > 0) entry.spans = kept;
        else pending.delete(segmentId);
      }
      for (const s of mine) {
        if (skip === undefined) this.skip.set(batch, (skip = new Set()));
        skip.add(s);
      }
    }
    // A first span that was not delivered: the segment does not count as sent.
    for (const [segmentId, info] of remembered) if (this.sent.get(segmentId) === info) this.sent.delete(segmentId);
  }

  /** Remembers a sent segment (for late spans' references), oldest forgotten first. */
  private remember(segmentId: string, info: Sent): void {
    this.sent.delete(segmentId);
    this.sent.set(segmentId, info);
    if (this.sent.size > this.maxRemembered) {
      const oldest = this.sent.keys().next().value;
      if (oldest !== undefined) this.sent.delete(oldest);
    }
  }

  /** `batch` is an array delivered before and still holds the same spans at its ends. */
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
