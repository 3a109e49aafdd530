/**
 * Interop: a peer service instrumented with zipkin-js directly (its own `Tracer`,
 * `ExplicitContext`, `BatchRecorder`, `Instrumentation.HttpClient`/`HttpServer` around
 * node:http) and a service traced with traceandtrace's zipkin backend call each other over
 * real loopback HTTP, with B3 multi headers and with the single `b3` header. Both report to
 * the same Zipkin stand-in (the peer with zipkin-js's own JSON v2 encoder); the traces join.
 *
 *   peer client ──HTTP──▶ ours /relay (server span) ── tracedFetch ──HTTP──▶ peer /leaf
 *
 * zipkin-js has no single-header `b3` codec, so for the single-header runs the peer's side
 * converts between its `X-B3-*` values and `b3` with the small shim below — what a zipkin-js
 * user talking to a `b3`-only fleet has to do.
 */
import * as http from 'node:http';
import { ExplicitContext, BatchRecorder, Instrumentation, jsonEncoder, model, option, Tracer as ZipkinTracer, type TraceId } from 'zipkin';
import '../../../adapters/zipkin/zipkinTypes';
import { createTracer, traceHttpHandler, tracedFetch, type Tracer } from '../../../src';
import { closeServer as close, listen } from '../../support/http';
import { startRelay } from '../../support/relay';
import { startZipkinStandIn, type ZipkinStandIn, type ZipkinV2Span } from './standin';

type Mode = 'multi' | 'single';

/** X-B3-* values (as zipkin-js writes them) → one `b3` header value. */
function toB3Single(h: Record<string, string>): string {
  const flags = h['X-B3-Flags'] === '1' ? 'd' : h['X-B3-Sampled'];
  return [h['X-B3-TraceId'], h['X-B3-SpanId'], flags, h['X-B3-ParentSpanId']].filter((x) => x !== undefined).join('-');
}

/** A zipkin-js header reader; in single mode it reads the `b3` header into X-B3-* values. */
function headerReader(headers: http.IncomingHttpHeaders, mode: Mode): (name: string) => option.IOption<string> {
  let values: Record<string, string | undefined>;
  if (mode === 'single') {
    const [traceId, spanId, sampling, parent] = String(headers.b3 ?? '').split('-');
    values = {
      'x-b3-traceid': traceId,
      'x-b3-spanid': spanId,
      'x-b3-sampled': sampling === 'd' ? undefined : sampling,
      'x-b3-flags': sampling === 'd' ? '1' : undefined,
      'x-b3-parentspanid': parent,
    };
  } else {
    values = headers as Record<string, string | undefined>;
  }
  return (name) => {
    const v = values[name.toLowerCase()];
    return v === undefined || v === '' ? option.None : new option.Some(v);
  };
}

interface Peer {
  tracer: ZipkinTracer;
  spans: model.Span[];
  leafUrl: string;
  seenHeaders: http.IncomingHttpHeaders[];
  mode: Mode;
  server: http.Server;
}

async function startPeer(options: { traceId128Bit: boolean; supportsJoin: boolean }): Promise<Peer> {
  const spans: model.Span[] = [];
  const tracer = new ZipkinTracer({
    ctxImpl: new ExplicitContext(),
    recorder: new BatchRecorder({ logger: { logSpan: (s) => spans.push(s) } }),
    localServiceName: 'js-peer',
    traceId128Bit: options.traceId128Bit,
    supportsJoin: options.supportsJoin,
  });
  const peer: Peer = { tracer, spans, leafUrl: '', seenHeaders: [], mode: 'multi', server: undefined as unknown as http.Server };
  const server = http.createServer((req, res) => {
    peer.seenHeaders.push(req.headers);
    const instr = new Instrumentation.HttpServer({ tracer, port: (server.address() as { port: number }).port });
    tracer.scoped(() => {
      const id = instr.recordRequest(req.method ?? 'GET', req.url ?? '/', headerReader(req.headers, peer.mode));
      req.resume();
      req.on('end', () => {
        res.end('leaf');
        tracer.scoped(() => instr.recordResponse(id, '200'));
      });
    });
  });
  const port = await listen(server);
  peer.server = server;
  peer.leafUrl = `http://127.0.0.1:${port}/leaf`;
  return peer;
}

