import { SegmentObject } from 'skywalking-backend-js/lib/proto/language-agent/Tracing_pb';
import { SegmentAssembler } from '../../../adapters/skywalking/SegmentAssembler';
import { toSegmentObject } from '../../../adapters/skywalking/segmentMapping';
import { span } from './fixtures';

/** One segment (a root and `callers.length - 1` children), each span tagged with its caller. */
function segmentWithCallers(callers: string[]): SegmentObject {
  const seg = 'c0ffee00000000aa';
  const spans = callers.map((caller, i) =>
    span({ segmentId: seg, segmentSpanIndex: i, parentSpanId: i === 0 ? undefined : seg, name: `op-${i}`, attributes: { caller, n: i } }),
  );
  const plan = new SegmentAssembler().plan(spans, false);
  expect(plan.segments).toHaveLength(1);
  const obj = toSegmentObject(plan.segments[0]!);
  plan.commit();
  return obj;
}

const callerOf = (s: { getTagsList(): Array<{ getKey(): string; getValue(): string }> }): string | undefined =>
  s.getTagsList().find((t) => t.getKey() === 'caller')?.getValue();

describe('segmentMapping: the caller tag', () => {
  it('spans of one call site share one caller pair, and every span still decodes with its own caller', () => {
    const obj = segmentWithCallers(['handler (app.js:10)', 'handler (app.js:10)', 'worker (jobs.js:3)', 'handler (app.js:10)']);
    const spans = obj.getSpansList();
    const pairOf = (i: number) => spans[i]!.getTagsList().find((t) => t.getKey() === 'caller');
    expect(pairOf(1)).toBe(pairOf(0)); // built once
    expect(pairOf(3)).toBe(pairOf(0));
    expect(pairOf(2)).not.toBe(pairOf(0));
    const decoded = SegmentObject.deserializeBinary(obj.serializeBinary()).getSpansList();
    expect(decoded.map(callerOf).sort()).toEqual(['handler (app.js:10)', 'handler (app.js:10)', 'handler (app.js:10)', 'worker (jobs.js:3)']);
    // the other tags are untouched and per span
    expect(decoded.map((s) => s.getTagsList().find((t) => t.getKey() === 'n')?.getValue()).sort()).toEqual(['0', '1', '2', '3']);
  });

  it('past its bound (many user-set caller values) every span keeps the right caller', () => {
    const callers = Array.from({ length: 2500 }, (_, i) => `fn${i} (f.js:${i})`);
    const decoded = SegmentObject.deserializeBinary(segmentWithCallers(callers).serializeBinary()).getSpansList();
    const byName = new Map(decoded.map((s) => [s.getOperationname(), callerOf(s)]));
    for (let i = 0; i < callers.length; i += 97) expect(byName.get(`op-${i}`)).toBe(callers[i]);
    expect(byName.size).toBe(2500);
  });
});
