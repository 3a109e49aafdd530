/**
 * Bad input end to end: fuzzed incoming trace headers of every format, sent over real HTTP to
 * a traced `node:http` server and as gRPC metadata to a traced `@grpc/grpc-js` server. Each
 * server's handler calls a next hop with `tracedRequest` (node:http, which throws on an invalid
 * header value — so an invalid injected header would fail the app's own request). Asserted for
 * every case:
 * - the traced server answers (it never throws, never 5xx because of tracing);
 * - every header injected into the next hop is valid for its format (W3C, B3 single and
 *   multi, Jaeger, sw8), contains no CR/LF or other control character, and baggage
 *   (`baggage`, `uberctx-*`, `sw8-correlation`) stays within the configured item and byte
 *   limits — including when the *decoded* incoming baggage held CR/LF (percent-encoded in W3C
 *   baggage and uberctx, base64 in sw8-correlation);
 * - a valid incoming traceparent is continued (same trace id), anything else starts a root
 *   with a fresh non-zero trace id;
 * - recorded tag values stay within `limits.maxAttributeValueLength`.
 * The codecs were fuzzed in isolation in test/src/propagation; this is the wire-level version
 * (2,000 HTTP cases + 400 gRPC cases).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { addRpcServerTracing, createTracer, MemoryExporter, traceHttpHandler, tracedRequest, withSpan, currentSpan, type Tracer, type TracerConfig } from '../../src';

const HTTP_CASES = 2000;
const GRPC_CASES = 400;
const LIMITS = { maxBaggageItems: 8, maxBaggageBytes: 1024, maxAttributeValueLength: 256 };
const ALL = ['w3c', 'b3', 'b3multi', 'jaeger', 'sw8'] as const;

/** Deterministic PRNG (mulberry32) so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEX = '0123456789abcdef';
type Rand = () => number;
const pick = <T>(r: Rand, list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;
const hex = (r: Rand, n: number): string => Array.from({ length: n }, () => HEX[Math.floor(r() * 16)]).join('');
const printable = (r: Rand, n: number): string => Array.from({ length: n }, () => String.fromCharCode(0x20 + Math.floor(r() * 95))).join('');
const latin1 = (r: Rand, n: number): string => Array.from({ length: n }, () => String.fromCharCode(0xa0 + Math.floor(r() * 96))).join('');
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** A valid value per header, to truncate or mutate. */
function validValue(r: Rand, name: string): string {
  const t = hex(r, 32);
  const s = hex(r, 16);
  switch (name) {
    case 'traceparent':
      return `00-${t}-${s}-0${pick(r, ['0', '1'])}`;
    case 'tracestate':
      return `vendor=${hex(r, 8)},other@t=${printable(r, 4).replace(/[,= ]/g, 'x')}`;
    case 'b3':
      return `${t}-${s}-${pick(r, ['0', '1', 'd'])}-${hex(r, 16)}`;
    case 'x-b3-traceid':
      return pick(r, [t, t.slice(16)]);
    case 'x-b3-spanid':
    case 'x-b3-parentspanid':
      return s;
    case 'x-b3-sampled':
      return pick(r, ['0', '1', 'true', 'false']);
    case 'x-b3-flags':
      return '1';
    case 'uber-trace-id':
      return `${t}:${s}:0:${pick(r, ['0', '1', '3'])}`;
    case 'jaeger-debug-id':
      return printable(r, 12);
    case 'sw8':
      return `1-${b64(t)}-${b64(hex(r, 32))}-${Math.floor(r() * 5)}-${b64('svc')}-${b64('inst')}-${b64('/ep')}-${b64('10.0.0.1:80')}`;
    case 'sw8-correlation':
      return `${b64('k1')}:${b64('v1')},${b64('k2')}:${b64('v\r\nInjected: 1')}`;
    case 'baggage':
      return `k1=v1,k2=${encodeURIComponent('a\r\nInjected: yes')},k3=%00%7F`;
    default:
      return `v${hex(r, 4)}`;
  }
}

const NAMES = [
  'traceparent', 'tracestate', 'b3', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-parentspanid', 'x-b3-sampled', 'x-b3-flags',
  'uber-trace-id', 'uberctx-user', 'uberctx-evil', 'jaeger-debug-id', 'sw8', 'sw8-correlation', 'baggage',
];

