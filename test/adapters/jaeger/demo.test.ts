/**
 * The demo chain (gateway →HTTP→ orders →gRPC→ inventory →custom RPC→ pricing) exporting to the
 * Jaeger collector stand-in: Jaeger-specific checks on top of the shared conformance suite —
 * one trace per request, CHILD_OF references, `span.kind` tags, process tags, the OpenTracing
 * error log, standard HTTP/RPC tags and µs durations, as decoded from the Thrift batches.
 */
import '../../../adapters/jaeger';
import { startDemoChain, type DemoChain } from '../../../examples/http-to-grpc/chain';
import { silentLogger as silent } from '../../support/logger';
import { startJaegerCollector, type CollectorStandIn, type DecodedSpan } from './standins';

describe('demo chain → jaeger collector (HTTP, Thrift binary)', () => {
  let collector: CollectorStandIn;
  let chain: DemoChain;
  const traceIds: string[] = [];
  let failedTraceId = '';

  beforeAll(async () => {
    collector = await startJaegerCollector();
    chain = await startDemoChain(() => ({ backend: 'jaeger', endpoint: collector.url, reporter: { flushInterval: 100 }, logger: silent }));
    for (const item of ['book', 'pen', 'cursed']) {
      const res = await fetch(`${chain.gatewayUrl}/checkout?item=${item}`);
      const { traceId } = (await res.json()) as { traceId: string };
      traceIds.push(traceId);
      if (item === 'cursed') failedTraceId = traceId;
    }
    await chain.flush();
    await collector.waitForSpans(traceIds.length * 8);
  });

  afterAll(async () => {
    await chain?.stop();
    await collector?.stop();
  });

  const traceOf = (id: string): DecodedSpan[] => collector.spans.filter((s) => s.traceId === id);

  it('delivers exactly one trace per request, each with 8 spans from the four services', () => {
    expect(new Set(collector.spans.map((s) => s.traceId))).toEqual(new Set(traceIds));
    for (const id of traceIds) {
      const trace = traceOf(id);
      expect(trace).toHaveLength(8);
      expect(new Set(trace.map((s) => s.process.serviceName))).toEqual(new Set(['gateway', 'orders', 'inventory', 'pricing']));
    }
  });

  it('links every non-root span with parentSpanId and a matching CHILD_OF reference', () => {
    for (const id of traceIds) {
      const trace = traceOf(id);
      const ids = new Set(trace.map((s) => s.spanId));
      const roots = trace.filter((s) => s.parentSpanId === '0000000000000000');
      expect(roots).toHaveLength(1);
      expect(roots[0].references).toEqual([]);
      for (const s of trace) {
        if (s === roots[0]) continue;
        expect(ids.has(s.parentSpanId)).toBe(true);
        expect(s.references).toEqual([{ refType: 'CHILD_OF', traceId: id, spanId: s.parentSpanId }]);
      }
    }
  });

  it('tags kinds, process and standard HTTP / RPC keys; times are µs', () => {
    const trace = traceOf(traceIds[0]);
    const kindsOf = (svc: string): unknown[] => trace.filter((s) => s.process.serviceName === svc).map((s) => s.tags['span.kind']).sort();
    expect(kindsOf('gateway')).toEqual(['client', 'server']);
    expect(kindsOf('inventory')).toEqual(['client', 'server', undefined]);
    expect(kindsOf('pricing')).toEqual(['server']);
    for (const s of trace) {
      expect(s.process.tags['jaeger.version']).toMatch(/^traceandtrace-node-/);
      expect(typeof s.process.tags.hostname).toBe('string');
      expect(typeof s.process.tags.ip).toBe('string');
      expect(s.startTime).toBeGreaterThan(1.6e15);
      expect(s.flags & 1).toBe(1);
    }
    const gatewayServer = trace.find((s) => s.process.serviceName === 'gateway' && s.tags['span.kind'] === 'server')!;
    expect(gatewayServer.tags['http.request.method']).toBe('GET');
    expect(gatewayServer.tags['http.response.status_code']).toBe(200);
    expect(gatewayServer.tagTypes['http.response.status_code']).toBe('LONG');
    const grpcServer = trace.find((s) => s.process.serviceName === 'inventory' && s.tags['span.kind'] === 'server')!;
    expect(grpcServer.tags['rpc.system']).toBe('grpc');
    const reserve = trace.find((s) => s.operationName === 'reserve-stock')!;
    expect(reserve.tags['span.kind']).toBeUndefined();
    // µs, not ms rounded up: across the whole run some duration is not a multiple of 1000
    expect(collector.spans.some((s) => s.duration % 1000 !== 0)).toBe(true);
  });

  it('maps the failing request to error=true and an OpenTracing error log in pricing', () => {
    const trace = traceOf(failedTraceId);
    const pricing = trace.find((s) => s.process.serviceName === 'pricing')!;
    expect(pricing.tags.error).toBe(true);
    const errLog = pricing.logs.find((l) => l.fields.event === 'error');
    expect(errLog).toBeDefined();
    expect(typeof errLog!.fields['error.kind']).toBe('string');
    expect(typeof errLog!.fields.message).toBe('string');
    expect(typeof errLog!.fields.stack).toBe('string');
    expect(errLog!.timestamp).toBeGreaterThanOrEqual(pricing.startTime);
    expect(errLog!.timestamp).toBeLessThanOrEqual(pricing.startTime + pricing.duration);
    expect(traceOf(traceIds[0]).some((s) => s.tags.error === true)).toBe(false);
  });
});
