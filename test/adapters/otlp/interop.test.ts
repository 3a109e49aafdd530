/**
 * Interop: a peer service instrumented with the OpenTelemetry SDK directly (its own
 * `TracerProvider`, `AsyncLocalStorageContextManager`, `W3CTraceContextPropagator`,
 * `InMemorySpanExporter`) and a service traced with traceandtrace's `otlp` backend call each
 * other over real loopback HTTP with W3C `traceparent`/`tracestate`. Both report to the same
 * OTLP stand-in — ours through the adapter, the peer with the SDK's own OTLP protobuf
 * serializer — and the traces join:
 *
 *   peer client ──HTTP──▶ ours /relay (server span) ── tracedFetch ──HTTP──▶ peer /leaf (server span)
 */
import * as http from 'node:http';
import {
  context as otelContext,
  propagation as otelPropagation,
  trace as otelTrace,
  SpanKind as OtelSpanKind,
  defaultTextMapGetter,
  defaultTextMapSetter,
  type Tracer as OtelTracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import '../../../adapters/otlp';
import { createTracer, type Tracer } from '../../../src';
import { closeServer as close, listen } from '../../support/http';
import { startRelay } from '../../support/relay';
import { startHttpStandIn, type DecodedSpan, type OtlpStandIn } from './standin';

interface Peer {
  tracer: OtelTracer;
  provider: TracerProvider;
  memory: InMemorySpanExporter;
  server: http.Server;
  leafUrl: string;
  seenHeaders: http.IncomingHttpHeaders[];
}

async function startPeer(): Promise<Peer> {
  otelContext.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  otelPropagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'otel-peer' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  const tracer = provider.getTracer('interop-peer', '1.0.0');
  const seenHeaders: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seenHeaders.push(req.headers);
    const parent = otelPropagation.extract(otelContext.active(), req.headers, defaultTextMapGetter);
    const span = tracer.startSpan('GET /leaf', { kind: OtelSpanKind.SERVER }, parent);
    req.resume();
    req.on('end', () => {
      res.end('leaf');
      span.end();
    });
  });
  const leafUrl = `http://127.0.0.1:${await listen(server)}/leaf`;
  return { tracer, provider, memory, server, leafUrl, seenHeaders };
}

/** The peer calls `url` inside an OTel CLIENT span, injecting W3C headers with the SDK's propagator. */
async function peerCall(peer: Peer, url: string): Promise<{ traceId: string; spanId: string; body: string }> {
  return peer.tracer.startActiveSpan('GET /relay', { kind: OtelSpanKind.CLIENT }, async (span) => {
    const headers: Record<string, string> = {};
    otelPropagation.inject(otelContext.active(), headers, defaultTextMapSetter);
    const res = await fetch(url, { headers });
    const body = await res.text();
    span.end();
    return { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId, body };
  });
}

/** The peer ships its finished spans with the SDK's own OTLP protobuf encoding. */
async function peerReport(peer: Peer, standIn: OtlpStandIn): Promise<void> {
  const body = ProtobufTraceSerializer.serializeRequest(peer.memory.getFinishedSpans());
  const res = await fetch(`${standIn.endpoint}/v1/traces`, {
    method: 'POST',
    body: Buffer.from(body!),
    headers: { 'Content-Type': 'application/x-protobuf' },
  });
  expect(res.status).toBe(200);
  peer.memory.reset();
}

async function startOurs(standIn: OtlpStandIn, peer: Peer): Promise<{ tracer: Tracer; server: http.Server; url: string }> {
  const tracer = createTracer({ serviceName: 'ours', backend: 'otlp', endpoint: standIn.endpoint, reporter: { flushInterval: 50 } });
  return { tracer, ...(await startRelay(tracer, peer.leafUrl)) };
}

describe('OpenTelemetry SDK peer ↔ traceandtrace (otlp backend) over W3C trace context', () => {
  let standIn: OtlpStandIn;
  let peer: Peer;
  let ours: Awaited<ReturnType<typeof startOurs>>;

  beforeAll(async () => {
    standIn = await startHttpStandIn();
    peer = await startPeer();
    ours = await startOurs(standIn, peer);
  });

  afterAll(async () => {
    await ours.tracer.shutdown();
    await close(ours.server);
    await close(peer.server);
    await peer.provider.shutdown();
    otelContext.disable();
    otelPropagation.disable();
    otelTrace.disable();
    await standIn.stop();
  });

  it('peer client → ours → peer server: one trace, every parent link across both SDKs', async () => {
    const call = await peerCall(peer, ours.url);
    expect(call.body).toBe('relayed leaf');

    // What reached the peer's server is W3C trace context, continuing our client span.
    const arrived = peer.seenHeaders.at(-1)!;
    expect(arrived.traceparent).toMatch(new RegExp(`^00-${call.traceId}-[0-9a-f]{16}-01$`));

    await ours.tracer.flush();
    await peerReport(peer, standIn);
    const all = await standIn.waitForSpans(4);
    const trace = all.filter((s) => s.traceId === call.traceId);
    expect(trace).toHaveLength(4);

    const find = (service: string, kind: number): DecodedSpan => {
      const s = trace.find((x) => x.resource['service.name'] === service && x.kind === kind);
      if (!s) throw new Error(`no ${service} span of kind ${kind}`);
      return s;
    };
    const peerClient = find('otel-peer', 3);
    const oursServer = find('ours', 2);
    const oursClient = find('ours', 3);
    const peerServer = find('otel-peer', 2);
    expect(peerClient.spanId).toBe(call.spanId);
    expect(peerClient.parentSpanId).toBeUndefined();
    expect(oursServer.parentSpanId).toBe(peerClient.spanId);
    expect(oursClient.parentSpanId).toBe(oursServer.spanId);
    expect(peerServer.parentSpanId).toBe(oursClient.spanId);
    expect(arrived.traceparent).toBe(`00-${call.traceId}-${oursClient.spanId}-01`);
    expect(new Set(trace.map((s) => s.spanId)).size).toBe(4);

    // Both sides speak the same semantic conventions and resource keys.
    expect(oursServer.attributes['http.request.method']).toBe('GET');
    expect(oursServer.attributes['http.response.status_code']).toBe(200);
    expect(oursServer.resource['telemetry.sdk.name']).toBe('traceandtrace');
    expect(peerServer.resource['service.name']).toBe('otel-peer');
  });

  it('passes the caller’s tracestate through to the next hop', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const res = await fetch(ours.url, {
      headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01`, tracestate: 'vendor=abc,other=1' },
    });
    expect(await res.text()).toBe('relayed leaf');
    const arrived = peer.seenHeaders.at(-1)!;
    expect(arrived.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(arrived.tracestate).toBe('vendor=abc,other=1');
    await ours.tracer.flush();
    await standIn.waitForSpans(6);
    const server = standIn.spans().find((s) => s.traceId === traceId && s.kind === 2)!;
    expect(server.parentSpanId).toBe('b7ad6b7169203331');
    expect(server.traceState).toBe('vendor=abc,other=1');
  });
});
