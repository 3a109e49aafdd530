/**
 * Interop: a peer instrumented with `jaeger-client` directly (its own tracer, `inject` /
 * `extract` with FORMAT_HTTP_HEADERS, an in-memory reporter) and a service traced by our core
 * with the `jaeger` backend call each other over real HTTP; the traces join.
 */
import * as http from 'node:http';
import { initTracer, opentracing, type JaegerTracer, type Reporter } from 'jaeger-client';
import { createTracer, type Tracer } from '../../../src';
import '../../../adapters/jaeger';
import { httpGet as get, listen } from '../../support/http';
import { startJaegerCollector, type CollectorStandIn } from './standins';

/** jaeger-client's SpanContext, with the getters its typings omit. */
interface JaegerContext {
  toTraceId(): string;
  toSpanId(): string;
  parentIdStr: string | null;
  isSampled(): boolean;
  isDebug(): boolean;
}

/** A custom jaeger-client reporter keeping spans in memory (no timers, no sockets). */
class MemoryReporter implements Reporter {
  readonly spans: opentracing.Span[] = [];
  report(span: opentracing.Span): void {
    this.spans.push(span);
  }
  close(callback?: () => void): void {
    callback?.();
  }
  setProcess(): void {
    // nothing to do
  }
}

const quietLogger = { info: (): void => undefined, error: (): void => undefined };
const pad = (hex: string, n: number): string => hex.padStart(n, '0');

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('jaeger-client ⇄ traceandtrace interop', () => {
  let collector: CollectorStandIn;
  let ours: Tracer;
  let reporter: MemoryReporter;
  let peer: JaegerTracer;

  beforeAll(async () => {
    collector = await startJaegerCollector();
    ours = createTracer({ serviceName: 'orders', backend: 'jaeger', endpoint: collector.url, reporter: { flushInterval: 50 } });
    reporter = new MemoryReporter();
    peer = initTracer({ serviceName: 'jaeger-peer', sampler: { type: 'const', param: 1 } }, { reporter, logger: quietLogger });
  });

  afterAll(async () => {
    await ours.shutdown();
    await new Promise<void>((resolve) => peer.close(() => resolve()));
    await collector.stop();
  });

  it('a jaeger-client caller continues into our server span (same trace, parent = caller span, baggage)', async () => {
    const server = http.createServer((req, res) => {
      // extract from the header object (not a get-function) so `uberctx-*` keys can be enumerated
      const span = ours.startSpan('GET /orders', { kind: 'entry', parent: ours.extract(req.headers) ?? null });
      res.end(JSON.stringify({ user: span.context().baggage.user ?? null }), () => span.end());
    });
    const url = `http://127.0.0.1:${await listen(server)}`;

    const client = peer.startSpan('call orders', { tags: { [opentracing.Tags.SPAN_KIND]: 'client' } });
    client.setBaggageItem('user', 'ann');
    const headers: Record<string, string> = {};
    peer.inject(client, opentracing.FORMAT_HTTP_HEADERS, headers);
    expect(headers['uber-trace-id']).toBeDefined();
    const body = JSON.parse(await get(`${url}/orders`, headers)) as { user: string | null };
    client.finish();
    await closeServer(server);
    await ours.flush();

    expect(body.user).toBe('ann');
    const ctx = client.context() as unknown as JaegerContext;
    const serverSpan = collector.spans.find((s) => s.operationName === 'GET /orders');
    expect(serverSpan).toBeDefined();
    expect(serverSpan?.traceId).toBe(pad(ctx.toTraceId(), 32));
    expect(serverSpan?.parentSpanId).toBe(pad(ctx.toSpanId(), 16));
    expect(serverSpan?.references).toEqual([{ refType: 'CHILD_OF', traceId: pad(ctx.toTraceId(), 32), spanId: pad(ctx.toSpanId(), 16) }]);
    expect(serverSpan?.spanId).not.toBe(pad(ctx.toSpanId(), 16)); // a child, not a shared span
    expect(serverSpan?.tags['span.kind']).toBe('server');
    expect(serverSpan?.process.serviceName).toBe('orders');
  });

  it('our client span continues into a jaeger-client server (same trace, parent = our span, baggage)', async () => {
    let serverCtx: JaegerContext | undefined;
    let serverBaggage: string | undefined;
    const server = http.createServer((req, res) => {
      const parent = peer.extract(opentracing.FORMAT_HTTP_HEADERS, req.headers);
      const span = peer.startSpan('GET /pricing', {
        childOf: parent ?? undefined,
        tags: { [opentracing.Tags.SPAN_KIND]: opentracing.Tags.SPAN_KIND_RPC_SERVER },
      });
      serverCtx = span.context() as unknown as JaegerContext;
      serverBaggage = span.getBaggageItem('tenant');
      span.finish();
      res.end('ok');
    });
    const url = `http://127.0.0.1:${await listen(server)}`;

    const root = ours.startSpan('checkout', { kind: 'entry', parent: null });
    const headers: Record<string, string> = {};
    const call = ours.createExitSpan('call pricing', new URL(url).host, (k, v) => {
      headers[k] = v;
    }, { parent: root });
    const ctx = call.context();
    // Baggage rides along when present on the injected context (uberctx-*).
    ours.inject({ ...ctx, baggage: { tenant: 'acme' } }, headers);
    expect(headers['uber-trace-id']).toBeDefined();
    await get(`${url}/pricing`, headers);
    call.end();
    root.end();
    await closeServer(server);
    await ours.flush();

    expect(serverCtx).toBeDefined();
    expect(pad(serverCtx!.toTraceId(), 32)).toBe(ctx.traceId);
    expect(pad(serverCtx!.parentIdStr ?? '', 16)).toBe(ctx.spanId);
    expect(serverCtx!.isSampled()).toBe(true);
    expect(serverBaggage).toBe('acme');
    // the peer reported its span; ours reached the collector in the same trace
    expect(reporter.spans.some((s) => (s.context() as unknown as JaegerContext).toSpanId() === serverCtx!.toSpanId())).toBe(true);
    const clientSpan = collector.spans.find((s) => s.operationName === 'call pricing');
    expect(clientSpan?.traceId).toBe(ctx.traceId);
    expect(clientSpan?.spanId).toBe(ctx.spanId);
    expect(clientSpan?.tags['span.kind']).toBe('client');
    expect(clientSpan?.parentSpanId).toBe(root.context().spanId);
    expect(clientSpan?.tags['peer.ipv4']).toBe('127.0.0.1');
    expect(clientSpan?.tags['peer.port']).toBe(Number(new URL(url).port));
    expect(String(clientSpan?.tags.caller)).toMatch(/interop\.test\.ts:\d+/); // the core's caller tag passes through
  });

  it('a jaeger-debug-id from the caller reaches the collector as the debug flag', async () => {
    const server = http.createServer((req, res) => {
      const span = ours.createEntrySpan('GET /debug', (key) => {
        const v = req.headers[key];
        return Array.isArray(v) ? v[0] : v;
      });
      span.end();
      res.end('ok');
    });
    const url = `http://127.0.0.1:${await listen(server)}`;
    const client = peer.startSpan('debug call');
    const headers: Record<string, string> = {};
    peer.inject(client, opentracing.FORMAT_HTTP_HEADERS, headers);
    headers['jaeger-debug-id'] = 'dbg-123';
    await get(`${url}/debug`, headers);
    client.finish();
    await closeServer(server);
    await ours.flush();
    const got = collector.spans.find((s) => s.operationName === 'GET /debug');
    expect(got).toBeDefined();
    expect(got!.flags & 0x2).toBe(0x2);
  });
});