/** The peer calls `url` as a zipkin-js HTTP client; returns its client span's trace id. */
async function peerCall(peer: Peer, url: string): Promise<{ id: TraceId; status: number; body: string }> {
  const client = new Instrumentation.HttpClient({ tracer: peer.tracer, remoteServiceName: 'ours' });
  const { headers, id } = peer.tracer.scoped(() => {
    const req = client.recordRequest({ headers: {} as Record<string, string> }, url, 'GET');
    return { headers: req.headers as unknown as Record<string, string>, id: peer.tracer.id };
  });
  const sent: Record<string, string> = peer.mode === 'multi' ? headers : { b3: toB3Single(headers) };
  const res = await fetch(url, { headers: sent });
  const body = await res.text();
  peer.tracer.scoped(() => client.recordResponse(id, String(res.status)));
  return { id, status: res.status, body };
}

/** The peer reports its spans to Zipkin as a zipkin-js reporter would: JSON v2. */
async function peerReport(peer: Peer, z: ZipkinStandIn): Promise<void> {
  const body = `[${peer.spans.splice(0).map((s) => jsonEncoder.JSON_V2.encode(s)).join(',')}]`;
  const res = await fetch(z.url, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
  expect(res.status).toBe(202);
}

async function startOurs(z: ZipkinStandIn, peer: Peer, mode: Mode): Promise<{ tracer: Tracer; url: string; server: http.Server }> {
  const tracer = createTracer({
    serviceName: 'ours',
    backend: 'zipkin',
    endpoint: z.url,
    reporter: { flushInterval: 50 },
    // multi: the backend's default (inject X-B3-*); single: inject only `b3`.
    ...(mode === 'single' ? { propagation: { inject: ['b3'], extract: ['b3multi', 'b3'] } } : {}),
  });
  return { tracer, ...(await startRelay(tracer, peer.leafUrl)) };
}

describe.each([
  ['multi', false],
  ['single', true],
] as const)('zipkin-js peer ↔ traceandtrace over B3 %s headers (peer 128-bit ids: %s)', (mode, traceId128Bit) => {
  let z: ZipkinStandIn;
  let peer: Peer;
  let ours: Awaited<ReturnType<typeof startOurs>>;

  beforeAll(async () => {
    z = await startZipkinStandIn();
    peer = await startPeer({ traceId128Bit, supportsJoin: false });
    peer.mode = mode;
    ours = await startOurs(z, peer, mode);
  });
  afterAll(async () => {
    await ours.tracer.shutdown();
    await close(ours.server);
    await close(peer.server);
    await z.stop();
  });

  test('peer client → ours → peer server: one trace, every parent link across both tracers', async () => {
    const { id, status, body } = await peerCall(peer, ours.url);
    expect([status, body]).toEqual([200, 'relayed leaf']);

    // The headers that reached the peer's server are the configured form only.
    const arrived = peer.seenHeaders.at(-1)!;
    if (mode === 'multi') {
      expect(arrived['x-b3-traceid']).toBeDefined();
      expect(arrived.b3).toBeUndefined();
    } else {
      expect(arrived.b3).toMatch(/^[0-9a-f]{16,32}-[0-9a-f]{16}-1-[0-9a-f]{16}$/);
      expect(arrived['x-b3-traceid']).toBeUndefined();
    }

    await ours.tracer.flush();
    await peerReport(peer, z);
    await z.waitForSpans(4);
    expect(id.traceId).toHaveLength(traceId128Bit ? 32 : 16);
    const trace = z.spans.filter((s) => s.traceId === id.traceId);
    expect(trace).toHaveLength(4); // the 64-bit peer trace id and ours (padded to 128 bits) are one trace

    const find = (service: string, kind: string): ZipkinV2Span => trace.find((s) => s.localEndpoint?.serviceName === service && s.kind === kind)!;
    const peerClient = find('js-peer', 'CLIENT');
    const oursServer = find('ours', 'SERVER');
    const oursClient = find('ours', 'CLIENT');
    const peerServer = find('js-peer', 'SERVER');
    expect(peerClient.id).toBe(id.spanId);
    expect(peerClient.parentId).toBeUndefined();
    expect(oursServer.parentId).toBe(peerClient.id);
    expect(oursClient.parentId).toBe(oursServer.id);
    expect(peerServer.parentId).toBe(oursClient.id);
    expect(new Set(trace.map((s) => s.id)).size).toBe(4); // no shared span ids
    expect(trace.every((s) => !s.shared)).toBe(true);
    expect(oursServer.tags?.['http.response.status_code']).toBe('200');
    expect(oursClient.remoteEndpoint).toEqual({ ipv4: '127.0.0.1', port: Number(new URL(peer.leafUrl).port) });
  });
});

describe('zipkin-js peer with its default supportsJoin (shared server span)', () => {
  test('our client span and the peer’s joined server span share the id; Zipkin accepts it as shared', async () => {
    const z = await startZipkinStandIn();
    const peer = await startPeer({ traceId128Bit: false, supportsJoin: true });
    const tracer = createTracer({ serviceName: 'ours', backend: 'zipkin', endpoint: z.url, reporter: { flushInterval: 50 } });
    try {
      const res = await tracer.startActiveSpan('call-peer', {}, () => tracedFetch(peer.leafUrl, undefined, { tracer }));
      expect(await res.text()).toBe('leaf');
      await tracer.flush();
      await peerReport(peer, z);
      await z.waitForSpans(3);
      const client = z.spans.find((s) => s.localEndpoint?.serviceName === 'ours' && s.kind === 'CLIENT')!;
      const joined = z.spans.find((s) => s.localEndpoint?.serviceName === 'js-peer')!;
      expect(joined).toMatchObject({ kind: 'SERVER', id: client.id, traceId: client.traceId, shared: true });
      expect(client.shared).toBeUndefined();
    } finally {
      await tracer.shutdown();
      await close(peer.server);
      await z.stop();
    }
  });
});

describe('sampling decisions cross the B3 boundary', () => {
  test('our sampled-out trace stays unrecorded in the zipkin-js peer; its sampled-out call stays unrecorded in ours', async () => {
    const z = await startZipkinStandIn();
    const peer = await startPeer({ traceId128Bit: false, supportsJoin: false });
    const tracer = createTracer({ serviceName: 'ours', backend: 'zipkin', endpoint: z.url, sampler: { type: 'const', param: 0 }, reporter: { flushInterval: 50 } });
    const server = http.createServer(traceHttpHandler((_req, res) => res.end('ok'), { tracer }));
    const port = await listen(server);
    try {
      // ours (const 0) → peer: X-B3-Sampled: 0 arrives and the peer records nothing.
      const res = await tracer.startActiveSpan('call-peer', {}, () => tracedFetch(peer.leafUrl, undefined, { tracer }));
      expect(await res.text()).toBe('leaf');
      expect(peer.seenHeaders.at(-1)!['x-b3-sampled']).toBe('0');
      expect(peer.spans).toHaveLength(0);

      // peer (its sampler says no) → ours, whose sampler would also say no: nothing recorded;
      // and a peer-sampled call is recorded by ours although our own sampler says 0.
      const sampledOut = new Instrumentation.HttpClient({ tracer: peer.tracer, remoteServiceName: 'ours' });
      const headers = peer.tracer.scoped(() => {
        peer.tracer.setId(peer.tracer.createRootId(new option.Some(false)));
        return sampledOut.recordRequest({ headers: {} as Record<string, string> }, `http://127.0.0.1:${port}/`, 'GET').headers as unknown as Record<string, string>;
      });
      expect(headers['X-B3-Sampled']).toBe('0');
      await (await fetch(`http://127.0.0.1:${port}/`, { headers })).text();
      const { status } = await peerCall(peer, `http://127.0.0.1:${port}/`);
      expect(status).toBe(200);
      await tracer.flush();
      await peerReport(peer, z);
      await z.waitForSpans(2);
      const ours = z.spans.filter((s) => s.localEndpoint?.serviceName === 'ours');
      expect(ours).toHaveLength(1); // only the server span of the peer-sampled call
      expect(ours[0].kind).toBe('SERVER');
      const peerClient = z.spans.find((s) => s.localEndpoint?.serviceName === 'js-peer')!;
      expect(ours[0].parentId).toBe(peerClient.id);
    } finally {
      await tracer.shutdown();
      await close(server);
      await close(peer.server);
      await z.stop();
    }
  });
});
