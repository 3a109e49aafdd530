import { JaegerPropagator } from '../../../src/propagation/JaegerPropagator';
import { functionGetter, headerGetter, headerSetter } from '../../../src/propagation/carriers';
import type { SpanContext } from '../../../src/api/types';
import { expectValidContext, headersProblem, recordGetter, recordSetter } from './helpers';

const jaeger = new JaegerPropagator();
const TRACE = '6bd5ef1a7e0bab3c4e6f4f6a5b1d2c3e';

describe('JaegerPropagator — Jaeger client propagation format', () => {
  test('{trace-id}:{span-id}:{parent-span-id}:{flags}, sampled', () => {
    const ctx = jaeger.extract({ 'uber-trace-id': `${TRACE}:4e6f4f6a5b1d2c3e:1d2c3e4e6f4f6a5b:1` }, headerGetter);
    expect(ctx).toEqual({
      traceId: TRACE,
      spanId: '4e6f4f6a5b1d2c3e',
      parentSpanId: '1d2c3e4e6f4f6a5b',
      sampled: true,
      debug: false,
      baggage: {},
      isRemote: true,
    });
    expectValidContext(ctx!);
  });

  test('hex without leading zeros on input; 64-bit ids padded; parent 0 = none', () => {
    const ctx = jaeger.extract({ 'uber-trace-id': 'abc:1f:0:1' }, headerGetter);
    expect(ctx).toMatchObject({ traceId: '00000000000000000000000000000abc', spanId: '000000000000001f', sampled: true });
    expect(ctx?.parentSpanId).toBeUndefined();
  });

  test('flags: 0x1 sampled, 0x2 debug (forces sampled), 0 not sampled, two-digit hex', () => {
    expect(jaeger.extract({ 'uber-trace-id': 'abc:1f:0:0' }, headerGetter)).toMatchObject({ sampled: false, debug: false });
    expect(jaeger.extract({ 'uber-trace-id': 'abc:1f:0:3' }, headerGetter)).toMatchObject({ sampled: true, debug: true });
    expect(jaeger.extract({ 'uber-trace-id': 'abc:1f:0:2' }, headerGetter)).toMatchObject({ sampled: true, debug: true });
    expect(jaeger.extract({ 'uber-trace-id': 'abc:1f:0:05' }, headerGetter)).toMatchObject({ sampled: true, debug: false });
  });

  test('a URL-encoded value is accepted; upper-case hex is normalised', () => {
    expect(jaeger.extract({ 'uber-trace-id': `${TRACE.toUpperCase()}%3A4E6F4F6A5B1D2C3E%3A0%3A1` }, headerGetter)).toMatchObject({
      traceId: TRACE,
      spanId: '4e6f4f6a5b1d2c3e',
    });
  });

  test.each([
    ['zero trace id', '0:1f:0:1'],
    ['zero span id', 'abc:0:0:1'],
    ['too few fields', 'abc:1f:1'],
    ['too many fields', 'abc:1f:0:1:1'],
    ['33-hex trace id', `a${TRACE}:1f:0:1`],
    ['17-hex span id', 'abc:11111111111111111:0:1'],
    ['non-hex', 'xyz:1f:0:1'],
    ['empty field', 'abc::0:1'],
    ['3-digit flags', 'abc:1f:0:100'],
  ])('rejects %s', (_n, value) => {
    expect(jaeger.extract({ 'uber-trace-id': value }, headerGetter)).toBeUndefined();
  });

  test('uberctx-{key} baggage, URL-decoded, keys lower-cased; jaeger-baggage ad-hoc header', () => {
    const ctx = jaeger.extract(
      {
        'uber-trace-id': 'abc:1f:0:1',
        'uberctx-user': 'ann%20lee',
        'UberCtx-Tenant': 'acme',
        'jaeger-baggage': 'k1=v1, k2=v2',
      },
      headerGetter,
    );
    expect(ctx?.baggage).toEqual({ user: 'ann lee', tenant: 'acme', k1: 'v1', k2: 'v2' });
  });

  test('jaeger-debug-id forces debug + sampled and sets debugId', () => {
    const ctx = jaeger.extract({ 'uber-trace-id': 'abc:1f:0:0', 'jaeger-debug-id': 'some-correlation-id' }, headerGetter);
    expect(ctx).toMatchObject({ debug: true, sampled: true, debugId: 'some-correlation-id' });
    // a debug id with control characters is not kept
    const bad = jaeger.extract({ 'uber-trace-id': 'abc:1f:0:0', 'jaeger-debug-id': 'x\u0001y' }, headerGetter);
    expect(bad).toMatchObject({ debug: false, sampled: false });
    expect(bad?.debugId).toBeUndefined();
    // without a valid uber-trace-id there are no ids: no context
    expect(jaeger.extract({ 'jaeger-debug-id': 'some-correlation-id' }, headerGetter)).toBeUndefined();
  });

  test('function getters without key listing still read the trace id (baggage needs keys)', () => {
    const h: Record<string, string> = { 'uber-trace-id': 'abc:1f:0:1', 'uberctx-a': '1' };
    expect(jaeger.extract(undefined, functionGetter((k) => h[k]))?.baggage).toEqual({});
    expect(jaeger.extract(undefined, functionGetter((k) => h[k], () => Object.keys(h)))?.baggage).toEqual({ a: '1' });
  });
});

