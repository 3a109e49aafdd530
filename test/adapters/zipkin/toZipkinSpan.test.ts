import { encodeZipkinSpan, zipkinTraceId } from '../../../adapters/zipkin/toZipkinSpan';
import { makeSpan } from './fixtures';

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
