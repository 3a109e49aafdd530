import { SegmentAssembler } from '../../../adapters/skywalking/SegmentAssembler';
import { span, sw8Parent } from './fixtures';

describe('SegmentAssembler', () => {
  it('sends a segment when its first span arrives, with children that ended earlier in other batches', () => {
    const a = new SegmentAssembler();
    const c2 = span({ segmentId: 'S', segmentSpanIndex: 2, segmentParentIndex: 1 });
    const c1 = span({ segmentId: 'S', segmentSpanIndex: 1, segmentParentIndex: 0 });
    const root = span({ segmentId: 'S', segmentSpanIndex: 0, kind: 'entry' });

    const p1 = a.plan([c2], false);
    expect(p1.segments).toHaveLength(0);
    p1.commit();
    expect(a.pendingSpanCount).toBe(1);

    const p2 = a.plan([c1, root], false);
    expect(p2.segments).toHaveLength(1);
    const seg = p2.segments[0]!;
    expect(seg.segmentId).toBe('S');
    expect(seg.spans.map((s) => [s.id, s.parentId])).toEqual([
      [0, -1],
      [1, 0],
      [2, 1],
    ]);
    expect(p2.spanCount).toBe(3);
    p2.commit();
    expect(a.pendingSpanCount).toBe(0);
  });

  it('keeps state unchanged until commit, so a retried batch is not duplicated', () => {
    const a = new SegmentAssembler();
    a.plan([span({ segmentId: 'S', segmentSpanIndex: 1 })], false).commit();
    const root = span({ segmentId: 'S', segmentSpanIndex: 0 });
    const failed = a.plan([root], false);
    expect(failed.segments[0]!.spans).toHaveLength(2);
    // not committed (send failed): the retry sees the same state
    const retry = a.plan([root], false);
    expect(retry.segments[0]!.spans).toHaveLength(2);
    retry.commit();
    expect(a.pendingSpanCount).toBe(0);
  });

  it('skips spans already delivered when a batch is retried after a successful send', () => {
    const a = new SegmentAssembler();
    const batch = [span({ segmentId: 'S', segmentSpanIndex: 1 }), span({ segmentId: 'S', segmentSpanIndex: 0 })];
    a.plan(batch, false).commit();
    const again = a.plan(batch, true);
    expect(again.segments).toHaveLength(0);
  });

  it('does not mistake a reused (refilled) batch array for a retry', () => {
    const a = new SegmentAssembler();
    const batch = [span({ segmentId: 'S', segmentSpanIndex: 0 })];
    a.plan(batch, false).commit();
    batch[0] = span({ segmentId: 'T', segmentSpanIndex: 0 });
    expect(a.plan(batch, false).segments.map((s) => s.segmentId)).toEqual(['T']);
    batch.push(span({ segmentId: 'U', segmentSpanIndex: 0 }));
    expect(a.plan(batch, false).segments.map((s) => s.segmentId)).toEqual(['T', 'U']);
  });

  it('holds a retried batch\'s early spans once, not twice', () => {
    const a = new SegmentAssembler();
    const batch = [span({ segmentId: 'S', segmentSpanIndex: 1 })];
    a.plan(batch, false).commit();
    a.plan(batch, false).commit(); // the pipeline's retry after a send that did succeed
    expect(a.pendingSpanCount).toBe(1);
    const plan = a.plan([span({ segmentId: 'S', segmentSpanIndex: 0 })], false);
    expect(plan.segments[0]!.spans.map((s) => s.id)).toEqual([0, 1]);
  });

  it('uses the sw8 trace id the caller sent for the segment', () => {
    const a = new SegmentAssembler();
    const root = span({ segmentId: 'S', segmentSpanIndex: 0, remoteParent: true, remoteParentContext: sw8Parent() });
    expect(a.plan([root], false).segments[0]!.traceId).toBe('a1b2c3d4.123.456');
  });

  it('sends spans that end after their root as a continuation segment with CrossThread refs', () => {
    const a = new SegmentAssembler();
    const root = span({ segmentId: 'S', segmentSpanIndex: 0, name: 'GET /x', remoteParent: true, remoteParentContext: sw8Parent() });
    a.plan([root], false).commit();
    const late = span({ segmentId: 'S', segmentSpanIndex: 1, segmentParentIndex: 0 });
    const lateChild = span({ segmentId: 'S', segmentSpanIndex: 3, segmentParentIndex: 1 });
    const plan = a.plan([lateChild, late], false);
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
    a.plan([span({ segmentId: 'A', segmentSpanIndex: 1 }), span({ segmentId: 'A', segmentSpanIndex: 2 })], false).commit();
    a.plan([span({ segmentId: 'B', segmentSpanIndex: 1 })], false).commit();
    expect(a.pendingSpanCount).toBe(3);
    const plan = a.plan([span({ segmentId: 'C', segmentSpanIndex: 1 })], false);
    expect(plan.segments.map((s) => s.segmentId)).toEqual(['A-c1']);
    plan.commit();
    expect(a.pendingSpanCount).toBe(2);
    for (let i = 0; i < 1000; i++) a.plan([span({ segmentId: `X${i}`, segmentSpanIndex: 1 })], false).commit();
    expect(a.pendingSpanCount).toBeLessThanOrEqual(3);
  });

  it('bounds the buffer by age', () => {
    let now = 1000;
    const a = new SegmentAssembler({ maxPendingAgeMs: 100, now: () => now });
    a.plan([span({ segmentId: 'A', segmentSpanIndex: 1 })], false).commit();
    now += 50;
    expect(a.plan([], false).segments).toHaveLength(0);
    now += 60;
    const plan = a.plan([], false);
    expect(plan.segments.map((s) => s.segmentId)).toEqual(['A-c1']);
    plan.commit();
    expect(a.pendingSpanCount).toBe(0);
  });

  it('force sends everything held', () => {
    const a = new SegmentAssembler();
    a.plan([span({ segmentId: 'A', segmentSpanIndex: 2, segmentParentIndex: 1 })], false).commit();
    const plan = a.plan([span({ segmentId: 'B', segmentSpanIndex: 1 })], true);
    expect(plan.segments.map((s) => s.segmentId).sort()).toEqual(['A-c2', 'B-c1']);
    expect(plan.segments.find((s) => s.segmentId === 'A-c2')!.spans[0]!.crossThread?.parentSpanId).toBe(1);
    plan.commit();
    expect(a.pendingSpanCount).toBe(0);
  });

  it('then sends the root as the main segment when it arrives after a forced continuation', () => {
    const a = new SegmentAssembler();
    a.plan([span({ segmentId: 'A', segmentSpanIndex: 1 })], true).commit();
    const plan = a.plan([span({ segmentId: 'A', segmentSpanIndex: 0 })], false);
    expect(plan.segments.map((s) => [s.segmentId, s.spans.length])).toEqual([['A', 1]]);
  });
});
