/**
 * Interop with each format's reference implementation, used as a real peer: OpenTelemetry's
 * W3C propagators, zipkin-js (B3), jaeger-client (uber-trace-id / uberctx-*) and the
 * SkyWalking Node agent's ContextCarrier (sw8). Headers go both ways.
 */
import { ROOT_CONTEXT, TraceFlags, defaultTextMapGetter, defaultTextMapSetter, propagation, trace } from '@opentelemetry/api';
import { TraceState, W3CBaggagePropagator as OtelBaggage, W3CTraceContextPropagator as OtelTraceContext } from '@opentelemetry/core';
import * as zipkin from 'zipkin';
import * as opentracing from 'opentracing';
import { ContextCarrier } from 'skywalking-backend-js/lib/trace/context/ContextCarrier';
import ID from 'skywalking-backend-js/lib/trace/ID';
import { createPropagator } from '../../../src/propagation/createPropagator';
import { headerGetter, headerSetter } from '../../../src/propagation/carriers';
import type { SpanContext } from '../../../src/api/types';
import { exampleContext } from './helpers';

/** The parts of jaeger-client used here (its @types package does not declare these classes). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jaegerClient = require('jaeger-client') as {
  Tracer: new (service: string, reporter: unknown, sampler: unknown) => opentracing.Tracer & { close(cb: () => void): void };
  InMemoryReporter: new () => unknown;
  ConstSampler: new (decision: boolean) => unknown;
};

const ctx: SpanContext = exampleContext({ user: 'ann lee', city: 'München' });
const inject = (formats: Parameters<typeof createPropagator>[0], c: SpanContext = ctx): Record<string, string> => {
  const out: Record<string, string> = {};
  createPropagator(formats).inject(c, out, headerSetter);
  return out;
};

describe('W3C ↔ OpenTelemetry (@opentelemetry/core propagators)', () => {
  const otelTc = new OtelTraceContext();
  const otelBag = new OtelBaggage();

  test('ours → OpenTelemetry', () => {
    const headers = inject(['w3c'], { ...ctx, traceState: 'rojo=00f067aa0ba902b7' });
    const otelCtx = otelBag.extract(otelTc.extract(ROOT_CONTEXT, headers, defaultTextMapGetter), headers, defaultTextMapGetter);
    const sc = trace.getSpanContext(otelCtx);
    expect(sc).toMatchObject({ traceId: ctx.traceId, spanId: ctx.spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true });
    expect(sc?.traceState?.get('rojo')).toBe('00f067aa0ba902b7');
    const bag = propagation.getBaggage(otelCtx);
    expect(bag?.getEntry('user')?.value).toBe('ann lee');
    expect(bag?.getEntry('city')?.value).toBe('München');
  });

  test('OpenTelemetry → ours', () => {
    let c = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: ctx.traceId,
      spanId: ctx.spanId,
      traceFlags: TraceFlags.NONE,
      traceState: new TraceState('congo=t61rcWkgMzE'),
    });
    c = propagation.setBaggage(c, propagation.createBaggage({ user: { value: 'ann lee' }, 'emoji': { value: '🌍 ,;=' } }));
    const headers: Record<string, string> = {};
    otelTc.inject(c, headers, defaultTextMapSetter);
    otelBag.inject(c, headers, defaultTextMapSetter);
    expect(createPropagator(['w3c']).extract(headers, headerGetter)).toEqual({
      traceId: ctx.traceId,
      spanId: ctx.spanId,
      sampled: false,
      debug: false,
      traceState: 'congo=t61rcWkgMzE',
      baggage: { user: 'ann lee', emoji: '🌍 ,;=' },
      isRemote: true,
    });
  });
});

describe('B3 ↔ zipkin-js', () => {
  const recorder = { record: (): void => undefined };
  const tracer = new zipkin.Tracer({ ctxImpl: new zipkin.ExplicitContext(), recorder, localServiceName: 'peer', traceId128Bit: true });

  test('zipkin-js headers → ours (multi headers, 128-bit ids)', () => {
    const root = tracer.createRootId(new zipkin.option.Some(true));
    const child = tracer.letId(root, () => tracer.createChildId());
    const { headers } = zipkin.Request.addZipkinHeaders({ headers: {} }, child) as { headers: Record<string, string> };
    const got = createPropagator(['b3multi']).extract(headers, headerGetter);
    expect(got).toMatchObject({ traceId: child.traceId.padStart(32, '0'), spanId: child.spanId, parentSpanId: root.spanId, sampled: true });
  });

  test('ours → zipkin-js HttpServer instrumentation (joins our span)', () => {
    const headers = inject(['b3multi'], { ...ctx, debug: true });
    const server = new zipkin.Instrumentation.HttpServer({ tracer, port: 8080 });
    const read = (name: string): zipkin.option.IOption<string> => {
      const v = headers[name.toLowerCase()];
      return v === undefined ? zipkin.option.None : new zipkin.option.Some(v);
    };
    const id = tracer.scoped(() => server.recordRequest('GET', '/x', read as <T>(header: string) => zipkin.option.IOption<T>));
    expect(id.traceId).toBe(ctx.traceId);
    expect(id.spanId).toBe(ctx.spanId);
    expect(id.parentSpanId.getOrElse('none')).toBe(ctx.parentSpanId);
    expect(id.isDebug()).toBe(true);
  });
});

describe('Jaeger ↔ jaeger-client', () => {
  const tracer = new jaegerClient.Tracer('peer', new jaegerClient.InMemoryReporter(), new jaegerClient.ConstSampler(true));
  afterAll((done) => {
    tracer.close(done);
  });

  test('jaeger-client headers → ours', () => {
    const parent = tracer.startSpan('parent');
    const span = tracer.startSpan('child', { childOf: parent.context() });
    span.setBaggageItem('user', 'ann lee');
    const headers: Record<string, string> = {};
    tracer.inject(span.context(), opentracing.FORMAT_HTTP_HEADERS, headers);
    const jc = span.context() as unknown as { toTraceId(): string; toSpanId(): string };
    const got = createPropagator(['jaeger']).extract(headers, headerGetter);
    expect(got).toMatchObject({
      traceId: jc.toTraceId().padStart(32, '0'),
      spanId: jc.toSpanId().padStart(16, '0'),
      parentSpanId: (parent.context() as unknown as { toSpanId(): string }).toSpanId().padStart(16, '0'),
      sampled: true,
      baggage: { user: 'ann lee' },
    });
    span.finish();
    parent.finish();
  });

  test('ours → jaeger-client', () => {
    const headers = inject(['jaeger'], { ...ctx, debug: true });
    const jc = tracer.extract(opentracing.FORMAT_HTTP_HEADERS, headers) as unknown as {
      toTraceId(): string;
      toSpanId(): string;
      parentIdStr: string;
      isSampled(): boolean;
      isDebug(): boolean;
      baggage: Record<string, string>;
    };
    expect(jc.toTraceId()).toBe(ctx.traceId);
    expect(jc.toSpanId()).toBe(ctx.spanId);
    expect(jc.parentIdStr).toBe(ctx.parentSpanId);
    expect(jc.isSampled()).toBe(true);
    expect(jc.isDebug()).toBe(true);
    expect(jc.baggage).toEqual(ctx.baggage);
  });
});

describe('sw8 ↔ SkyWalking Node agent ContextCarrier', () => {
  test('agent carrier → ours', () => {
    const traceId = new ID();
    const segmentId = new ID();
    const carrier = new ContextCarrier(traceId, segmentId, 3, 'orders', 'orders-1@host', 'GET /orders', '10.0.0.5:8080');
    const got = createPropagator(['sw8']).extract({ sw8: carrier.value }, headerGetter);
    expect(got?.traceId).toBe(traceId.toString()); // the agent's ids are 32-hex UUIDs: kept as our trace id
    expect(got?.sw8).toEqual({
      traceId: traceId.toString(),
      segmentId: segmentId.toString(),
      spanId: 3,
      service: 'orders',
      serviceInstance: 'orders-1@host',
      endpoint: 'GET /orders',
      targetAddress: '10.0.0.5:8080',
    });
  });

  test('ours → agent carrier (valid for the agent)', () => {
    const headers = inject(['sw8'], {
      ...ctx,
      sw8: { traceId: ctx.traceId, segmentId: 'seg-1', spanId: 2, service: 'gateway', serviceInstance: 'gw@host', endpoint: '/checkout', targetAddress: '127.0.0.1:3000' },
    });
    const carrier = ContextCarrier.from(headers);
    expect(carrier?.isValid()).toBe(true);
    expect(carrier?.traceId?.toString()).toBe(ctx.traceId);
    expect(carrier?.segmentId?.toString()).toBe('seg-1');
    expect(carrier?.spanId).toBe(2);
    expect(carrier?.service).toBe('gateway');
    expect(carrier?.endpoint).toBe('/checkout');
    expect(carrier?.clientAddress).toBe('127.0.0.1:3000');
    // the synthesised header (no sw8 data) is valid for the agent too
    const synth = ContextCarrier.from(inject(['sw8']));
    expect(synth?.isValid()).toBe(true);
  });
});
