import { OtlpExporter } from '../../../adapters/otlp';
import { createTracer, type ExportError, type FinishedSpan } from '../../../src';
import * as http from 'node:http';
import { closeServer, deadPort, listen } from '../../support/http';
import { startHoldingProxy } from '../../support/holdingProxy';
import { sampleTrace, makeSpan, RESOURCE, TRACE_ID } from './spans';
import { startGrpcStandIn, startHttpStandIn, type DecodedSpan, type OtlpStandIn } from './standin';

type Transport = 'http/protobuf' | 'http/json' | 'grpc';

const transports: Array<{ name: Transport; start: () => Promise<OtlpStandIn>; endpoint: (s: OtlpStandIn) => string }> = [
  { name: 'http/protobuf', start: () => startHttpStandIn(), endpoint: (s) => s.endpoint },
  { name: 'http/json', start: () => startHttpStandIn(), endpoint: (s) => `${s.endpoint}?protocol=http/json` },
  { name: 'grpc', start: () => startGrpcStandIn(), endpoint: (s) => s.endpoint },
];

function byName(spans: DecodedSpan[], name: string): DecodedSpan {
  const s = spans.find((x) => x.name === name);
  if (!s) throw new Error(`no span ${name} among ${spans.map((x) => x.name).join(', ')}`);
  return s;
}

async function rejection(p: Promise<unknown>): Promise<ExportError> {
  try {
    await p;
  } catch (e) {
    return e as ExportError;
  }
  throw new Error('expected the export to reject');
}