/** One fuzzed header value (always one a standard HTTP client can send; `latin1` only when allowed). */
function mutate(r: Rand, name: string, allowLatin1: boolean): string {
  const v = validValue(r, name);
  switch (Math.floor(r() * 11)) {
    case 0:
      return v; // valid
    case 1:
      return v.slice(0, Math.floor(r() * v.length)); // truncated
    case 2:
      return v.repeat(1 + Math.floor(r() * 40)).slice(0, 2000 + Math.floor(r() * 4000)); // over-long
    case 3:
      return v.toUpperCase(); // wrong case
    case 4:
      return v.replace(/[0-9a-f]/g, (c) => (r() < 0.2 ? pick(r, ['g', 'z', '-', ':', ' ']) : c)); // invalid hex
    case 5:
      return v.replace(/[0-9a-f]{16,32}/g, (m) => '0'.repeat(m.length)); // all-zero ids
    case 6:
      return allowLatin1 ? v + latin1(r, 8) : v + '%E2%98%83'; // non-ASCII
    case 7:
      return printable(r, Math.floor(r() * 200)); // random
    case 8:
      // Percent-encoded CR/LF, NUL and DEL, which decoders must not turn into an outgoing header.
      return name === 'baggage' || name.startsWith('uberctx-') ? `${v},x=%0D%0ASet-Cookie:%20a%3Db,y=%00` : `${v}%0D%0A`;
    case 9:
      return name === 'sw8-correlation' ? `${b64('x\r\ny')}:${b64('\u0000\u007f\r\n')}` : v.split('').reverse().join('');
    default:
      // many baggage items
      return Array.from({ length: 30 }, (_, i) => `k${i}=${printable(r, 40).replace(/[,;= %]/g, 'x')}`).join(',');
  }
}

function fuzzHeaders(r: Rand, allowLatin1: boolean): Record<string, string> {
  const h: Record<string, string> = {};
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const name = pick(r, NAMES);
    h[name] = mutate(r, name, allowLatin1);
  }
  // tracestate only travels with a valid traceparent: give it one, so it is exercised.
  if (h.tracestate !== undefined && h.traceparent === undefined) h.traceparent = validValue(r, 'traceparent');
  return h;
}

const CTL = /[\u0000-\u0008\u000a-\u001f\u007f]/;
const VALID: Record<string, RegExp> = {
  traceparent: /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-0[01]$/,
  b3: /^(?!0+-)([0-9a-f]{32}|[0-9a-f]{16})-(?!0{16})[0-9a-f]{16}(-[01d](-[0-9a-f]{16})?)?$|^[01d]$/,
  'x-b3-traceid': /^(?!0+$)([0-9a-f]{16}|[0-9a-f]{32})$/,
  'x-b3-spanid': /^(?!0{16})[0-9a-f]{16}$/,
  'x-b3-parentspanid': /^(?!0{16})[0-9a-f]{16}$/,
  'x-b3-sampled': /^[01]$/,
  'x-b3-flags': /^1$/,
  'uber-trace-id': /^[0-9a-f]{1,32}:[0-9a-f]{1,16}:[0-9a-f]{1,16}:[0-9a-f]{1,2}$/,
  sw8: /^[01]-[A-Za-z0-9+/=]+-[A-Za-z0-9+/=]+-\d+-[A-Za-z0-9+/=]+-[A-Za-z0-9+/=]+-[A-Za-z0-9+/=]+-[A-Za-z0-9+/=]+$/,
};

/** Problems with the headers a next hop received (empty when all is well). */
function checkOutgoing(headers: http.IncomingHttpHeaders): string[] {
  const problems: string[] = [];
  for (const [name, raw] of Object.entries(headers)) {
    const values = Array.isArray(raw) ? raw : [raw ?? ''];
    for (const v of values) {
      if (CTL.test(v)) problems.push(`${name} holds a control character: ${JSON.stringify(v.slice(0, 80))}`);
      const re = VALID[name];
      if (re && !re.test(v)) problems.push(`${name} is not valid: ${JSON.stringify(v.slice(0, 120))}`);
    }
  }
  const baggage = headers.baggage;
  if (typeof baggage === 'string') {
    if (Buffer.byteLength(baggage) > LIMITS.maxBaggageBytes) problems.push(`baggage of ${Buffer.byteLength(baggage)} bytes`);
    if (baggage.split(',').length > LIMITS.maxBaggageItems) problems.push(`baggage of ${baggage.split(',').length} items`);
  }
  const uberctx = Object.keys(headers).filter((k) => k.startsWith('uberctx-'));
  if (uberctx.length > LIMITS.maxBaggageItems) problems.push(`${uberctx.length} uberctx headers`);
  const corr = headers['sw8-correlation'];
  if (typeof corr === 'string' && corr.split(',').length > LIMITS.maxBaggageItems) problems.push(`sw8-correlation of ${corr.split(',').length} items`);
  for (const name of ['traceparent', 'uber-trace-id', 'sw8', 'b3', 'x-b3-traceid']) {
    if (headers[name] === undefined) problems.push(`${name} missing`);
  }
  return problems;
}

