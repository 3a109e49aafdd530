import { createPropagator, isPropagationFormat } from '../../../src/propagation/createPropagator';
import { headerGetter } from '../../../src/propagation/carriers';
import type { PropagationFormat, SpanContext } from '../../../src/api/types';
import { exampleContext, headersProblem, recordGetter, recordSetter } from './helpers';

const ctx: SpanContext = exampleContext({ user: 'ann' });

const injected = (formats: PropagationFormat[]): Record<string, string> => {
  const out: Record<string, string> = {};
  createPropagator(formats).inject(ctx, out, recordSetter);
  return out;
};

describe('createPropagator', () => {
  test('maps each name to its headers', () => {
    expect(Object.keys(injected(['w3c'])).sort()).toEqual(['baggage', 'traceparent']);
    expect(Object.keys(injected(['b3']))).toEqual(['b3']);
    expect(Object.keys(injected(['b3multi'])).sort()).toEqual(['x-b3-parentspanid', 'x-b3-sampled', 'x-b3-spanid', 'x-b3-traceid']);
    expect(Object.keys(injected(['jaeger'])).sort()).toEqual(['uber-trace-id', 'uberctx-user']);
    expect(Object.keys(injected(['sw8'])).sort()).toEqual(['sw8', 'sw8-correlation']);
  });

  test('round trip per format (ids, flags, baggage)', () => {
    for (const f of ['w3c', 'b3', 'b3multi', 'jaeger', 'sw8'] as PropagationFormat[]) {
      for (const flags of [
        { sampled: true, debug: false },
        { sampled: false, debug: false },
      ]) {
        const p = createPropagator([f]);
        const out: Record<string, string> = {};
        const c = { ...ctx, ...flags };
        p.inject(c, out, recordSetter);
        expect(headersProblem(out)).toBe('');
        const back = p.extract(out, recordGetter);
        expect(back?.traceId).toBe(c.traceId);
        expect(back?.sampled).toBe(c.sampled);
        // B3 has no baggage field
        expect(back?.baggage).toEqual(f === 'b3' || f === 'b3multi' ? {} : c.baggage);
        // sw8 derives the span id from segment (= span id, index 0) → same span id
        expect(back?.spanId).toBe(c.spanId);
        if (f === 'b3' || f === 'b3multi' || f === 'jaeger') expect(back?.parentSpanId).toBe(c.parentSpanId);
      }
    }
  });

  test('debug round trips where the format has it', () => {
    for (const f of ['b3', 'b3multi', 'jaeger'] as PropagationFormat[]) {
      const p = createPropagator([f]);
      const out: Record<string, string> = {};
      p.inject({ ...ctx, debug: true }, out, recordSetter);
      expect(p.extract(out, recordGetter)).toMatchObject({ debug: true, sampled: true });
    }
  });

  test("'b3' and 'b3multi' each extract both B3 forms", () => {
    const single = { b3: '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1' };
    const multi = { 'x-b3-traceid': '80f198ee56343ba864fe8b2a57d3eff7', 'x-b3-spanid': 'e457b5a2e4d86bd1', 'x-b3-sampled': '1' };
    for (const f of ['b3', 'b3multi'] as PropagationFormat[]) {
      const p = createPropagator({ inject: [], extract: [f] });
      expect(p.extract(single, headerGetter)?.traceId).toBe('80f198ee56343ba864fe8b2a57d3eff7');
      expect(p.extract(multi, headerGetter)?.traceId).toBe('80f198ee56343ba864fe8b2a57d3eff7');
    }
    expect(createPropagator({ inject: [], extract: ['b3', 'b3multi'] }).extractors).toHaveLength(1);
  });

  test('object form: separate inject and extract sets, extract order honoured', () => {
    const p = createPropagator({ inject: ['w3c', 'b3multi'], extract: ['jaeger', 'w3c'] });
    const out: Record<string, string> = {};
    p.inject(ctx, out, recordSetter);
    expect(out['uber-trace-id']).toBeUndefined();
    expect(out['x-b3-traceid']).toBe(ctx.traceId);
    const both = { traceparent: `00-${ctx.traceId}-${ctx.spanId}-01`, 'uber-trace-id': 'abc:1f:0:1' };
    expect(p.extract(both, headerGetter)?.traceId).toBe('00000000000000000000000000000abc');
    expect(p.fields).toEqual(expect.arrayContaining(['traceparent', 'baggage', 'x-b3-traceid', 'uber-trace-id']));
  });

  test('baggage limits reach every codec', () => {
    const p = createPropagator(['w3c', 'jaeger'], { maxBaggageItems: 1 });
    const out: Record<string, string> = {};
    p.inject({ ...ctx, baggage: { a: '1', b: '2' } }, out, recordSetter);
    expect(out.baggage).toBe('a=1');
    expect(Object.keys(out).filter((k) => k.startsWith('uberctx-'))).toEqual(['uberctx-a']);
  });

  test('unknown names or shapes throw a TypeError naming the value', () => {
    expect(() => createPropagator(['w3c', 'zipkin' as PropagationFormat])).toThrow(/unknown format "zipkin"/);
    expect(() => createPropagator({ inject: ['w3c'], extract: 'w3c' as never })).toThrow(/propagation\.extract/);
    expect(() => createPropagator(null as never)).toThrow(TypeError);
    expect(isPropagationFormat('sw8')).toBe(true);
    expect(isPropagationFormat('SW8')).toBe(false);
  });

  test('empty lists: nothing injected, nothing extracted', () => {
    const p = createPropagator([]);
    const out: Record<string, string> = {};
    p.inject(ctx, out, recordSetter);
    expect(out).toEqual({});
    expect(p.extract({ traceparent: `00-${ctx.traceId}-${ctx.spanId}-01` }, headerGetter)).toBeUndefined();
  });
});