describe('JaegerPropagator — inject and round trips', () => {
  const base: SpanContext = {
    traceId: TRACE,
    spanId: '4e6f4f6a5b1d2c3e',
    parentSpanId: '1d2c3e4e6f4f6a5b',
    sampled: true,
    debug: false,
    baggage: { user: 'ann lee', 'x\r\n': 'no', crlf: 'a\r\nb' },
  };

  test('writes uber-trace-id with hex flags and URL-encoded uberctx-*', () => {
    const out: Record<string, string> = {};
    jaeger.inject(base, out, recordSetter);
    expect(out).toEqual({
      'uber-trace-id': `${TRACE}:4e6f4f6a5b1d2c3e:1d2c3e4e6f4f6a5b:1`,
      'uberctx-user': 'ann%20lee',
      'uberctx-crlf': 'a%0D%0Ab',
    });
    expect(headersProblem(out)).toBe('');
    const root: Record<string, string> = {};
    jaeger.inject({ ...base, traceId: '0000000000000000' + 'a'.repeat(16), parentSpanId: undefined, debug: true, baggage: {} }, root, recordSetter);
    expect(root['uber-trace-id']).toBe(`${'a'.repeat(16)}:4e6f4f6a5b1d2c3e:0:3`);
  });

  test('round trips ids, flags and baggage', () => {
    for (const flags of [
      { sampled: true, debug: false },
      { sampled: false, debug: false },
      { sampled: true, debug: true },
    ]) {
      const ctx: SpanContext = { ...base, ...flags, baggage: { user: 'ann lee', 'emoji': '🌍,;=' } };
      const out: Record<string, string> = {};
      jaeger.inject(ctx, out, headerSetter);
      expect(jaeger.extract(out, recordGetter)).toEqual({ ...ctx, isRemote: true });
    }
  });

  test('baggage limits on inject and extract', () => {
    const small = new JaegerPropagator({ maxBaggageItems: 2 });
    const out: Record<string, string> = {};
    small.inject({ ...base, baggage: { a: '1', b: '2', c: '3' } }, out, recordSetter);
    expect(Object.keys(out).filter((k) => k.startsWith('uberctx-'))).toHaveLength(2);
    const many = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`uberctx-k${i}`, 'v']));
    expect(Object.keys(jaeger.extract({ 'uber-trace-id': 'abc:1f:0:1', ...many }, headerGetter)!.baggage)).toHaveLength(64);
    const bytes = new JaegerPropagator({ maxBaggageBytes: 10 });
    expect(bytes.extract({ 'uber-trace-id': 'abc:1f:0:1', 'uberctx-a': 'x'.repeat(20), 'uberctx-b': '1' }, headerGetter)!.baggage).toEqual({ b: '1' });
  });
});
