/**
 * Test helpers for the propagation suite: a seeded PRNG, id generators and validators for
 * extracted contexts and injected headers.
 */
import { validateHeaderName, validateHeaderValue } from 'node:http';
import type { SpanContext } from '../../../src/api/types';

/** mulberry32: a small deterministic PRNG returning floats in [0, 1). */
export { mulberry32 as prng } from '../../support/prng';

/**
 * The context the carrier/format tests inject: the W3C Trace Context example ids
 * (trace `4bf92f35…4736`, span `00f067aa0ba902b7`) with parent `05e3ac9a4f6e3b90`, sampled,
 * not debug, and the given baggage.
 */
export function exampleContext(baggage: Record<string, string>): SpanContext {
  return { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', parentSpanId: '05e3ac9a4f6e3b90', sampled: true, debug: false, baggage };
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