describe.each(transports)('OtlpExporter over $name', ({ name, start, endpoint }) => {
  let standIn: OtlpStandIn;
  let exporter: OtlpExporter;
  let trace: FinishedSpan[];
  let received: DecodedSpan[];

  beforeAll(async () => {
    standIn = await start();
    exporter = new OtlpExporter({
      endpoint: endpoint(standIn),
      headers: { 'X-Api-Key': 'k-123' },
      token: 's3cr3t-token',
      timeoutMs: 10000,
    });
    trace = sampleTrace();
    await exporter.export(trace);
    received = await standIn.waitForSpans(trace.length);
  });

  afterAll(async () => {
    await exporter.shutdown();
    await standIn.stop();
  });

  it('chose the transport from the endpoint and sent one request', () => {
    expect(exporter.target.protocol).toBe(name);
    expect(standIn.requests).toHaveLength(1);
    expect(standIn.requests[0].transport).toBe(name);
    if (name !== 'grpc') expect(standIn.requests[0].path).toBe('/v1/traces');
  });

  it('delivers headers / metadata, including the bearer token', () => {
    const h = standIn.requests[0].headers;
    expect(h['x-api-key']).toBe('k-123');
    expect(h.authorization).toBe('Bearer s3cr3t-token');
    if (name === 'http/protobuf') expect(h['content-type']).toBe('application/x-protobuf');
    if (name === 'http/json') expect(h['content-type']).toBe('application/json');
  });

  it('keeps ids and parents, and marks the remote parent and tracestate', () => {
    const [server, client, failed] = trace;
    const s = byName(received, server.name);
    expect(s.traceId).toBe(TRACE_ID);
    expect(s.spanId).toBe(server.spanId);
    expect(s.parentSpanId).toBe('00f067aa0ba902b7');
    expect(s.traceState).toBe('congo=t61rcWkgMzE,rojo=00f067aa0ba902b7');
    expect(byName(received, client.name).parentSpanId).toBe(server.spanId);
    expect(byName(received, failed.name).parentSpanId).toBe(client.spanId);
    for (const r of received) expect(r.traceId).toBe(TRACE_ID);
  });

  it('maps kinds entry→SERVER, exit→CLIENT, local→INTERNAL, producer, consumer', () => {
    expect(byName(received, 'GET /orders/:id').kind).toBe(2);
    expect(byName(received, 'inventory.Inventory/Reserve').kind).toBe(3);
    expect(byName(received, 'reserve-stock').kind).toBe(1);
    expect(byName(received, 'publish order').kind).toBe(4);
    expect(byName(received, 'consume order').kind).toBe(5);
  });

  it('converts µs to ns exactly', () => {
    for (const span of trace) {
      const r = byName(received, span.name);
      expect(r.startNs).toBe(BigInt(span.startTimeUs) * 1000n);
      expect(r.endNs).toBe(BigInt(span.endTimeUs) * 1000n);
    }
    // a 1 µs span stays 1 µs
    const failed = byName(received, 'reserve-stock');
    expect(failed.endNs - failed.startNs).toBe(1000n);
  });

  it('maps status and the exception event with its timestamp', () => {
    const failed = byName(received, 'reserve-stock');
    expect(failed.status).toEqual({ code: 2, message: 'out of stock' });
    expect(failed.events.map((e) => e.name)).toEqual(['cache.miss', 'exception']);
    expect(failed.events[0].timeNs).toBe(1_700_000_000_100_010_000n);
    expect(failed.events[0].attributes).toEqual({ key: 'sku-1' });
    expect(failed.events[1].timeNs).toBe(1_700_000_000_100_011_000n);
    expect(failed.events[1].attributes).toEqual({
      'exception.type': 'Error',
      'exception.message': 'out of stock',
      'exception.stacktrace': 'Error: out of stock\n    at x (y.ts:1:1)',
    });
    expect(byName(received, 'GET /orders/:id').status.code).toBe(1);
    expect(byName(received, 'publish order').status.code).toBe(0);
  });

  it('keeps attribute types (string, int, double, bool, arrays)', () => {
    const s = byName(received, 'GET /orders/:id');
    expect(s.attributes['http.request.method']).toBe('GET');
    expect(s.attributeTypes['http.request.method']).toBe('string');
    expect(s.attributes['http.response.status_code']).toBe(200);
    expect(s.attributeTypes['http.response.status_code']).toBe('int');
    expect(s.attributes.ratio).toBe(1.5);
    expect(s.attributeTypes.ratio).toBe('double');
    expect(s.attributes.cached).toBe(false);
    expect(s.attributeTypes.cached).toBe('bool');
    expect(s.attributes['items.ids']).toEqual(['a', 'b']);
    expect(s.attributes['items.counts']).toEqual([1, 2, 3]);
    expect(s.attributeTypes['items.counts']).toBe('array');
  });

  it('adds the peer under the semantic-convention names', () => {
    const server = byName(received, 'GET /orders/:id');
    expect(server.attributes['client.address']).toBe('10.9.8.7');
    expect(server.attributes['client.port']).toBe(51000);
    expect(server.attributes['server.address']).toBeUndefined();
    const client = byName(received, 'inventory.Inventory/Reserve');
    expect(client.attributes['server.address']).toBe('127.0.0.1');
    expect(client.attributes['server.port']).toBe(50051);
    expect(client.attributes['peer.service']).toBe('inventory');
    expect(client.attributes['rpc.system']).toBe('grpc');
  });

  it('sends the resource and the instrumentation scope', () => {
    for (const r of received) {
      expect(r.resource).toEqual({
        'service.name': 'orders',
        'service.instance.id': '4242@test-host',
        'host.name': 'test-host',
        'host.ip': ['10.1.2.3'],
        region: 'eu-1',
        'deployment.environment.name': 'test',
        'telemetry.sdk.name': 'traceandtrace',
        'telemetry.sdk.language': 'nodejs',
        'telemetry.sdk.version': '0.1.0',
      });
      expect(r.scope).toEqual({ name: 'traceandtrace', version: '0.1.0' });
    }
  });

  it('rejects a failure the receiver reports, retryable or not as the OTLP spec says', async () => {
    const retryableCode = name === 'grpc' ? 14 /* UNAVAILABLE */ : 503;
    const finalCode = name === 'grpc' ? 3 /* INVALID_ARGUMENT */ : 400;
    const quick = new OtlpExporter({ endpoint: endpoint(standIn), timeoutMs: 5000 });
    try {
      standIn.failWith(retryableCode);
      const e1 = await rejection(quick.export([makeSpan()]));
      expect(e1.retryable).toBe(true);
      standIn.failWith(finalCode);
      const e2 = await rejection(quick.export([makeSpan()]));
      expect(e2.retryable).toBe(false);
      expect(e2.message).toContain('OTLP');
    } finally {
      standIn.failWith(undefined);
      await quick.shutdown();
    }
  });
});

