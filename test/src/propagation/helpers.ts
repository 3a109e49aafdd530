/**
 * Test helpers for the propagation suite: a seeded PRNG, id generators and validators for
 * extracted contexts and injected headers.
 */
import { validateHeaderName, validateHeaderValue } from 'node:http';
import type { SpanContext } from '../../../src/api/types';

/** mulberry32: a small deterministic PRNG returning floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random lower-case hex string of `n` characters, never all zeros. */
export function hex(rand: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(rand() * 16).toString(16);
  return /^0+$/.test(s) ? '1' + s.slice(1) : s;
}

/** Throws (via expect) unless `ctx` is a structurally valid SpanContext. */
export function expectValidContext(ctx: SpanContext): void {
  expect(ctx.traceId).toMatch(/^[0-9a-f]{32}$/);
  expect(ctx.traceId).not.toMatch(/^0+$/);
  expect(ctx.spanId).toMatch(/^[0-9a-f]{16}$/);
  expect(ctx.spanId).not.toMatch(/^0+$/);
  if (ctx.parentSpanId !== undefined) {
    expect(ctx.parentSpanId).toMatch(/^[0-9a-f]{16}$/);
    expect(ctx.parentSpanId).not.toMatch(/^0+$/);
  }
  expect(typeof ctx.sampled).toBe('boolean');
  expect(typeof ctx.debug).toBe('boolean');
  expect(ctx.baggage).toBeDefined();
  for (const [k, v] of Object.entries(ctx.baggage)) {
    expect(typeof k).toBe('string');
    expect(typeof v).toBe('string');
  }
}

/** Cheap (non-expect) validity check, for loops of thousands. Returns a reason or ''. */
export function contextProblem(ctx: SpanContext): string {
  if (!/^[0-9a-f]{32}$/.test(ctx.traceId) || /^0+$/.test(ctx.traceId)) return `bad traceId ${JSON.stringify(ctx.traceId)}`;
  if (!/^[0-9a-f]{16}$/.test(ctx.spanId) || /^0+$/.test(ctx.spanId)) return `bad spanId ${JSON.stringify(ctx.spanId)}`;
  if (ctx.parentSpanId !== undefined && (!/^[0-9a-f]{16}$/.test(ctx.parentSpanId) || /^0+$/.test(ctx.parentSpanId)))
    return `bad parentSpanId ${JSON.stringify(ctx.parentSpanId)}`;
  if (typeof ctx.sampled !== 'boolean' || typeof ctx.debug !== 'boolean') return 'bad flags';
  if (ctx.baggage === null || typeof ctx.baggage !== 'object') return 'bad baggage';
  for (const v of Object.values(ctx.baggage)) if (typeof v !== 'string') return 'bad baggage value';
  return '';
}

/** A reason why these headers could not be sent by node:http / grpc-js, or ''. */
export function headersProblem(headers: Record<string, string>, maxLength = 8192): string {
  for (const [k, v] of Object.entries(headers)) {
    try {
      validateHeaderName(k);
      validateHeaderValue(k, v);
    } catch (e) {
      return `node:http rejects ${JSON.stringify(k)}: ${JSON.stringify(v)} (${(e as Error).message})`;
    }
    if (!/^[\x20-\x7e]*$/.test(v)) return `non printable-ASCII value in ${k}: ${JSON.stringify(v)}`;
    if (/[\r\n\0]/.test(v)) return `CR/LF/NUL in ${k}`;
    if (v.length > maxLength) return `over-long ${k} (${v.length})`;
    if (v !== v.trim()) return `untrimmed ${k}`;
  }
  return '';
}

/** A record carrier setter for tests. */
export const recordSetter = (c: Record<string, string>, k: string, v: string): void => {
  c[k] = v;
};
/** A record carrier getter for tests (exact keys). */
export const recordGetter = (c: Record<string, string>, k: string): string | undefined => c[k];
