import { model } from 'zipkin';
import { encodeZipkinBatch, encodeZipkinSpan, toZipkinSpan, zipkinTraceId } from '../../../adapters/zipkin/toZipkinSpan';
import { ReusableBuffer } from '../../../src';
import { jsonEncoder } from 'zipkin';
import { makeSpan, T0 } from './fixtures';

function encodeZipkinJson(span: model.Span): string {
  return jsonEncoder.JSON_V2.encode(span);
}

describe('zipkin id normalisation', () => {
  it.each([
    ['463ac35c9f6413ad48485a3953bb6124', '463ac35c9f6413ad48485a3953bb6124'], // 128-bit kept whole
    ['0000000000000000A2FB4A1D1A96D312', 'a2fb4a1d1a96d312'], // 64-bit padded by B3: low half, lower-cased
    ['a2fb4a1d1a96d312', 'a2fb4a1d1a96d312'],
    ['00000000000000000000000000000000', undefined], // all zeros
    ['0000000000000000', undefined],
    ['463ac35c9f6413ad48485a3953bb612g', undefined], // not hex
    ['463ac35c9f6413ad48485a3953bb61', undefined], // wrong length
    ['', undefined],
  ])('trace id %s → %s', (input, expected) => {
    expect(zipkinTraceId(input)).toBe(expected);
  });

  it('span and parent ids: 16 hex in any case, lower-cased; all zeros or non-hex refuse the span', () => {
    expect(encodeZipkinSpan(makeSpan({ spanId: '0000000000000000' }))).toHaveProperty('error');
    expect(encodeZipkinSpan(makeSpan({ spanId: 'zz00000000000001' }))).toHaveProperty('error');
    expect(encodeZipkinSpan(makeSpan({ parentSpanId: '0000000000000000' }))).toHaveProperty('error');
    const ok = encodeZipkinSpan(makeSpan({ spanId: '00F067AA0BA902B7', parentSpanId: 'A2FB4A1D1A96D312' }));
    expect(typeof ok).toBe('string');
    const json = JSON.parse(ok as string) as { id: string; parentId?: string };
    expect(json.id).toBe('00f067aa0ba902b7');
    expect(json.parentId).toBe('a2fb4a1d1a96d312');
  });
});

describe('toZipkinSpan', () => {
  it("returns a model.Span of the zipkin package: its methods work, and JSON_V2 encodes what they set", () => {
    const r = toZipkinSpan(makeSpan({ name: 'GET /Orders' }));
    if (!('span' in r)) throw new Error(r.error);
    expect(r.span).toBeInstanceOf(model.Span);
    expect(r.span.name).toBe('get /orders'); // lower-cased, as model.Span's setName does
    r.span.putTag('added', 'by putTag');
    r.span.setKind('CLIENT');
    r.span.addAnnotation(T0 + 10, 'retry');
    const json = JSON.parse(encodeZipkinJson(r.span)) as { kind: string; tags: Record<string, string>; annotations: unknown[] };
    expect(json.kind).toBe('CLIENT');
    expect(json.tags.added).toBe('by putTag');
    expect(json.annotations).toEqual([{ timestamp: T0 + 10, value: 'retry' }]);
  });

  it('keeps an endpoint that has only an IPv6 address (zipkin-js\'s endpoint setters dropped it)', () => {
    const ok = encodeZipkinSpan(makeSpan({ kind: 'exit', peer: { host: '::1' } }));
    const json = JSON.parse(ok as string) as { remoteEndpoint?: unknown };
    expect(json.remoteEndpoint).toEqual({ ipv6: '::1' });
  });

  it('a span without a resource has no local endpoint and no resource tags', () => {
    const ok = encodeZipkinSpan(makeSpan({ resource: undefined, attributes: { a: 'b' } }));
    const json = JSON.parse(ok as string) as { localEndpoint?: unknown; tags: Record<string, string> };
    expect(json.localEndpoint).toBeUndefined();
    expect(json.tags).toEqual({ a: 'b' });
  });
});