describe('OtlpExporter failure and lifecycle', () => {
  it.each(['http', 'grpc'] as const)('rejects with retryable when the %s receiver is dead, without leaking secrets', async (scheme) => {
    const port = await deadPort();
    const exporter = new OtlpExporter({
      endpoint: `${scheme}://bob:hunter2@127.0.0.1:${port}`,
      token: 'tok-secret',
      headers: { 'x-api-key': 'key-secret' },
      timeoutMs: 2000,
    });
    const e = await rejection(exporter.export([makeSpan()]));
    expect(e.retryable).toBe(true);
    expect(e.message).toContain(`127.0.0.1:${port}`);
    for (const secret of ['hunter2', 'bob', 'tok-secret', 'key-secret']) expect(e.message).not.toContain(secret);
    await exporter.shutdown();
  });

  it('shutdown() ends an HTTP request the receiver never answers, instead of waiting for its deadline', async () => {
    let arrived!: () => void;
    const reached = new Promise<void>((r) => (arrived = r));
    const server = http.createServer(() => arrived());
    const port = await listen(server);
    const exporter = new OtlpExporter({ endpoint: `http://127.0.0.1:${port}`, timeoutMs: 60_000 });
    const p = rejection(exporter.export([makeSpan()]));
    await reached;
    await exporter.shutdown();
    // Settled by shutdown() itself (a 60 s deadline would fail the test's own 30 s limit).
    expect(await p).toMatchObject({ retryable: false, message: expect.stringContaining('abandoned at shutdown') });
    await closeServer(server);
  });

  it('honours Retry-After on 503 (retryAfterMs) and scrubs a reason phrase that quotes our key', async () => {
    const server = http.createServer((req, res) => {
      req.resume();
      res.writeHead(503, `Unavailable for key ${String(req.headers['x-api-key'])}`, { 'Retry-After': '2' });
      res.end();
    });
    const port = await listen(server);
    const exporter = new OtlpExporter({ endpoint: `http://127.0.0.1:${port}`, headers: { 'x-api-key': 'sEcReT-otlp-key' } });
    const e = (await rejection(exporter.export([makeSpan()]))) as ExportError & { retryAfterMs?: number };
    expect(e).toMatchObject({ retryable: true, retryAfterMs: 2000 });
    expect(e.message).toContain('HTTP 503 Unavailable for key');
    expect(e.message).not.toContain('sEcReT');
    await exporter.shutdown();
    await closeServer(server);
  });

  it('resolves an empty batch without a request and rejects after shutdown', async () => {
    const standIn = await startHttpStandIn();
    const exporter = new OtlpExporter({ endpoint: standIn.endpoint });
    await exporter.export([]);
    expect(standIn.requests).toHaveLength(0);
    await exporter.shutdown();
    await exporter.shutdown(); // idempotent
    const e = await rejection(exporter.export([makeSpan()]));
    expect(e.retryable).toBe(false);
    await standIn.stop();
  });

  it('never throws synchronously, even for a malformed span', async () => {
    const standIn = await startHttpStandIn();
    const exporter = new OtlpExporter({ endpoint: standIn.endpoint, timeoutMs: 500 });
    const bad = makeSpan({ traceId: 'not-hex', status: undefined as unknown as FinishedSpan['status'] });
    let p: Promise<void> | undefined;
    expect(() => {
      p = exporter.export([bad]);
    }).not.toThrow();
    await expect(p).rejects.toMatchObject({ retryable: false });
    await exporter.shutdown();
    await standIn.stop();
  });

  it('uses basic auth from user/password and from URL credentials', async () => {
    const standIn = await startHttpStandIn();
    const a = new OtlpExporter({ endpoint: standIn.endpoint, user: 'u', password: 'p' });
    const b = new OtlpExporter({ endpoint: standIn.endpoint.replace('http://', 'http://x:y@') });
    await a.export([makeSpan()]);
    await b.export([makeSpan()]);
    expect(standIn.requests.map((r) => r.headers.authorization)).toEqual([
      `Basic ${Buffer.from('u:p').toString('base64')}`,
      `Basic ${Buffer.from('x:y').toString('base64')}`,
    ]);
    await a.shutdown();
    await b.shutdown();
    await standIn.stop();
  });

  it.each(['http/protobuf', 'http/json', 'grpc'] as const)('leaves no socket or timer behind after shutdown (%s)', async (protocol) => {
    const count = (): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
      return out;
    };
    const before = count();
    const standIn = protocol === 'grpc' ? await startGrpcStandIn() : await startHttpStandIn();
    const exporter = new OtlpExporter({
      endpoint: protocol === 'http/json' ? `${standIn.endpoint}?protocol=http/json` : standIn.endpoint,
    });
    for (let i = 0; i < 3; i++) await exporter.export([makeSpan()]);
    expect(standIn.spans()).toHaveLength(3);
    await exporter.shutdown();
    await standIn.stop();
    // Closed handles go away asynchronously: poll (bounded) until none is left above the baseline.
    const kinds = ['TCPSocketWrap', 'TCPServerWrap', 'Timeout', 'Http2Session'];
    const leftover = (): Array<{ kind: string; extra: number }> => {
      const after = count();
      return kinds.map((kind) => ({ kind, extra: Math.max(0, (after[kind] ?? 0) - (before[kind] ?? 0)) })).filter((x) => x.extra > 0);
    };
    for (let i = 0; i < 100 && leftover().length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(leftover()).toEqual([]);
  });

  it('encodes spans of several processes under their own resources', async () => {
    const standIn = await startHttpStandIn();
    const exporter = new OtlpExporter({ endpoint: standIn.endpoint });
    const other = { ...RESOURCE, serviceName: 'pricing', attributes: {} };
    await exporter.export([makeSpan({ name: 'a' }), makeSpan({ name: 'b', resource: other })]);
    const spans = standIn.spans();
    expect(byName(spans, 'a').resource['service.name']).toBe('orders');
    expect(byName(spans, 'b').resource['service.name']).toBe('pricing');
    await exporter.shutdown();
    await standIn.stop();
  });
});

