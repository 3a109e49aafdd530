import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Commands } from 'skywalking-backend-js/lib/proto/common/Common_pb';
import { RefType, SpanLayer, SpanType } from 'skywalking-backend-js/lib/proto/language-agent/Tracing_pb';
import type { ExportError, Logger } from '../../../src';
import { SkyWalkingExporter, type SkyWalkingExporterOptions } from '../../../adapters/skywalking/SkyWalkingExporter';
import { span, sw8Parent, resource } from './fixtures';
import { startOapStandIn, toReceivedSpans, type OapStandIn } from './standin';

const logs: string[] = [];
const logger: Logger = {
  debug: (m) => logs.push(m),
  info: (m) => logs.push(m),
  warn: (m) => logs.push(m),
  error: (m) => logs.push(m),
};

const exporters: SkyWalkingExporter[] = [];
function exporter(oap: OapStandIn | string, extra: Partial<SkyWalkingExporterOptions> = {}): SkyWalkingExporter {
  const e = new SkyWalkingExporter({
    endpoint: typeof oap === 'string' ? oap : oap.address,
    resource: resource(),
    logger,
    timeoutMs: 3000,
    ...extra,
  });
  exporters.push(e);
  return e;
}

async function deadAddress(): Promise<string> {
  const oap = await startOapStandIn();
  await oap.stop();
  return oap.address;
}

const T0 = 1_700_000_000_000_000; // µs

