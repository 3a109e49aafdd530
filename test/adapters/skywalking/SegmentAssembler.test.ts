import { SegmentAssembler } from '../../../adapters/skywalking/SegmentAssembler';
import { span, sw8Parent } from './fixtures';

describe('SegmentAssembler', () => {
  it('sends a segment when its first span arrives, with children that ended earlier in other batches', () => {
    const a = new SegmentAssembler();
    const c2 = span({ segmentId: 'S', segmentSpanIndex: 2, segmentParentIndex: 1 });
    const c1 = span({ segmentId: 'S', segmentSpanIndex: 1, segmentParentIndex: 0 });
    const root = span({ segmentId: 'S', segmentSpanIndex: 0, kind: 'entry' });

    const p1 = a.take([c2], false);
    expect(p1.segments).toHaveLength(0);
    p1.delivered();
    expect(a.pendingSpanCount).toBe(1);

    const p2 = a.take([c1, root], false);
    expect(p2.segments).toHaveLength(1);
    const seg = p2.segments[0]!;
    expect(seg.segmentId).toBe('S');
    expect(seg.spans.map((s) => [s.id, s.parentId])).toEqual([
      [0, -1],
      [1, 0],
      [2, 1],
    ]);
    expect(p2.spanCount).toBe(3);
    p2.delivered();
    expect(a.pendingSpanCount).toBe(0);
  });

  it('gives back on a failed send, so the retried batch sends the same segment once', () => {
    const a = new SegmentAssembler();
    a.take([span({ segmentId: 'S', segmentSpanIndex: 1 })], false).delivered();
    const root = span({ segmentId: 'S', segmentSpanIndex: 0 });
    const failed = a.take([root], false);
    expect(failed.segments[0]!.spans).toHaveLength(2);
    expect(a.pendingSpanCount).toBe(0); // taken out at once: another send cannot take it too
    failed.giveBack();
    expect(a.pendingSpanCount).toBe(1); // the held span is back; the root left with its batch
    failed.giveBack(); // settling twice does nothing
    expect(a.pendingSpanCount).toBe(1);
    const retry = a.take([root], false);
    expect(retry.segments.map((s) => [s.segmentId, s.spans.length])).toEqual([['S', 2]]);
    retry.delivered();
    expect(a.pendingSpanCount).toBe(0);
  });

  it('a failed batch\'s held spans leave the buffer and come back with its retry', () => {
    const a = new SegmentAssembler();
    const batch = [span({ segmentId: 'S', segmentSpanIndex: 1 }), span({ segmentId: 'T', segmentSpanIndex: 0 })];
    const t = a.take(batch, false);
    expect(a.pendingSpanCount).toBe(1);
    t.giveBack();
    expect(a.pendingSpanCount).toBe(0);
    a.take(batch, false).delivered();
    expect(a.pendingSpanCount).toBe(1);
    expect(a.take([span({ segmentId: 'S', segmentSpanIndex: 0 })], false).segments[0]!.spans).toHaveLength(2);
  });

  it('skips spans already delivered when a batch is retried after a successful send', () => {
    const a = new SegmentAssembler();
    const batch = [span({ segmentId: 'S', segmentSpanIndex: 1 }), span({ segmentId: 'S', segmentSpanIndex: 0 })];
    a.take(batch, false).delivered();
    const again = a.take(batch, true);
    expect(again.segments).toHaveLength(0);
  });

  it('does not mistake a reused (refilled) batch array for a retry', () => {
    const a = new SegmentAssembler();
    const batch = [span({ segmentId: 'S', segmentSpanIndex: 0 })];
    a.take(batch, false).delivered();
    batch[0] = span({ segmentId: 'T', segmentSpanIndex: 0 });
    expect(a.take(batch, false).segments.map((s) => s.segmentId)).toEqual(['T']);
    batch.push(span({ segmentId: 'U', segmentSpanIndex: 0 }));
    expect(a.take(batch, false).segments.map((s) => s.segmentId)).toEqual(['T', 'U']);
  });

  it('holds a retried batch\'s early spans once, not twice', () => {
    const a = new SegmentAssembler();
    const batch = [span({ segmentId: 'S', segmentSpanIndex: 1 })];
    a.take(batch, false).delivered();
    a.take(batch, false).delivered(); // the pipeline's retry after a send that did succeed
    expect(a.pendingSpanCount).toBe(1);
    const plan = a.take([span({ segmentId: 'S', segmentSpanIndex: 0 })], false);
    expect(plan.segments[0]!.spans.map((s) => s.id)).toEqual([0, 1]);
  });

  it('uses the sw8 trace id the caller sent for the segment', () => {
    const a = new SegmentAssembler();
    const root = span({ segmentId: 'S', segmentSpanIndex: 0, remoteParent: true, remoteParentContext: sw8Parent() });
    expect(a.take([root], false).segments[0]!.traceId).toBe('a1b2c3d4.123.456');
  });

  it('sends spans that end after their root as a continuation segment with CrossThread refs', () => {
    const a = new SegmentAssembler();
    const root = span({ segmentId: 'S', segmentSpanIndex: 0, name: 'GET /x', remoteParent: true, remoteParentContext: sw8Parent() });
    a.take([root], false).delivered();
    const late = span({ segmentId: 'S', segmentSpanIndex: 1, segmentParentIndex: 0 });
    const lateChild = span({ segmentId: 'S', segmentSpanIndex: 3, segmentParentIndex: 1 });
    const plan = a.take([lateChild, late], false);
    expect(plan.segments).toHaveLength(1);
    const seg = plan.segments[0]!;
    expect(seg.segmentId).toBe('S-c1');
    expect(seg.traceId).toBe('a1b2c3d4.123.456');
    expect(seg.spans.map((s) => [s.id, s.parentId])).toEqual([
      [0, -1],
      [1, 0],
    ]);
    expect(seg.spans[0]!.crossThread).toEqual({ parentSegmentId: 'S', parentSpanId: 0, parentEndpoint: 'GET /x' });
    expect(seg.spans[1]!.crossThread).toBeUndefined();
  });

  it('bounds the buffer by span count: the oldest held segment goes out as a continuation', () => {
    const a = new SegmentAssembler({ maxPendingSpans: 3 });
    a.take([span({ segmentId: 'A', segmentSpanIndex: 1 }), span({ segmentId: 'A', segmentSpanIndex: 2 })], false).delivered();
    a.take([span({ segmentId: 'B', segmentSpanIndex: 1 })], false).delivered();
    expect(a.pendingSpanCount).toBe(3);
    const plan = a.take([span({ segmentId: 'C', segmentSpanIndex: 1 })], false);
    expect(plan.segments.map((s) => s.segmentId)).toEqual(['A-c1']);
    plan.delivered();
    expect(a.pendingSpanCount).toBe(2);
    for (let i = 0; i < 1000; i++) a.take([span({ segmentId: `X${i}`, segmentSpanIndex: 1 })], false).delivered();
    expect(a.pendingSpanCount).toBeLessThanOrEqual(3);
  });

  it('bounds the buffer by age', () => {
    let now = 1000;
    const a = new SegmentAssembler({ maxPendingAgeMs: 100, now: () => now });
    a.take([span({ segmentId: 'A', segmentSpanIndex: 1 })], false).delivered();
    now += 50;
    expect(a.take([], false).segments).toHaveLength(0);
    now += 60;
    const plan = a.take([], false);
    expect(plan.segments.map((s) => s.segmentId)).toEqual(['A-c1']);
    plan.delivered();
    expect(a.pendingSpanCount).toBe(0);
  });

  it('force sends everything held', () => {
    const a = new SegmentAssembler();
    a.take([span({ segmentId: 'A', segmentSpanIndex: 2, segmentParentIndex: 1 })], false).delivered();
    const plan = a.take([span({ segmentId: 'B', segmentSpanIndex: 1 })], true);
    expect(plan.segments.map((s) => s.segmentId).sort()).toEqual(['A-c2', 'B-c1']);
    expect(plan.segments.find((s) => s.segmentId === 'A-c2')!.spans[0]!.crossThread?.parentSpanId).toBe(1);
    plan.delivered();
    expect(a.pendingSpanCount).toBe(0);
  });

  it('then sends the root as the main segment when it arrives after a forced continuation', () => {
    const a = new SegmentAssembler();
    a.take([span({ segmentId: 'A', segmentSpanIndex: 1 })], true).delivered();
    const plan = a.take([span({ segmentId: 'A', segmentSpanIndex: 0 })], false);
    expect(plan.segments.map((s) => [s.segmentId, s.spans.length])).toEqual([['A', 1]]);
  });
  it('overlapping sends: spans held by a batch that failed, but sent by another take meanwhile, are skipped by its retry', () => {
    const a = new SegmentAssembler();
    const child = span({ segmentId: 'S', segmentSpanIndex: 1 });
    const other = span({ segmentId: 'T', segmentSpanIndex: 0 });
    const batch = [child, other];
    const p = a.take(batch, false); // holds child, sends T
    const q = a.take([span({ segmentId: 'S', segmentSpanIndex: 0 })], false); // S's root takes child
    expect(q.segments[0]!.spans.map((s) => s.span)).toContain(child);
    q.delivered();
    p.giveBack();
    expect(a.pendingSpanCount).toBe(0);
    const retry = a.take(batch, false); // the pipeline retries the same array
    expect(retry.segments.map((s) => [s.segmentId, s.spans.length])).toEqual([['T', 1]]);
    retry.delivered();
    expect(a.pendingSpanCount).toBe(0);
  });

  it('overlapping sends: a failed take returns held spans into a segment other takes fed meanwhile', () => {
    let now = 1000;
    const a = new SegmentAssembler({ now: () => now });
    a.take([span({ segmentId: 'S', segmentSpanIndex: 1 })], false).delivered();
    const root = span({ segmentId: 'S', segmentSpanIndex: 0 });
    const p = a.take([root], false);
    now += 5;
    // a late child arrives while the root's send is in flight: S counts as sent, a continuation
    const late = a.take([span({ segmentId: 'S', segmentSpanIndex: 2 })], false);
    expect(late.segments.map((s) => s.segmentId)).toEqual(['S-c1']);
    late.delivered();
    p.giveBack(); // the root's send failed: S no longer counts as sent
    const held = a.take([span({ segmentId: 'S', segmentSpanIndex: 3 })], false);
    expect(held.segments).toHaveLength(0);
    held.delivered();
    expect(a.pendingSpanCount).toBe(2);
    const retry = a.take([root], false);
    expect(retry.segments.map((s) => s.spans.map((x) => x.span.segmentSpanIndex))).toEqual([[0, 1, 3]]);
  });

  it('a bound that pushed out the failed batch\'s own spans leaves the count exact after giveBack', () => {
    const a = new SegmentAssembler({ maxPendingSpans: 1 });
    a.take([span({ segmentId: 'A', segmentSpanIndex: 1 })], false).delivered();
    const batch = [span({ segmentId: 'B', segmentSpanIndex: 1 }), span({ segmentId: 'B', segmentSpanIndex: 2 })];
    const t = a.take(batch, false);
    expect(t.segments.map((s) => s.segmentId)).toEqual(['A-c1', 'B-c2']);
    expect(a.pendingSpanCount).toBe(0);
    t.giveBack();
    expect(a.pendingSpanCount).toBe(1); // A's span is back; B's left with their batch
    const retry = a.take(batch, true);
    expect(retry.segments.map((s) => [s.segmentId, s.spans.length])).toEqual([
      ['B-c3', 2],
      ['A-c4', 1],
    ]);
  });

  it('overlapping sends with random failures and retries deliver every span exactly once', () => {
    let seed = 42;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor(seed / 65536) % n; // the high bits: an LCG's low bits have short periods
    };
    for (let round = 0; round < 30; round++) {
      const a = new SegmentAssembler({ maxPendingSpans: rand(2) === 0 ? 4 : 8192 });
      // 40 segments of 1-4 spans, in random end order, cut into batches of 1-5
      const all: ReturnType<typeof span>[] = [];
      for (let g = 0; g < 40; g++) {
        const n = 1 + rand(4);
        for (let i = 0; i < n; i++) all.push(span({ segmentId: `G${g}`, segmentSpanIndex: i, segmentParentIndex: i === 0 ? -1 : 0 }));
      }
      for (let i = all.length - 1; i > 0; i--) {
        const j = rand(i + 1);
        [all[i], all[j]] = [all[j]!, all[i]!];
      }
      const batches: ReturnType<typeof span>[][] = [];
      for (let i = 0; i < all.length; ) {
        const n = 1 + rand(5);
        batches.push(all.slice(i, i + n));
        i += n;
      }
      const sent = new Map<unknown, number>();
      const deliver = (t: ReturnType<SegmentAssembler['take']>): void => {
        for (const seg of t.segments) for (const s of seg.spans) sent.set(s.span, (sent.get(s.span) ?? 0) + 1);
        t.delivered();
      };
      // up to 4 sends in flight; each settles later in random order, failing 1 time in 3
      const queue = batches.slice();
      const inFlight: Array<{ batch: ReturnType<typeof span>[]; t: ReturnType<SegmentAssembler['take']> }> = [];
      while (queue.length > 0 || inFlight.length > 0) {
        if (queue.length > 0 && (inFlight.length < 4 && rand(2) === 0 || inFlight.length === 0)) {
          const batch = queue.shift()!;
          inFlight.push({ batch, t: a.take(batch, false) });
          continue;
        }
        const [done] = inFlight.splice(rand(inFlight.length), 1);
        if (rand(3) === 0) {
          done!.t.giveBack();
          queue.push(done!.batch); // the pipeline retries it
        } else {
          deliver(done!.t);
        }
      }
      deliver(a.take([], true));
      expect(a.pendingSpanCount).toBe(0);
      expect(all.filter((s) => sent.get(s) !== 1)).toEqual([]);
      expect(sent.size).toBe(all.length);
    }
  });
});