describe('OtlpExporter: batches in flight together while the pipeline drains', () => {
  it('declares 4 for every transport', () => {
    for (const endpoint of ['http://127.0.0.1:4318', 'grpc://127.0.0.1:4317']) {
      expect(new OtlpExporter({ endpoint }).maxConcurrentExports).toBe(4);
    }
  });

  it('a flush sends up to 4 requests at once to a slow receiver, every span once', async () => {
    const standIn = await startHttpStandIn();
    const proxy = await startHoldingProxy(standIn.port, 40);
    const tracer = createTracer({
      serviceName: 'drain',
      backend: 'otlp',
      endpoint: `http://127.0.0.1:${proxy.port}`,
      recordCaller: false,
      reporter: { flushInterval: 60_000, maxBatchSize: 5 },
    });
    try {
      for (let i = 0; i < 40; i++) tracer.startSpan(`s${i}`).end();
      await tracer.flush();
      expect(proxy.mostOpen()).toBeGreaterThan(1);
      expect(proxy.mostOpen()).toBeLessThanOrEqual(4);
      expect(standIn.spans().map((s) => s.name).sort()).toEqual(Array.from({ length: 40 }, (_, i) => `s${i}`).sort());
      expect(tracer.stats()).toMatchObject({ exported: 40, dropped: 0 });
    } finally {
      await tracer.shutdown(1000);
      await proxy.stop();
      await standIn.stop();
    }
  });
});