describe('SkyWalkingExporter against a stand-in OAP', () => {
  let oap: OapStandIn;
  beforeEach(async () => {
    oap = await startOapStandIn();
  });
  afterEach(async () => {
    for (const e of exporters.splice(0)) await e.shutdown();
    await oap.stop();
  });

  it('maps an entry span with an sw8 parent, exit/local children, layers, components, peers, tags, logs and errors', async () => {
    const seg = 'c0ffee0000000001';
    const root = span({
      segmentId: seg,
      segmentSpanIndex: 0,
      name: 'GET /orders',
      kind: 'entry',
      layer: 'http',
      component: 'http',
      remoteParent: true,
      remoteParentContext: sw8Parent(),
      startTimeUs: T0 + 400, // 0.4 ms → rounds down
      endTimeUs: T0 + 25_600, // 25.6 ms → rounds up
      attributes: { 'http.request.method': 'GET', 'url.full': 'http://127.0.0.1:1/orders', 'http.response.status_code': 500, 'url.path': '/orders', caller: 'handler (orders.ts:10)' },
      status: { code: 'error', message: 'Internal Server Error' },
    });
    const grpcExit = span({
      segmentId: seg,
      segmentSpanIndex: 1,
      segmentParentIndex: 0,
      name: 'inventory.Inventory/Reserve',
      kind: 'exit',
      layer: 'rpc',
      component: 'grpc',
      peer: { host: '127.0.0.1', port: 50051 },
      attributes: { 'rpc.system': 'grpc', 'rpc.service': 'inventory.Inventory', 'rpc.method': 'Reserve', 'rpc.grpc.status_code': 0 },
      startTimeUs: T0 + 1000,
      endTimeUs: T0 + 20_000,
    });
    const local = span({
      segmentId: seg,
      segmentSpanIndex: 2,
      segmentParentIndex: 1,
      name: 'reserve-stock',
      kind: 'local',
      events: [{ name: 'cache.miss', timeUs: T0 + 1_499, attributes: { key: 'sku-1', attempt: 2 } }],
    });
    const failing = span({
      segmentId: seg,
      segmentSpanIndex: 3,
      segmentParentIndex: 0,
      name: 'pricing.quote',
      kind: 'exit',
      layer: 'rpc',
      component: 'custom-rpc',
      peer: { host: '::1', port: 7000 },
      status: { code: 'error', message: 'boom' },
      events: [{ name: 'exception', timeUs: T0 + 5_000, attributes: { 'exception.type': 'Error', 'exception.message': 'boom', 'exception.stacktrace': 'Error: boom\n    at x' } }],
    });
    const httpExit = span({ segmentId: seg, segmentSpanIndex: 4, segmentParentIndex: 0, kind: 'exit', layer: 'http', component: 'http', peer: { service: 'pricing' } });
    const producer = span({ segmentId: seg, segmentSpanIndex: 5, segmentParentIndex: 0, kind: 'producer', peer: { host: 'kafka', port: 9092 }, component: 'kafka' });
    const db = span({ segmentId: seg, segmentSpanIndex: 6, segmentParentIndex: 0, kind: 'exit', layer: 'database', component: 'mysql', attributes: { 'db.system': 'mysql', 'db.query.text': 'select 1' } });
    const cache = span({ segmentId: seg, segmentSpanIndex: 7, segmentParentIndex: 0, kind: 'exit', layer: 'cache', component: 'redis' });
    const consumer = span({ segmentId: seg, segmentSpanIndex: 8, segmentParentIndex: 0, kind: 'consumer', layer: 'mq' });

    const e = exporter(oap);
    await e.export([local, grpcExit, failing, httpExit, producer, db, cache, consumer, root]);
    expect(oap.segments).toHaveLength(1);
    const s = oap.segments[0]!;
    expect(s.traceid).toBe('a1b2c3d4.123.456');
    expect(s.tracesegmentid).toBe(seg);
    expect(s.service).toBe('orders');
    expect(s.serviceinstance).toBe('orders-1@host');
    const byId = new Map(s.spansList.map((x) => [x.spanid, x]));

    const r = byId.get(0)!;
    expect(r.parentspanid).toBe(-1);
    expect(r.spantype).toBe(SpanType.ENTRY);
    expect(r.spanlayer).toBe(SpanLayer.HTTP);
    expect(r.componentid).toBe(49);
    expect(r.iserror).toBe(true);
    expect(r.starttime).toBe(1_700_000_000_000);
    expect(r.endtime).toBe(1_700_000_000_026);
    expect(r.peer).toBe('');
    expect(r.refsList).toEqual([
      {
        reftype: RefType.CROSSPROCESS,
        traceid: 'a1b2c3d4.123.456',
        parenttracesegmentid: 'callerseg',
        parentspanid: 3,
        parentservice: 'gateway',
        parentserviceinstance: 'gateway-1@host',
        parentendpoint: 'GET /checkout',
        networkaddressusedatpeer: '127.0.0.1:8080',
      },
    ]);
    const tags = Object.fromEntries(r.tagsList.map((t) => [t.key, t.value]));
    expect(tags).toEqual({
      'http.method': 'GET',
      url: 'http://127.0.0.1:1/orders',
      'http.status_code': '500',
      status_code: '500',
      'url.path': '/orders',
      caller: 'handler (orders.ts:10)',
    });
    // status error without an exception event → one error log with the status message
    expect(r.logsList.map((l) => l.dataList.map((d) => [d.key, d.value]))).toEqual([[['event', 'error'], ['message', 'Internal Server Error']]]);

    const g = byId.get(1)!;
    expect([g.parentspanid, g.spantype, g.spanlayer, g.componentid, g.peer, g.iserror]).toEqual([0, SpanType.EXIT, SpanLayer.RPCFRAMEWORK, 23, '127.0.0.1:50051', false]);
    expect(g.refsList).toEqual([]);
    expect(Object.fromEntries(g.tagsList.map((t) => [t.key, t.value]))).toEqual({
      'rpc.system': 'grpc',
      'rpc.service': 'inventory.Inventory',
      'rpc.method': 'Reserve',
      'rpc.grpc.status_code': '0',
    });

    const l = byId.get(2)!;
    expect([l.parentspanid, l.spantype, l.spanlayer, l.componentid, l.peer]).toEqual([1, SpanType.LOCAL, SpanLayer.UNKNOWN, 0, '']);
    expect(l.logsList).toEqual([{ time: 1_700_000_000_001, dataList: [{ key: 'event', value: 'cache.miss' }, { key: 'key', value: 'sku-1' }, { key: 'attempt', value: '2' }] }]);

    const f = byId.get(3)!;
    expect([f.componentid, f.peer, f.iserror]).toEqual([50, '[::1]:7000', true]);
    expect(f.logsList.map((x) => x.dataList.map((d) => [d.key, d.value]))).toEqual([
      [['event', 'error'], ['error.kind', 'Error'], ['message', 'boom'], ['stack', 'Error: boom\n    at x']],
    ]);
    expect(f.logsList[0]!.time).toBe(1_700_000_000_005);

    const h = byId.get(4)!;
    expect([h.spantype, h.spanlayer, h.componentid, h.peer]).toEqual([SpanType.EXIT, SpanLayer.HTTP, 2, 'pricing']);
    const p = byId.get(5)!;
    expect([p.spantype, p.spanlayer, p.componentid, p.peer]).toEqual([SpanType.EXIT, SpanLayer.MQ, 40, 'kafka:9092']);
    const d = byId.get(6)!;
    expect([d.spanlayer, d.componentid]).toEqual([SpanLayer.DATABASE, 5]);
    expect(Object.fromEntries(d.tagsList.map((t) => [t.key, t.value]))).toEqual({ 'db.type': 'mysql', 'db.statement': 'select 1' });
    expect([byId.get(7)!.spanlayer, byId.get(7)!.componentid]).toEqual([SpanLayer.CACHE, 7]);
    expect([byId.get(8)!.spantype, byId.get(8)!.spanlayer]).toEqual([SpanType.ENTRY, SpanLayer.MQ]);

    // the harness view links the entry span to the caller's exit span
    const received = toReceivedSpans(oap.segments);
    expect(received.find((x) => x.name === 'GET /orders')).toMatchObject({ parentSpanId: 'callerseg:3', kind: 'server', error: true, durationUs: 26_000 });
    expect(received.find((x) => x.name === 'reserve-stock')!.parentSpanId).toBe(`${seg}:1`);
  });

  it('groups a segment whose spans end out of order and arrive in different batches', async () => {
    const e = exporter(oap);
    const seg = 'c0ffee0000000002';
    await e.export([span({ segmentId: seg, segmentSpanIndex: 3, segmentParentIndex: 1, name: 'grandchild' })]);
    await e.export([span({ segmentId: 'other', segmentSpanIndex: 0, name: 'other-root' })]);
    expect(oap.segments.map((s) => s.tracesegmentid)).toEqual(['other']);
    expect(e.stats().spansPending).toBe(1);
    await e.export([
      span({ segmentId: seg, segmentSpanIndex: 2, segmentParentIndex: 0, name: 'second' }),
      span({ segmentId: seg, segmentSpanIndex: 1, segmentParentIndex: 0, name: 'first' }),
    ]);
    expect(oap.segments).toHaveLength(1);
    await e.export([span({ segmentId: seg, segmentSpanIndex: 0, name: 'root', kind: 'entry' })]);
    expect(oap.segments).toHaveLength(2);
    const s = oap.segments[1]!;
    expect(s.tracesegmentid).toBe(seg);
    expect(s.spansList.map((x) => [x.spanid, x.parentspanid, x.operationname])).toEqual([
      [0, -1, 'root'],
      [1, 0, 'first'],
      [2, 0, 'second'],
      [3, 1, 'grandchild'],
    ]);
    expect(e.stats()).toMatchObject({ segmentsSent: 2, spansSent: 5, spansPending: 0 });

    // a straggler after the root → its own segment, linked by a CrossThread ref
    await e.export([span({ segmentId: seg, segmentSpanIndex: 4, segmentParentIndex: 0, name: 'late' })]);
    const late = oap.segments[2]!;
    expect(late.tracesegmentid).not.toBe(seg);
    expect(late.traceid).toBe(s.traceid);
    expect(late.spansList[0]!.spanid).toBe(0);
    expect(late.spansList[0]!.refsList[0]).toMatchObject({ reftype: RefType.CROSSTHREAD, parenttracesegmentid: seg, parentspanid: 0, parentendpoint: 'root', parentservice: 'orders' });
    expect(toReceivedSpans([late])[0]!.parentSpanId).toBe(`${seg}:0`);
  });

  it('forceFlush sends held spans; shutdown closes and later exports reject', async () => {
    const e = exporter(oap);
    await e.export([span({ segmentId: 'held', segmentSpanIndex: 1 })]);
    expect(oap.segments).toHaveLength(0);
    await e.forceFlush();
    expect(oap.segments).toHaveLength(1);
    expect(oap.segments[0]!.spansList[0]!.refsList[0]).toMatchObject({ reftype: RefType.CROSSTHREAD, parenttracesegmentid: 'held', parentspanid: 0 });
    await e.export([span({ segmentId: 'held2', segmentSpanIndex: 2 })]);
    await e.shutdown();
    expect(oap.segments).toHaveLength(2);
    await expect(e.export([span({ segmentId: 'x', segmentSpanIndex: 0 })])).rejects.toMatchObject({ retryable: false });
  });

  it('uses our trace id and no CrossProcess ref for a W3C/B3/Jaeger parent', async () => {
    const e = exporter(oap);
    const parent = { ...sw8Parent(), sw8: undefined };
    await e.export([span({ segmentId: 'w3c', segmentSpanIndex: 0, kind: 'entry', remoteParent: true, remoteParentContext: parent })]);
    expect(oap.segments[0]!.traceid).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(oap.segments[0]!.spansList[0]!.refsList).toEqual([]);
    // an sw8 header synthesised from a non-SkyWalking context (service "-") is no real parent segment either
    const synthesised = sw8Parent({ traceId: '0af7651916cd43dd8448eb211c80319c', segmentId: 'b7ad6b7169203331', spanId: 0, service: '-', serviceInstance: '-', endpoint: '-' });
    await e.export([span({ segmentId: 'synth', segmentSpanIndex: 0, kind: 'entry', remoteParent: true, remoteParentContext: synthesised })]);
    expect(oap.segments[1]!.traceid).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(oap.segments[1]!.spansList[0]!.refsList).toEqual([]);
  });

  it('sends the token as authentication metadata with extra headers, and registers the instance', async () => {
    await oap.stop();
    oap = await startOapStandIn({ requireToken: 's3cret' });
    const e = exporter(oap, { token: 's3cret', headers: { 'X-Tenant': 'blue' } });
    await e.export([span({ segmentId: 'auth', segmentSpanIndex: 0 })]);
    expect(oap.segments).toHaveLength(1);
    await oap.waitFor(() => oap.properties.length === 1 && oap.pings.length >= 1);
    expect(oap.authentication.every((t) => t === 's3cret')).toBe(true);
    expect(oap.metadata.every((m) => m['x-tenant'] === 'blue')).toBe(true);
    expect(oap.pings[0]).toEqual({ service: 'orders', serviceinstance: 'orders-1@host', layer: '' });
    const props = Object.fromEntries(oap.properties[0]!.propertiesList.map((p) => [p.key, p.value]));
    expect(props).toMatchObject({ language: 'NodeJS', hostname: 'host', 'Process No.': String(process.pid), region: 'eu-1' });
    expect(oap.properties[0]!.service).toBe('orders');

    const wrong = exporter(oap, { token: 'nope', management: false });
    await expect(wrong.export([span({ segmentId: 'auth2', segmentSpanIndex: 0 })])).rejects.toMatchObject({ retryable: false, code: grpc.status.UNAUTHENTICATED });
    expect(logs.join('\n')).not.toContain('s3cret');
    expect(logs.join('\n')).not.toContain('nope');
  });

  it('sends keepAlive periodically', async () => {
    exporter(oap, { keepAliveIntervalMs: 30 });
    await oap.waitFor(() => oap.pings.length >= 3);
    expect(oap.properties).toHaveLength(1);
  });

  it('rejects with retryable on DEADLINE_EXCEEDED and keeps the batch for the retry', async () => {
    const e = exporter(oap, { timeoutMs: 200, management: false });
    await e.export([span({ segmentId: 'dl', segmentSpanIndex: 1 })]);
    oap.hang = true;
    const root = span({ segmentId: 'dl', segmentSpanIndex: 0 });
    const err = (await e.export([root]).catch((x: unknown) => x)) as ExportError & { code?: number };
    expect(err.retryable).toBe(true);
    expect(err.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    oap.hang = false;
    await e.export([root]); // the pipeline's retry
    const segs = oap.segments.filter((s) => s.tracesegmentid === 'dl');
    expect(segs).toHaveLength(1);
    expect(segs[0]!.spansList).toHaveLength(2);
  });

  it('rejects non-retryable on other gRPC errors', async () => {
    const e = exporter(oap, { management: false });
    oap.failNext(grpc.status.INVALID_ARGUMENT);
    await expect(e.export([span({ segmentId: 'bad', segmentSpanIndex: 0 })])).rejects.toMatchObject({ retryable: false, code: grpc.status.INVALID_ARGUMENT });
    oap.failNext(grpc.status.UNAVAILABLE);
    await expect(e.export([span({ segmentId: 'bad', segmentSpanIndex: 0 })])).rejects.toMatchObject({ retryable: true });
  });

  it('rejects with retryable on RESOURCE_EXHAUSTED (an overloaded OAP), as the OTLP spec does', async () => {
    const e = exporter(oap, { management: false });
    oap.failNext(grpc.status.RESOURCE_EXHAUSTED);
    await expect(e.export([span({ segmentId: 'busy', segmentSpanIndex: 0 })])).rejects.toMatchObject({ retryable: true, code: grpc.status.RESOURCE_EXHAUSTED });
    await e.export([span({ segmentId: 'busy', segmentSpanIndex: 0 })]);
    expect(oap.segments.filter((s) => s.tracesegmentid === 'busy')).toHaveLength(1);
  });
});

describe('SkyWalkingExporter with a dead OAP', () => {
  it('rejects with retryable (UNAVAILABLE), logs once, and counts held spans it cannot deliver at shutdown', async () => {
    logs.length = 0;
    const addr = await deadAddress();
    const e = new SkyWalkingExporter({ endpoint: addr, resource: resource(), logger, timeoutMs: 2000, management: false });
    const root = span({ segmentId: 'dead', segmentSpanIndex: 0 });
    for (let i = 0; i < 3; i++) {
      await expect(e.export([root])).rejects.toMatchObject({ retryable: true, code: grpc.status.UNAVAILABLE });
    }
    expect(logs.filter((l) => l.includes('collect failed'))).toHaveLength(1);
    await e.export([span({ segmentId: 'dead-held', segmentSpanIndex: 1 })]); // only buffered: resolves
    expect(e.stats().spansPending).toBe(1);
    await e.shutdown(); // cannot deliver the held span: counted, logged, resolves
    expect(e.stats().spansDropped).toBe(1);
    expect(e.droppedSpans()).toBe(1); // what tracer.stats().dropped adds in
    expect(logs.some((l) => l.includes('dropped 1 buffered spans'))).toBe(true);
  });
});

describe('SkyWalkingExporter over TLS', () => {
  let dir: string;
  let key: Buffer;
  let cert: Buffer;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sw-tls-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ], { stdio: 'ignore' });
    key = readFileSync(join(dir, 'key.pem'));
    cert = readFileSync(join(dir, 'cert.pem'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports over TLS with a custom CA (grpcs:// and tls.enabled), and fails without it', async () => {
    const oap = await startOapStandIn({ tls: { key, cert } });
    try {
      const viaScheme = new SkyWalkingExporter({ endpoint: `grpcs://${oap.address}`, resource: resource(), logger, tls: { ca: cert }, management: false });
      await viaScheme.export([span({ segmentId: 'tls1', segmentSpanIndex: 0 })]);
      await viaScheme.shutdown();
      const viaFlag = new SkyWalkingExporter({ endpoint: oap.address, resource: resource(), logger, tls: { enabled: true, ca: cert.toString() }, management: false });
      await viaFlag.export([span({ segmentId: 'tls2', segmentSpanIndex: 0 })]);
      await viaFlag.shutdown();
      expect(oap.segments.map((s) => s.tracesegmentid)).toEqual(['tls1', 'tls2']);

      const untrusted = new SkyWalkingExporter({ endpoint: `grpcs://${oap.address}`, resource: resource(), logger, management: false, timeoutMs: 2000 });
      await expect(untrusted.export([span({ segmentId: 'tls3', segmentSpanIndex: 0 })])).rejects.toHaveProperty('retryable');
      await untrusted.shutdown();
      const plaintext = new SkyWalkingExporter({ endpoint: oap.address, resource: resource(), logger, management: false, timeoutMs: 2000 });
      await expect(plaintext.export([span({ segmentId: 'tls4', segmentSpanIndex: 0 })])).rejects.toHaveProperty('retryable');
      await plaintext.shutdown();
      expect(oap.segments).toHaveLength(2);
    } finally {
      await oap.stop();
    }
  });
});