function validIncomingTraceId(h: Record<string, string>): string | undefined {
  const tp = h.traceparent;
  return tp !== undefined && /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/.test(tp) && !/^00-0{32}-/.test(tp) && !/-0{16}-/.test(tp) ? tp.slice(3, 35) : undefined;
}

function config(serviceName: string): TracerConfig {
  return {
    serviceName,
    backend: 'memory',
    propagation: { extract: [...ALL], inject: [...ALL] },
    limits: LIMITS,
    reporter: { flushInterval: 60_000, queueSize: 100_000 },
    logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  };
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe('fuzzed trace headers end to end', () => {
  const captured = new Map<string, http.IncomingHttpHeaders>();
  let nextHop: http.Server;
  let nextPort: number;
  const tracers: Tracer[] = [];
  beforeAll(async () => {
    nextHop = http.createServer((req, res) => {
      captured.set(new URL(req.url ?? '/', 'http://x').searchParams.get('case') ?? '', req.headers);
      res.end('ok');
    });
    nextPort = await listen(nextHop);
  });
  afterAll(async () => {
    await Promise.all(tracers.map((t) => t.shutdown(1000)));
    await new Promise<void>((resolve) => {
      nextHop.close(() => resolve());
      nextHop.closeAllConnections();
    });
  });

  /** The handler both servers run: call the next hop with tracedRequest inside the active span. */
  function callNextHop(tracer: Tracer, caseId: string): Promise<number> {
    return new Promise((resolve, reject) => {
      try {
        const req = tracedRequest(`http://127.0.0.1:${nextPort}/n?case=${caseId}`, { method: 'GET' }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        }, { tracer });
        req.on('error', reject);
        req.end();
      } catch (err) {
        reject(err);
      }
    });
  }

  it(`over HTTP: ${HTTP_CASES} cases — the server answers, outgoing headers are valid and bounded`, async () => {
    const tracer = createTracer(config('fuzz-http'));
    tracers.push(tracer);
    const server = http.createServer(
      traceHttpHandler(async (req, res) => {
        const id = new URL(req.url ?? '/', 'http://x').searchParams.get('case') ?? '';
        const status = await callNextHop(tracer, id);
        res.writeHead(200, { 'x-trace-id': currentSpan()?.traceId ?? '' }).end(String(status));
      }, { tracer }),
    );
    const port = await listen(server);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const r = rng(0x7ace);
    const failures: string[] = [];
    const send = (i: number): Promise<void> => {
      const headers = fuzzHeaders(r, true);
      // Occasionally an over-long user agent and query: recorded tags must stay bounded.
      const ua = i % 50 === 0 ? 'x'.repeat(3000) : 'fuzz';
      const q = i % 50 === 0 ? `&q=${'y'.repeat(3000)}` : '';
      return new Promise((resolve) => {
        const req = http.request({ host: '127.0.0.1', port, path: `/in?case=${i}${q}`, headers: { ...headers, 'user-agent': ua }, agent }, (res) => {
          res.resume();
          res.on('end', () => {
            const out = captured.get(String(i));
            if (res.statusCode !== 200) failures.push(`case ${i}: status ${res.statusCode} for ${JSON.stringify(headers).slice(0, 300)}`);
            else if (!out) failures.push(`case ${i}: the next hop was not called`);
            else {
              const problems = checkOutgoing(out);
              if (problems.length) failures.push(`case ${i}: ${problems.join('; ')} (in: ${JSON.stringify(headers).slice(0, 300)})`);
              const continued = validIncomingTraceId(headers);
              const outTrace = String(out.traceparent ?? '').slice(3, 35);
              if (continued !== undefined && outTrace !== continued && headers['uber-trace-id'] === undefined && headers.b3 === undefined && headers['x-b3-traceid'] === undefined && headers.sw8 === undefined) {
                failures.push(`case ${i}: valid traceparent ${continued} not continued (out ${outTrace})`);
              }
              if (outTrace !== res.headers['x-trace-id']) failures.push(`case ${i}: the next hop's trace ${outTrace} is not the server span's ${String(res.headers['x-trace-id'])}`);
            }
            resolve();
          });
        });
        req.on('error', (e) => {
          failures.push(`case ${i}: ${e.message}`);
          resolve();
        });
        req.end();
      });
    };
    for (let i = 0; i < HTTP_CASES; i += 8) await Promise.all(Array.from({ length: Math.min(8, HTTP_CASES - i) }, (_, k) => send(i + k)));
    agent.destroy();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    expect(failures.slice(0, 10)).toEqual([]);
    expect(captured.size).toBeGreaterThanOrEqual(HTTP_CASES);
    // Not vacuous: incoming baggage of every format did reach the next hop, re-encoded.
    const outs = [...captured.values()];
    expect(outs.filter((h) => typeof h.baggage === 'string').length).toBeGreaterThan(50);
    expect(outs.filter((h) => Object.keys(h).some((k) => k.startsWith('uberctx-'))).length).toBeGreaterThan(50);
    expect(outs.filter((h) => typeof h['sw8-correlation'] === 'string').length).toBeGreaterThan(50);
    expect(outs.filter((h) => typeof h.tracestate === 'string').length).toBeGreaterThan(50);

    await tracer.flush();
    const spans = (tracer.exporter as MemoryExporter).getFinishedSpans();
    // Cases whose incoming context said "not sampled" are (rightly) not recorded.
    expect(spans.length).toBeGreaterThan(HTTP_CASES);
    expect(spans.length).toBeLessThanOrEqual(2 * HTTP_CASES);
    // The over-long user agents were recorded, cut to the limit.
    expect(spans.some((s) => s.attributes['user_agent.original'] === 'x'.repeat(LIMITS.maxAttributeValueLength))).toBe(true);
    const tooLong = spans.flatMap((s) => Object.entries(s.attributes).filter(([, v]) => typeof v === 'string' && v.length > LIMITS.maxAttributeValueLength).map(([k]) => `${s.name}: ${k}`));
    expect(tooLong).toEqual([]);
    const baggageTooBig = spans.filter((s) => Object.keys(s.baggage).length > LIMITS.maxBaggageItems);
    expect(baggageTooBig).toEqual([]);
    for (const s of spans) expect(s.traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
  }, 60_000);

  it(`over gRPC metadata: ${GRPC_CASES} cases — the server answers OK, outgoing headers are valid and bounded`, async () => {
    const tracer = createTracer(config('fuzz-grpc'));
    tracers.push(tracer);
    const def = protoLoader.loadSync(path.join(__dirname, '..', 'fixtures', 'echo.proto'));
    const Echo = (grpc.loadPackageDefinition(def) as unknown as { test: { echo: { Echo: grpc.ServiceClientConstructor } } }).test.echo.Echo;
    const server = new grpc.Server(addRpcServerTracing('echo', { tracer }).options);
    server.addService(Echo.service, {
      Unary: (call: grpc.ServerUnaryCall<{ text: string }, { text: string }>, cb: grpc.sendUnaryData<{ text: string }>) => {
        const span = currentSpan();
        withSpan(span, () => callNextHop(tracer, call.request.text)).then(
          (status) => cb(null, { text: String(status) }),
          (err: Error) => cb({ code: grpc.status.INTERNAL, details: err.message }),
        );
      },
    });
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    const client = new Echo(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
      Unary(req: { text: string }, md: grpc.Metadata, cb: (err: grpc.ServiceError | null, res?: { text: string }) => void): void;
    };
    const r = rng(0x9a9c);
    const failures: string[] = [];
    for (let i = 0; i < GRPC_CASES; i++) {
      const id = `g${i}`;
      const md = new grpc.Metadata();
      const headers = fuzzHeaders(r, false);
      for (const [k, v] of Object.entries(headers)) {
        try {
          md.set(k, v);
        } catch {
          /* a value grpc-js itself refuses to send */
        }
      }
      const err = await new Promise<grpc.ServiceError | null>((resolve) => client.Unary({ text: id }, md, (e) => resolve(e)));
      const out = captured.get(id);
      if (err) failures.push(`${id}: ${err.message} for ${JSON.stringify(headers).slice(0, 300)}`);
      else if (!out) failures.push(`${id}: the next hop was not called`);
      else {
        const problems = checkOutgoing(out);
        if (problems.length) failures.push(`${id}: ${problems.join('; ')} (in: ${JSON.stringify(headers).slice(0, 300)})`);
      }
    }
    client.close();
    server.forceShutdown();
    expect(failures.slice(0, 10)).toEqual([]);
  }, 60_000);
});
