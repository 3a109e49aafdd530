import { SegmentObject } from 'skywalking-backend-js/lib/proto/language-agent/Tracing_pb';
import { SegmentAssembler } from '../../../adapters/skywalking/SegmentAssembler';
import { toSegmentObject, type TagPairCache } from '../../../adapters/skywalking/segmentMapping';
import type { FinishedSpan } from '../../../src';
import { span } from './fixtures';

type Tagged = { getTagsList(): Array<{ getKey(): string; getValue(): string }> };
const tagOf = (s: Tagged, key: string) => s.getTagsList().find((t) => t.getKey() === key);

/** Two segments (two local roots with `children` children each); every span tagged. */
function batch(children: number, tags: (seg: number, i: number) => Record<string, string | number>): FinishedSpan[] {
  const out: FinishedSpan[] = [];
  for (const [n, seg] of ['c0ffee00000000aa', 'c0ffee00000000bb'].entries()) {
    for (let i = 0; i <= children; i++) {
      out.push(span({ segmentId: seg, segmentSpanIndex: i, parentSpanId: i === 0 ? undefined : seg, name: `op-${n}-${i}`, attributes: tags(n, i) }));
    }
  }
  return out;
}

function encode(spans: FinishedSpan[], cache?: TagPairCache): SegmentObject[] {
  const assembly = new SegmentAssembler().take(spans, false);
  expect(assembly.segments).toHaveLength(2);
  const objs = assembly.segments.map((s) => toSegmentObject(s, cache));
  assembly.delivered();
  return objs;
}

describe('segmentMapping: TagPairCache (one per batch)', () => {
  const tags = (seg: number, i: number) => ({ caller: 'handler (app.js:10)', 'http.request.method': 'GET', 'url.full': `http://h/${seg}/${i}`, 'http.response.status_code': 200 });

  it('a tag that repeats across the batch\'s segments is one shared pair; unique values get their own', () => {
    const cache: TagPairCache = new Map();
    const [a, b] = encode(batch(3, tags), cache) as [SegmentObject, SegmentObject];
    const s0 = a.getSpansList()[0]!;
    const s1 = b.getSpansList()[2]!;
    expect(tagOf(s1, 'caller')).toBe(tagOf(s0, 'caller'));
    expect(tagOf(s1, 'http.method')).toBe(tagOf(s0, 'http.method')); // renamed keys too
    expect(tagOf(s1, 'status_code')).toBe(tagOf(s0, 'status_code'));
    expect(tagOf(s1, 'url')).not.toBe(tagOf(s0, 'url'));
    // without a cache every span has its own pairs
    const [c] = encode(batch(3, tags));
    expect(tagOf(c!.getSpansList()[1]!, 'caller')).not.toBe(tagOf(c!.getSpansList()[0]!, 'caller'));
  });

  it('every span decodes with its own values, the same bytes as without the cache', () => {
    const spans = batch(40, (seg, i) => ({ ...tags(seg, i), n: i % 3, caller: `fn${i % 5} (f.js:${i % 5})` }));
    const cached = encode(spans, new Map()).map((o) => Buffer.from(o.serializeBinary()));
    const plain = encode(spans).map((o) => Buffer.from(o.serializeBinary()));
    expect(cached.map((b) => b.toString('hex'))).toEqual(plain.map((b) => b.toString('hex')));
    const decoded = SegmentObject.deserializeBinary(cached[1]!).getSpansList();
    for (const s of decoded) {
      const i = Number(s.getOperationname().split('-')[2]);
      expect(tagOf(s, 'url')?.getValue()).toBe(`http://h/1/${i}`);
      expect(tagOf(s, 'caller')?.getValue()).toBe(`fn${i % 5} (f.js:${i % 5})`);
      expect(tagOf(s, 'n')?.getValue()).toBe(String(i % 3));
    }
  });
});