describe('SkyWalkingExporter with an OAP that hangs or quotes our metadata', () => {
  /** A bare OAP whose `collect` and management calls the test decides. */
  async function startOap(collect: grpc.handleClientStreamingCall<unknown, unknown>): Promise<{ address: string; stop(): void }> {
    const { TraceSegmentReportServiceService } = require('skywalking-backend-js/lib/proto/language-agent/Tracing_grpc_pb') as typeof import('skywalking-backend-js/lib/proto/language-agent/Tracing_grpc_pb');
    const { ManagementServiceService } = require('skywalking-backend-js/lib/proto/management/Management_grpc_pb') as typeof import('skywalking-backend-js/lib/proto/management/Management_grpc_pb');
    const server = new grpc.Server();
    server.addService(TraceSegmentReportServiceService, { collect, collectInSync: collect });
    // Management calls never answer either: stop() must cancel them.
    server.addService(ManagementServiceService, { reportInstanceProperties: () => undefined, keepAlive: () => undefined });
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    return { address: `127.0.0.1:${port}`, stop: () => server.forceShutdown() };
  }

  it('shutdown() cancels a collect the OAP never answers (instead of waiting for its deadline) and counts the spans it held', async () => {
    let arrived!: () => void;
    const reached = new Promise<void>((r) => (arrived = r));
    const oap = await startOap((call) => call.on('data', () => arrived()));
    try {
      const e = new SkyWalkingExporter({ endpoint: oap.address, resource: resource(), logger, timeoutMs: 60_000 });
      const held = e.export([span({ segmentId: 'late', segmentSpanIndex: 1 })]); // waits for its segment's first span
      await held;
      const p = e.export([span({ segmentId: 'hang', segmentSpanIndex: 0 })]).catch((err: ExportError) => err);
      await reached;
      await e.shutdown();
      // Settled by shutdown() itself (a 60 s deadline would fail the test's own 30 s limit).
      await expect(p).resolves.toMatchObject({ retryable: false, message: expect.stringContaining('abandoned at shutdown') });
      expect(e.droppedSpans()).toBe(1);
    } finally {
      oap.stop();
    }
  });

  it('shutdown() with collects the OAP never answered counts their held spans at once, not when the cancellations report', async () => {
    let n = 0;
    let arrived!: () => void;
    const reached = new Promise<void>((r) => (arrived = r));
    const oap = await startOap((call) => call.on('data', () => ++n === 2 && arrived()));
    try {
      const e = new SkyWalkingExporter({ endpoint: oap.address, resource: resource(), logger, timeoutMs: 60_000, management: false });
      await e.export([span({ segmentId: 'A', segmentSpanIndex: 1 }), span({ segmentId: 'B', segmentSpanIndex: 1 })]); // held
      const a = e.export([span({ segmentId: 'A', segmentSpanIndex: 0 })]).catch((err: ExportError) => err);
      const b = e.export([span({ segmentId: 'B', segmentSpanIndex: 0 })]).catch((err: ExportError) => err);
      await reached;
      const stopping = e.shutdown();
      // The core reads droppedSpans() right after its own deadline: the count must not wait for
      // grpc-js to report the cancellations (under load that took longer than the core waits).
      expect(e.droppedSpans()).toBe(2);
      await stopping;
      expect(e.droppedSpans()).toBe(2);
      for (const err of await Promise.all([a, b])) expect(err).toMatchObject({ message: expect.stringContaining('abandoned at shutdown') });
    } finally {
      oap.stop();
    }
  });

  it('shutdown() with no collect open counts the held spans as dropped while its last flush waits for an OAP that never answers', async () => {
    let arrived!: () => void;
    const reached = new Promise<void>((r) => (arrived = r));
    const oap = await startOap((call) => call.on('data', () => arrived()));
    try {
      const e = new SkyWalkingExporter({ endpoint: oap.address, resource: resource(), logger, timeoutMs: 60_000, management: false });
      await e.export([span({ segmentId: 'held', segmentSpanIndex: 1 }), span({ segmentId: 'held', segmentSpanIndex: 2 }), span({ segmentId: 'other', segmentSpanIndex: 3 })]);
      const stopping = e.shutdown(); // nothing in flight: shutdown's own last flush starts
      await reached;
      // The core reads droppedSpans() at its deadline, while this flush still hangs: the held
      // spans must not stay counted as exported.
      expect(e.droppedSpans()).toBe(3);
      oap.stop(); // the flush fails: the spans come back and stay counted once
      await stopping;
      expect(e.droppedSpans()).toBe(3);
    } finally {
      oap.stop();
    }
  });

  it('shutdown() whose last flush delivers the held spans counts none of them dropped', async () => {
    const got: number[] = [];
    const oap = await startOap((call, callback) => {
      call.on('data', () => got.push(1));
      call.on('end', () => callback(null, new Commands()));
    });
    try {
      const e = new SkyWalkingExporter({ endpoint: oap.address, resource: resource(), logger, timeoutMs: 5000, management: false });
      await e.export([span({ segmentId: 'held', segmentSpanIndex: 1 }), span({ segmentId: 'held', segmentSpanIndex: 2 })]);
      await e.shutdown();
      expect(got.length).toBeGreaterThan(0);
      expect(e.droppedSpans()).toBe(0);
      expect(e.stats()).toMatchObject({ spansSent: 2, spansPending: 0 });
    } finally {
      oap.stop();
    }
  });

  it('shutdown() during a forceFlush the OAP never answers counts the spans that flush held as dropped', async () => {
    let arrived!: () => void;
    const reached = new Promise<void>((r) => (arrived = r));
    const oap = await startOap((call) => call.on('data', () => arrived()));
    try {
      const e = new SkyWalkingExporter({ endpoint: oap.address, resource: resource(), logger, timeoutMs: 60_000, management: false });
      await e.export([span({ segmentId: 'held', segmentSpanIndex: 1 }), span({ segmentId: 'held', segmentSpanIndex: 2 })]);
      const flush = e.forceFlush().catch((err: ExportError) => err); // the core's drain, then it gives up at its deadline
      await reached;
      await e.shutdown();
      // the cancelled flush gave its spans back before shutdown counted the buffer
      expect(e.droppedSpans()).toBe(2);
      expect(e.stats().spansPending).toBe(2);
      await expect(flush).resolves.toMatchObject({ message: expect.stringContaining('abandoned at shutdown') });
    } finally {
      oap.stop();
    }
  });

  it('runs up to 4 collect streams at once (maxConcurrentExports); shutdown cancels every one', async () => {
    let open = 0;
    let maxOpen = 0;
    const opened: Array<() => void> = [];
    const oap = await startOap((call) => {
      open++;
      maxOpen = Math.max(maxOpen, open);
      call.on('cancelled', () => open--);
      call.on('data', () => opened.shift()?.());
    });
    try {
      const e = new SkyWalkingExporter({ endpoint: oap.address, resource: resource(), logger, timeoutMs: 60_000, management: false });
      expect(e.maxConcurrentExports).toBe(4);
      const arrived = Array.from({ length: 4 }, () => new Promise<void>((r) => opened.push(r)));
      const exports = ['a', 'b', 'c', 'd'].map((id) => e.export([span({ segmentId: id, segmentSpanIndex: 0 })]).catch((err: ExportError) => err));
      await Promise.all(arrived); // all four reached the OAP while none was answered
      expect(maxOpen).toBe(4);
      await e.shutdown();
      for (const err of await Promise.all(exports)) expect(err).toMatchObject({ message: expect.stringContaining('abandoned at shutdown') });
      for (let i = 0; i < 50 && open > 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(open).toBe(0);
    } finally {
      oap.stop();
    }
  });

  it('overlapping exports: a failed one gives its held spans back, its retry sends them once, nothing is sent twice', async () => {
    const received: Array<[string, number]> = [];
    let calls = 0;
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((r) => (releaseFirst = r));
    const oap = await startOap((call, cb) => {
      const n = ++calls;
      const segs: Array<[string, number]> = [];
      call.on('data', (seg: { getTracesegmentid(): string; getSpansList(): unknown[] }) => segs.push([seg.getTracesegmentid(), seg.getSpansList().length]));
      call.on('end', () => {
        // the first collect fails (after the second was accepted), the others succeed
        if (n === 1) void firstHeld.then(() => cb({ code: grpc.status.UNAVAILABLE, details: 'restarting' }));
        else {
          received.push(...segs);
          cb(null, new Commands());
        }
      });
    });
    try {
      const e = new SkyWalkingExporter({ endpoint: oap.address, resource: resource(), logger, management: false });
      await e.export([span({ segmentId: 'S', segmentSpanIndex: 1 })]); // held: S's first span has not ended
      const first = [span({ segmentId: 'S', segmentSpanIndex: 0 })];
      const failing = e.export(first).catch((err: ExportError) => err);
      await e.export([span({ segmentId: 'T', segmentSpanIndex: 0 }), span({ segmentId: 'S', segmentSpanIndex: 2 })]);
      releaseFirst();
      expect(await failing).toMatchObject({ retryable: true });
      expect(e.stats().spansPending).toBe(1); // S's span 1 is back in the buffer, S's root left with its batch
      await e.export(first); // the pipeline's retry of the same batch
      await e.forceFlush();
      // T, then S's span 2 (S counted as sent while its root was in flight: a continuation), then S with span 1
      expect(received).toEqual([
        ['T', 1],
        ['S-c1', 1],
        ['S', 2],
      ]);
      expect(e.stats()).toMatchObject({ spansSent: 4, spansPending: 0, spansDropped: 0 });
      await e.shutdown();
    } finally {
      oap.stop();
    }
  });

  it('quotes no secret from status details; RESOURCE_EXHAUSTED with grpc-retry-pushback-ms sets retryAfterMs', async () => {
    const oap = await startOap((call, cb) => {
      call.on('data', () => undefined);
      call.on('end', () => {
        const trailer = new grpc.Metadata();
        trailer.set('grpc-retry-pushback-ms', '2500');
        cb({ code: grpc.status.RESOURCE_EXHAUSTED, details: `busy; you sent ${JSON.stringify(call.metadata.getMap())}`, metadata: trailer });
      });
    });
    const lines: string[] = [];
    const capture: Logger = { debug: () => undefined, info: () => undefined, warn: (m) => lines.push(m), error: (m) => lines.push(m) };
    try {
      const e = new SkyWalkingExporter({ endpoint: oap.address, resource: resource(), logger: capture, token: 'sEcReT-sw-token', headers: { 'x-key': 'sEcReT-sw-hdr' }, management: false });
      const err = (await e.export([span({ segmentId: 'busy', segmentSpanIndex: 0 })]).catch((x: unknown) => x)) as ExportError & { retryAfterMs?: number };
      expect(err).toMatchObject({ retryable: true, retryAfterMs: 2500 });
      expect(err.message).toContain('RESOURCE_EXHAUSTED busy; you sent');
      expect(`${err.message}\n${lines.join('\n')}`).not.toContain('sEcReT');
      expect(lines.length).toBeGreaterThan(0);
      await e.shutdown();
    } finally {
      oap.stop();
    }
  });
});
