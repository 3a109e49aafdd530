import * as grpc from '@grpc/grpc-js';
import { grpcRetryPushbackMs, parseRetryAfter, withRetryAfter } from '../../../src';

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('1')).toBe(1000);
    expect(parseRetryAfter(' 120 ')).toBe(120_000);
    expect(parseRetryAfter(['3', '9'])).toBe(3000);
  });
  it('reads an HTTP-date relative to now, never negative', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now)).toBe(0);
  });
  it('ignores absent or malformed values and caps absurd ones at an hour', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('-5')).toBeUndefined();
    expect(parseRetryAfter('99999999')).toBe(3_600_000);
  });
});

describe('grpcRetryPushbackMs', () => {
  it('reads grpc-retry-pushback-ms from trailers', () => {
    const md = new grpc.Metadata();
    md.set('grpc-retry-pushback-ms', '1500');
    expect(grpcRetryPushbackMs(md)).toBe(1500);
  });
  it('is undefined without the trailer or with a malformed one', () => {
    expect(grpcRetryPushbackMs(undefined)).toBeUndefined();
    expect(grpcRetryPushbackMs(new grpc.Metadata())).toBeUndefined();
    const md = new grpc.Metadata();
    md.set('grpc-retry-pushback-ms', '-1');
    expect(grpcRetryPushbackMs(md)).toBeUndefined();
  });
});

describe('withRetryAfter', () => {
  it('sets retryAfterMs only when a wait was asked for', () => {
    const a = withRetryAfter(Object.assign(new Error('x'), { retryable: true }), 2000) as Error & { retryAfterMs?: number };
    expect(a.retryAfterMs).toBe(2000);
    const b = withRetryAfter(Object.assign(new Error('x'), { retryable: true }), undefined) as Error & { retryAfterMs?: number };
    expect('retryAfterMs' in b).toBe(false);
  });
});