describe('encodeZipkinBatch', () => {
  it('writes exactly the bytes of the joined JSON array, multi-byte UTF-8 included', () => {
    const spans = [
      makeSpan({ name: 'grüße', attributes: { note: 'naïve café ☕ 𝄞', n: 1 } }),
      makeSpan({ spanId: '0000000000000000' }), // invalid: left out and counted
      makeSpan({ name: 'plain', sampled: false }), // unsampled: skipped, not counted
      makeSpan({ name: '日本語', attributes: { q: '"quoted"\n' } }),
    ];
    const scratch = new ReusableBuffer();
    const r = encodeZipkinBatch(spans, scratch);
    const parts = [encodeZipkinSpan(spans[0]), encodeZipkinSpan(spans[3])] as string[];
    expect(r.body!.equals(Buffer.from(`[${parts.join(',')}]`, 'utf8'))).toBe(true);
    expect(r).toMatchObject({ spans: 2, invalid: 1, firstError: 'spanId is not 16 hex' });
    const decoded = JSON.parse(r.body!.toString('utf8')) as Array<{ name: string; tags: Record<string, string> }>;
    expect(decoded.map((d) => d.name)).toEqual(['grüße', '日本語']);
    expect(decoded[0].tags.note).toBe('naïve café ☕ 𝄞');
    expect(scratch.inUse).toBe(true);
    scratch.release(r.body!);
    // the next, shorter batch reuses the memory and is exactly as long as its own JSON
    const x = makeSpan({ name: 'x' });
    const again = encodeZipkinBatch([x], scratch);
    expect(again.body!.buffer).toBe(r.body!.buffer);
    expect(again.body!.toString('utf8')).toBe(`[${encodeZipkinSpan(x) as string}]`);
  });

  it('a batch encoded while the kept buffer is out (another export in flight) gets its own bytes, the first untouched', () => {
    const scratch = new ReusableBuffer();
    scratch.release(encodeZipkinBatch([makeSpan({ name: 'warm' })], scratch).body!); // keeps a buffer
    const a = makeSpan({ name: 'first', attributes: { s: 'ä'.repeat(500) } });
    const b = makeSpan({ name: 'second', attributes: { s: '☕'.repeat(3000) } }); // more than the kept 4 KB
    const first = encodeZipkinBatch([a], scratch);
    const second = encodeZipkinBatch([b], scratch);
    expect(second.body!.buffer).not.toBe(first.body!.buffer);
    expect(first.body!.equals(Buffer.from(`[${encodeZipkinSpan(a) as string}]`, 'utf8'))).toBe(true);
    expect(second.body!.equals(Buffer.from(`[${encodeZipkinSpan(b) as string}]`, 'utf8'))).toBe(true);
    scratch.release(second.body!);
    scratch.release(first.body!);
    // once free, the kept buffer takes a batch that needs it to grow, exactly as long as its JSON
    const third = encodeZipkinBatch([b, a], scratch);
    expect(third.body!.toString('utf8')).toBe(`[${encodeZipkinSpan(b) as string},${encodeZipkinSpan(a) as string}]`);
  });

  it('a batch whose room (3 bytes a UTF-16 unit) would pass the kept buffer\'s cap gets a buffer of its exact size', () => {
    const scratch = new ReusableBuffer(4096);
    const a = makeSpan({ name: 'big', attributes: { s: 'x'.repeat(2000) } }); // ~2.3 KB of JSON, room ~7 KB
    const r = encodeZipkinBatch([a], scratch);
    const expected = Buffer.from(`[${encodeZipkinSpan(a) as string}]`, 'utf8');
    expect(r.body!.length).toBe(expected.length);
    expect(r.body!.buffer.byteLength).toBeLessThan(3 * expected.length); // not the 3× room
    expect(r.body!.equals(expected)).toBe(true);
    scratch.release(r.body!);
  });

  it('returns no body (and lends nothing) when no span is valid', () => {
    const scratch = new ReusableBuffer();
    expect(encodeZipkinBatch([makeSpan({ spanId: 'nothex' })], scratch)).toMatchObject({ body: undefined, spans: 0, invalid: 1 });
    expect(encodeZipkinBatch([], scratch)).toMatchObject({ body: undefined, spans: 0, invalid: 0 });
    expect(scratch.inUse).toBe(false);
  });
});
