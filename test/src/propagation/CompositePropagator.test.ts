import { CompositePropagator } from '../../../src/propagation/CompositePropagator';
import { B3Propagator } from '../../../src/propagation/B3Propagator';
import { JaegerPropagator } from '../../../src/propagation/JaegerPropagator';
import { SkyWalkingPropagator } from '../../../src/propagation/SkyWalkingPropagator';
import { W3CBaggagePropagator } from '../../../src/propagation/W3CBaggagePropagator';
import { W3CTraceContextPropagator } from '../../../src/propagation/W3CTraceContextPropagator';
import { headerGetter, headerSetter } from '../../../src/propagation/carriers';
import type { CarrierGetter, Propagator, SpanContext } from '../../../src/api/types';
import { recordGetter, recordSetter } from './helpers';

const W3C_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const B3_TRACE = '80f198ee56343ba864fe8b2a57d3eff7';
const headers = {
  traceparent: `00-${W3C_TRACE}-00f067aa0ba902b7-01`,
  b3: `${B3_TRACE}-e457b5a2e4d86bd1-1`,
  baggage: 'from=w3c,shared=w3c',
  'uber-trace-id': 'abc:1f:0:1',
  'uberctx-jaeger': 'yes',
  'uberctx-shared': 'jaeger',
};

describe('CompositePropagator', () => {
  test('extract returns the first valid context in configured order', () => {
    const w3cFirst = new CompositePropagator([], [new W3CTraceContextPropagator(), new B3Propagator()]);
    const b3First = new CompositePropagator([], [new B3Propagator(), new W3CTraceContextPropagator()]);
    expect(w3cFirst.extract(headers, headerGetter)?.traceId).toBe(W3C_TRACE);
    expect(b3First.extract(headers, headerGetter)?.traceId).toBe(B3_TRACE);
    // an invalid first format falls through to the next
    expect(w3cFirst.extract({ ...headers, traceparent: 'garbage' }, headerGetter)?.traceId).toBe(B3_TRACE);
    expect(w3cFirst.extract({}, headerGetter)).toBeUndefined();
  });

  test('baggage is merged from every baggage-carrying extractor; earlier formats win a key', () => {
    const p = new CompositePropagator([], [new B3Propagator(), new W3CTraceContextPropagator(), new W3CBaggagePropagator(), new JaegerPropagator()]);
    const ctx = p.extract(headers, headerGetter);
    expect(ctx?.traceId).toBe(B3_TRACE);
    expect(ctx?.baggage).toEqual({ from: 'w3c', shared: 'w3c', jaeger: 'yes' });
    // the winning context's own baggage comes first
    const j = new CompositePropagator([], [new JaegerPropagator(), new W3CBaggagePropagator()]);
    expect(j.extract(headers, headerGetter)?.baggage).toEqual({ jaeger: 'yes', shared: 'jaeger', from: 'w3c' });
  });

  test('merged baggage is bounded by the composite limits', () => {
    const p = new CompositePropagator([], [new W3CTraceContextPropagator(), new W3CBaggagePropagator(), new JaegerPropagator()], { maxBaggageItems: 2 });
    expect(Object.keys(p.extract(headers, headerGetter)!.baggage)).toHaveLength(2);
  });

  test('baggage without a trace context gives no context', () => {
    const p = new CompositePropagator([], [new W3CTraceContextPropagator(), new W3CBaggagePropagator()]);
    expect(p.extract({ baggage: 'a=1' }, headerGetter)).toBeUndefined();
  });

  test('inject calls every injector; a throwing one does not stop the others', () => {
    const boom: Propagator = {
      fields: ['boom'],
      inject: () => {
        throw new Error('boom');
      },
      extract: () => {
        throw new Error('boom');
      },
    };
    const p = new CompositePropagator([new W3CTraceContextPropagator(), boom, new B3Propagator({ single: true }), new W3CBaggagePropagator()], [boom, new B3Propagator()]);
    const ctx: SpanContext = { traceId: W3C_TRACE, spanId: '00f067aa0ba902b7', sampled: true, debug: false, baggage: { k: 'v' } };
    const out: Record<string, string> = {};
    p.inject(ctx, out, recordSetter);
    expect(Object.keys(out).sort()).toEqual(['b3', 'baggage', 'traceparent']);
    expect(p.extract(out, recordGetter)?.traceId).toBe(W3C_TRACE);
  });

  test('fields is the union without duplicates', () => {
    const p = new CompositePropagator([new W3CTraceContextPropagator(), new B3Propagator()], [new B3Propagator({ single: true }), new SkyWalkingPropagator()]);
    expect(p.fields).toEqual(['traceparent', 'tracestate', 'b3', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-parentspanid', 'x-b3-sampled', 'x-b3-flags', 'sw8', 'sw8-correlation']);
  });

  test('cross-format: extract B3, inject W3C (+ Jaeger, sw8) keeps trace id and sampling', () => {
    const inbound = new CompositePropagator([], [new B3Propagator()]);
    const outbound = new CompositePropagator([new W3CTraceContextPropagator(), new JaegerPropagator(), new SkyWalkingPropagator()], []);
    const parent = inbound.extract({ 'X-B3-TraceId': B3_TRACE, 'X-B3-SpanId': 'e457b5a2e4d86bd1', 'X-B3-Sampled': '0' }, headerGetter)!;
    const child: SpanContext = { ...parent, spanId: '1111111111111111', parentSpanId: parent.spanId, isRemote: false };
    const out: Record<string, string> = {};
    outbound.inject(child, out, headerSetter as unknown as (c: Record<string, string>, k: string, v: string) => void);
    expect(out.traceparent).toBe(`00-${B3_TRACE}-1111111111111111-00`);
    expect(out['uber-trace-id']).toBe(`${B3_TRACE}:1111111111111111:e457b5a2e4d86bd1:0`);
    for (const p of [new W3CTraceContextPropagator(), new JaegerPropagator(), new SkyWalkingPropagator()]) {
      expect(p.extract(out, recordGetter)).toMatchObject({ traceId: B3_TRACE, sampled: false });
    }
  });

  test('never throws with a throwing getter', () => {
    const p = new CompositePropagator([], [new W3CTraceContextPropagator(), new W3CBaggagePropagator(), new JaegerPropagator()]);
    const bad: CarrierGetter<unknown> = () => {
      throw new Error('x');
    };
    expect(p.extract({}, bad)).toBeUndefined();
  });
});
