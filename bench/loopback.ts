/**
 * Section 4 — traced request overhead on loopback at concurrency 16. Each setup runs in child
 * processes of its own (`loopbackWorker.ts`; three in a full run, taking its rounds in turn, one in
 * `--quick`), client and server together in each (so all tracing work is on one thread, as the
 * untraced baseline's is, and no other setup's async hooks are enabled there):
 * - HTTP: `node:http` server + keep-alive client (16 sockets), `GET /work` → `ok`;
 * - gRPC: `@grpc/grpc-js` unary call over one channel, raw-bytes codec.
 * Each as: untraced; bare AsyncLocalStorage (`als.run` per request on both sides, the floor);
 * in the full run the floor plus a W3C `traceparent` by hand (the client sets a fresh one per
 * request, the server reads it into its store; no spans — what propagation alone costs);
 * ours (the core's integrations: `traceHttpHandler` + `tracedRequest`, `addRpcServerTracing` +
 * `addRpcClientTracing`; spans queued and batch-exported to a discarding exporter), and in the
 * full run ours on one side only (bare ALS on the other, run through our library's storage, so
 * that the process has one AsyncLocalStorage as in the others); OpenTelemetry SDK by hand (W3C
 * `propagation.extract/inject`, server span + client span, BatchSpanProcessor with a
 * discarding exporter). Per round: a fixed request count; throughput (req/s), p50 and p99 (µs).
 *
 * @packageDocumentation
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { fork } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { ROOT_CONTEXT, SpanKind, type Tracer as OtelTracer } from '@opentelemetry/api';
import type { BenchContext } from './context';
import { ROUNDS } from './context';
import { interleave, type RoundCase } from './harness';
import { otelContext, otelPropagation, otelTrace } from './incumbents/otel';
import { loadOurs, type OurTracer } from './ours';
import { confidenceLabel, fmt, fmtRatioWithInterval, fmtSummary, fmtWithInterval, pairedRatioInterval, quantile, ratio } from './stats';

const CONCURRENCY = 16;
/** Recorded rounds of section 4 in a full run (a multiple of {@link LOOPBACK_FORKS_FULL}). */
const LOOPBACK_ROUNDS_FULL = 12;
/**
 * Child processes per setup in a full run, taking the recorded rounds in turn (as JMH's forks):
 * one process's luck — where V8 placed its code and heap, what it optimized first — holds for
 * all of that process's rounds, so with one process per setup it moved a whole run's ratios
 * (floors from 0.77× to 1.00× untraced between runs of the same build, 2026-12-02 to 12-06).
 */
const LOOPBACK_FORKS_FULL = 3;

/** One way of making requests against one server; `request()` resolves when the response is complete. */
export interface Target {
  name: string;
  request(): Promise<void>;
  close(): Promise<void>;
}

/** Our integrations as the bench uses them (looked up at run time). */
interface OurIntegrations {
  traceHttpHandler(handler: (req: http.IncomingMessage, res: http.ServerResponse) => unknown, options?: { tracer?: unknown }): http.RequestListener;
  tracedRequest(target: string | URL, requestOptions?: http.RequestOptions, callback?: (res: http.IncomingMessage) => void, options?: { tracer?: unknown }): http.ClientRequest;
  addRpcServerTracing(serviceName: string, options?: { tracer?: unknown }): { options: { interceptors: grpc.ServerInterceptor[] } };
  addRpcClientTracing(serviceName: string, options?: { tracer?: unknown; peer?: string }): { options: { interceptors: grpc.Interceptor[] } };
  /** Runs `fn` under our context storage (the bare-ALS side of the one-sided variants uses it). */
  withSpan<T>(span: never, fn: () => T): T;
}

export function ourIntegrations(): OurIntegrations | undefined {
  const lib = loadOurs() as unknown as Partial<OurIntegrations> | undefined;
  if (!lib) return undefined;
  if (typeof lib.traceHttpHandler !== 'function' || typeof lib.tracedRequest !== 'function') return undefined;
  if (typeof lib.addRpcServerTracing !== 'function' || typeof lib.addRpcClientTracing !== 'function') return undefined;
  if (typeof lib.withSpan !== 'function') return undefined;
  return lib as OurIntegrations;
}

/**
 * A loopback setup: `als-header` (full run only) = the floor plus a W3C `traceparent` by hand,
 * no spans; `minimal` (full run only) = `als-header` plus a minimal tracer written by hand
 * (one plain span record per side, see {@link MinimalSpan}); `interceptors` (gRPC only) = client and server interceptors that do
 * nothing, the cost of grpc-js's interceptor machinery that any interceptor-based tracing pays.
 * `ours-server` / `ours-client` (full run only): our integration on one side, bare
 * AsyncLocalStorage on the other — where our overhead goes.
 */
export type Variant = 'untraced' | 'als' | 'als-header' | 'minimal' | 'interceptors' | 'ours' | 'ours-server' | 'ours-client' | 'otel';

/** Our integration runs on the server side in this variant. */
function oursServes(v: Variant): boolean {
  return v === 'ours' || v === 'ours-server';
}

/** Our integration runs on the client side in this variant. */
function oursCalls(v: Variant): boolean {
  return v === 'ours' || v === 'ours-client';
}

/** Bare `als.run` on this side (the floor), because the variant traces only the other side. */
function alsServes(v: Variant): boolean {
  return v === 'als' || v === 'ours-client';
}

function alsCalls(v: Variant): boolean {
  return v === 'als' || v === 'ours-server';
}

let serial = 0;
const TRACE_ID_HEAD = '4bf92f3577b34da6a3ce929d';
const SPAN_ID_HEAD = '00f067aa';

/** 8 hex digits that differ on every call: the varying tail of the bench's hand-made ids. */
function nextSerialHex(): string {
  return (++serial >>> 0).toString(16).padStart(8, '0');
}

/**
 * A valid W3C `traceparent` that differs on every call (as real trace and span ids do, so
 * HTTP/2's header compression cannot index it), built as cheaply as a string can be: the
 * `als-header` variant's client side.
 */
function nextTraceparent(): string {
  const n = nextSerialHex();
  return `00-${TRACE_ID_HEAD}${n}-${SPAN_ID_HEAD}${n}-01`;
}

/**
 * The `minimal` variant's span: what any tracer must keep per span (ids, parent, name, kind,
 * start and end in ms from `performance.now()`, status, two tags), and nothing else: no
 * sampling, no id randomness (a counter), no validation beyond the header's length, no
 * limits or redaction, no export (records are dropped 512 at a time). The least a tracer doing
 * section 4's job can cost here: the gap between it and ours is our own code's.
 */
export interface MinimalSpan {
  traceId: string;
  spanId: string;
  parentId: string | undefined;
  name: string;
  kind: 'server' | 'client';
  start: number;
  end: number;
  status: number;
  tags: { method: string; target: string };
}

/** The `minimal` variant's finished spans (dropped 512 at a time). */
const minimalFinished: MinimalSpan[] = [];

function minimalEnd(span: MinimalSpan, status: number): void {
  span.end = performance.now();
  span.status = status;
  minimalFinished.push(span);
  if (minimalFinished.length >= 512) minimalFinished.length = 0;
}

/**
 * A started `minimal` span: a server span continues the trace of an incoming 55-character
 * `traceparent`; a client span, or a server span without one, starts a new trace.
 */
function minimalSpan(kind: 'server' | 'client', name: string, target: string, traceparent?: unknown): MinimalSpan {
  const tp = typeof traceparent === 'string' && traceparent.length === 55 ? traceparent : undefined;
  const n = nextSerialHex();
  return {
    traceId: tp ? tp.slice(3, 35) : `${TRACE_ID_HEAD}${n}`,
    spanId: `${SPAN_ID_HEAD}${n}`,
    parentId: tp ? tp.slice(36, 52) : undefined,
    name,
    kind,
    start: performance.now(),
    end: 0,
    status: 0,
    tags: { method: 'GET', target },
  };
}

/** The `traceparent` that carries a `minimal` client span. */
function minimalTraceparent(span: MinimalSpan): string {
  return `00-${span.traceId}-${span.spanId}-01`;
}

/**
 * The `minimal` setups' span records ended since the last call (at most the last 512). For tests.
 *
 * @example
 * ```ts
 * takeMinimalSpans(); // start afresh
 * ```
 */
export function takeMinimalSpans(): MinimalSpan[] {
  return minimalFinished.splice(0);
}

const kMinimal = Symbol('bench.minimalSpan');

/** `finish` of a `minimal` server response (shared: no closure per request). */
function onMinimalFinish(this: http.ServerResponse): void {
  const span = (this as { [kMinimal]?: MinimalSpan })[kMinimal];
  if (span !== undefined) minimalEnd(span, this.statusCode);
}

/** What the `als-header` servers saw: requests with a 55-character `traceparent`, and how many differed from the one before. */
const headersSeen = { valid: 0, changed: 0, last: '' };

/** The `als-header` server side's check of one incoming `traceparent`; the store it runs under. */
function sawTraceparent(value: unknown): { traceparent: string | undefined } {
  if (typeof value !== 'string' || value.length !== 55) return { traceparent: undefined };
  headersSeen.valid++;
  if (value !== headersSeen.last) headersSeen.changed++;
  headersSeen.last = value;
  return { traceparent: value };
}

/**
 * Counts of the `traceparent` values the `als-header` servers of this process received:
 * `valid` (55 characters), `changed` (differed from the previous one). For tests.
 *
 * @example
 * ```ts
 * const before = headersSeenCounts().valid;
 * ```
 */
export function headersSeenCounts(): { valid: number; changed: number } {
  return { valid: headersSeen.valid, changed: headersSeen.changed };
}

/** What the bare-ALS side calls: an AsyncLocalStorage's `run(store, fn, ...args)`. */
interface AlsRunner {
  run<A extends unknown[], T>(store: object, fn: (...args: A) => T, ...args: A): T;
}

/**
 * The bare-ALS side's storage: the bench's own AsyncLocalStorage for the floor (called
 * directly, as an app would); in the one-sided variants our library's storage through
 * `withSpan` (a fresh object as the store, as the floor's), so that the process runs one
 * AsyncLocalStorage as in the floor and in `ours`, not two (with two, every async resource
 * of the process is stamped twice and the row overstates our side's cost). The wrapper's
 * closure and argument array per request make those rows, if anything, a little pessimistic.
 */
function alsFor(variant: Variant, ours: { integ: OurIntegrations } | undefined): AlsRunner {
  if ((variant === 'ours-server' || variant === 'ours-client') && ours) {
    const withSpan = ours.integ.withSpan;
    return { run: (store, fn, ...args) => withSpan(store as never, () => fn(...args)) };
  }
  return new AsyncLocalStorage<object>();
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

function consume(res: http.IncomingMessage, resolve: () => void, reject: (e: Error) => void): void {
  res.on('data', () => {});
  res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
  res.on('error', reject);
}

export async function httpTarget(variant: Variant, ours: { tracer: OurTracer; integ: OurIntegrations } | undefined, otel: OtelTracer | undefined): Promise<Target> {
  const als = alsFor(variant, ours);
  const body = Buffer.from('ok');
  const handler = (_req: http.IncomingMessage, res: http.ServerResponse): void => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
    res.end(body);
  };
  let listener: http.RequestListener;
  if (variant === 'untraced') listener = handler;
  else if (alsServes(variant)) listener = (req, res) => als.run({}, handler, req, res);
  else if (variant === 'als-header') listener = (req, res) => als.run(sawTraceparent(req.headers.traceparent), handler, req, res);
  else if (variant === 'minimal')
    listener = (req, res) => {
      const span = minimalSpan('server', 'GET /work', req.url ?? '/', req.headers.traceparent);
      (res as { [kMinimal]?: MinimalSpan })[kMinimal] = span;
      res.on('finish', onMinimalFinish);
      als.run(span, handler, req, res);
    };
  else if (oursServes(variant)) listener = ours!.integ.traceHttpHandler(handler, { tracer: ours!.tracer });
  else {
    const tracer = otel!;
    listener = (req, res) => {
      const parent = otelPropagation.extract(ROOT_CONTEXT, req.headers);
      const span = tracer.startSpan(
        `${req.method} /work`,
        { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? 'GET', 'url.path': req.url ?? '/', 'http.route': '/work' } },
        parent,
      );
      res.once('finish', () => {
        span.setAttribute('http.response.status_code', res.statusCode);
        span.end();
      });
      otelContext.with(otelTrace.setSpan(parent, span), handler, undefined, req, res);
    };
  }
  const server = http.createServer({ keepAlive: true, keepAliveTimeout: 60_000 }, listener);
  const port = await listen(server);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const url = `http://127.0.0.1:${port}/work`;
  const options: http.RequestOptions = { agent, method: 'GET', host: '127.0.0.1', port, path: '/work' };
  let request: () => Promise<void>;
  if (variant === 'untraced' || alsCalls(variant)) {
    const plain = (): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        const req = http.request(options, (res) => consume(res, resolve, reject));
        req.on('error', reject);
        req.end();
      });
    request = variant === 'untraced' ? plain : () => als.run({}, plain);
  } else if (variant === 'als-header') {
    const withHeader = (): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        const req = http.request(options, (res) => consume(res, resolve, reject));
        req.setHeader('traceparent', nextTraceparent());
        req.on('error', reject);
        req.end();
      });
    request = () => als.run({}, withHeader);
  } else if (variant === 'minimal') {
    const traced = (): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        const span = minimalSpan('client', 'GET', url);
        const req = http.request(options, (res) =>
          consume(res, () => {
            minimalEnd(span, res.statusCode ?? 0);
            resolve();
          }, reject),
        );
        req.setHeader('traceparent', minimalTraceparent(span));
        req.on('error', reject);
        req.end();
      });
    request = () => als.run({}, traced);
  } else if (oursCalls(variant)) {
    const { tracer, integ } = ours!;
    const reqOptions: http.RequestOptions = { agent, method: 'GET' };
    request = () =>
      new Promise<void>((resolve, reject) => {
        const req = integ.tracedRequest(url, reqOptions, (res) => consume(res, resolve, reject), { tracer });
        req.on('error', reject);
        req.end();
      });
  } else {
    const tracer = otel!;
    const requestSetter = { set: (r: http.ClientRequest, k: string, v: string): void => void r.setHeader(k, v) };
    request = () => {
      const span = tracer.startSpan('GET', {
        kind: SpanKind.CLIENT,
        attributes: { 'http.request.method': 'GET', 'url.full': url, 'server.address': '127.0.0.1', 'server.port': port },
      });
      const ctx = otelTrace.setSpan(otelContext.active(), span);
      return otelContext.with(ctx, () =>
        new Promise<void>((resolve, reject) => {
          // The same shared options object as the untraced client and the headers set on the
          // request (a fresh options object per request costs ~5 µs on Node 20; ours avoids it too).
          const req = http.request(options, (res) => {
            span.setAttribute('http.response.status_code', res.statusCode ?? 0);
            consume(res, () => {
              span.end();
              resolve();
            }, reject);
          });
          otelPropagation.inject(ctx, req, requestSetter);
          req.on('error', (e) => {
            span.end();
            reject(e);
          });
          req.end();
        }),
      );
    };
  }
  return {
    name: variant,
    request,
    async close() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const raw = {
  requestSerialize: (b: Buffer): Buffer => b,
  requestDeserialize: (b: Buffer): Buffer => b,
  responseSerialize: (b: Buffer): Buffer => b,
  responseDeserialize: (b: Buffer): Buffer => b,
};
const ECHO_PATH = '/bench.Bench/Echo';

export async function grpcTarget(variant: Variant, ours: { tracer: OurTracer; integ: OurIntegrations } | undefined, otel: OtelTracer | undefined): Promise<Target> {
  const als = alsFor(variant, ours);
  const reply = Buffer.from('ok');
  const handler: grpc.handleUnaryCall<Buffer, Buffer> = (_call, cb) => cb(null, reply);
  let impl: grpc.handleUnaryCall<Buffer, Buffer> = handler;
  let serverOptions: grpc.ServerOptions = {};
  if (alsServes(variant)) impl = (call, cb) => als.run({}, handler, call, cb);
  else if (variant === 'als-header') impl = (call, cb) => als.run(sawTraceparent(call.metadata.get('traceparent')[0]), handler, call, cb);
  else if (variant === 'minimal')
    impl = (call, cb) => {
      const span = minimalSpan('server', 'bench.Bench/Echo', ECHO_PATH, call.metadata.get('traceparent')[0]);
      const done: grpc.sendUnaryData<Buffer> = (err, value) => {
        minimalEnd(span, err ? 2 : 0);
        cb(err, value);
      };
      als.run(span, handler, call, done);
    };
  else if (variant === 'interceptors') serverOptions = { interceptors: [(_d, call) => new grpc.ServerInterceptingCall(call, {})] };
  else if (oursServes(variant)) serverOptions = ours!.integ.addRpcServerTracing('bench', { tracer: ours!.tracer }).options;
  else if (variant === 'otel') {
    const tracer = otel!;
    const getter = {
      keys: (m: grpc.Metadata): string[] => Object.keys(m.getMap()),
      get: (m: grpc.Metadata, k: string): string | undefined => {
        const v = m.get(k)[0];
        return v === undefined ? undefined : String(v);
      },
    };
    impl = (call, cb) => {
      const parent = otelPropagation.extract(ROOT_CONTEXT, call.metadata, getter);
      const span = tracer.startSpan(
        'bench.Bench/Echo',
        { kind: SpanKind.SERVER, attributes: { 'rpc.system': 'grpc', 'rpc.service': 'bench.Bench', 'rpc.method': 'Echo' } },
        parent,
      );
      otelContext.with(otelTrace.setSpan(parent, span), () =>
        handler(call, (err, value) => {
          span.setAttribute('rpc.grpc.status_code', 0);
          span.end();
          cb(err, value);
        }),
      );
    };
  }
  const server = new grpc.Server(serverOptions);
  server.addService({ Echo: { path: ECHO_PATH, requestStream: false, responseStream: false, ...raw } }, { Echo: impl });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  const address = `127.0.0.1:${port}`;
  const clientOptions: grpc.ClientOptions =
    oursCalls(variant)
      ? ours!.integ.addRpcClientTracing('bench', { tracer: ours!.tracer, peer: address }).options
      : variant === 'interceptors'
        ? { interceptors: [(o, next) => new grpc.InterceptingCall(next(o), {})] }
        : {};
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), clientOptions);
  const payload = Buffer.from('hello');
  const call = (metadata: grpc.Metadata): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      client.makeUnaryRequest(ECHO_PATH, raw.requestSerialize, raw.responseDeserialize, payload, metadata, {}, (err) =>
        err ? reject(err) : resolve(),
      );
    });
  let request: () => Promise<void>;
  if (variant === 'untraced' || oursCalls(variant) || variant === 'interceptors') request = () => call(new grpc.Metadata());
  else if (alsCalls(variant)) request = () => als.run({}, () => call(new grpc.Metadata()));
  else if (variant === 'als-header') {
    const withHeader = (): Promise<void> => {
      const md = new grpc.Metadata();
      md.set('traceparent', nextTraceparent());
      return call(md);
    };
    request = () => als.run({}, withHeader);
  } else if (variant === 'minimal') {
    const traced = (): Promise<void> => {
      const span = minimalSpan('client', 'bench.Bench/Echo', ECHO_PATH);
      const md = new grpc.Metadata();
      md.set('traceparent', minimalTraceparent(span));
      return call(md).then(() => minimalEnd(span, 0));
    };
    request = () => als.run({}, traced);
  } else {
    const tracer = otel!;
    const setter = { set: (m: grpc.Metadata, k: string, v: string): void => m.set(k, v) };
    request = () => {
      const span = tracer.startSpan('bench.Bench/Echo', {
        kind: SpanKind.CLIENT,
        attributes: { 'rpc.system': 'grpc', 'rpc.service': 'bench.Bench', 'rpc.method': 'Echo', 'server.address': '127.0.0.1', 'server.port': port },
      });
      const ctx = otelTrace.setSpan(otelContext.active(), span);
      const md = new grpc.Metadata();
      otelPropagation.inject(ctx, md, setter);
      return otelContext.with(ctx, () =>
        call(md).then(
          () => {
            span.setAttribute('rpc.grpc.status_code', 0);
            span.end();
          },
          (e: unknown) => {
            span.end();
            throw e;
          },
        ),
      );
    };
  }
  await request(); // connect
  return {
    name: variant,
    request,
    async close() {
      client.close();
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    },
  };
}

/**
 * Run up to `total` requests with {@link CONCURRENCY} in flight, stopping early after
 * `capMs`; throughput in req/s and latencies in µs over the requests completed.
 */
export async function load(target: Target, total: number, capMs: number): Promise<{ rps: number; p50: number; p99: number; requests: number; cpuUs: number }> {
  const lat = new Float64Array(total);
  let next = 0;
  let done = 0;
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(capMs) * 1_000_000n;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const t0 = process.hrtime.bigint();
      if (t0 > deadline) return;
      next++;
      await target.request();
      lat[done++] = Number(process.hrtime.bigint() - t0) / 1000;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const arr = Array.from(lat.subarray(0, done));
  return { rps: done / s, p50: quantile(arr, 0.5), p99: quantile(arr, 0.99), requests: done, cpuUs: (cpu.user + cpu.system) / done };
}

const LABEL: Record<Variant, string> = {
  untraced: 'untraced',
  als: 'bare AsyncLocalStorage (floor)',
  'als-header': 'floor + traceparent by hand (no spans)',
  minimal: 'minimal tracer by hand (span records, no export)',
  interceptors: 'empty interceptors (no tracing)',
  ours: 'ours',
  'ours-server': 'ours on the server only (client: bare ALS)',
  'ours-client': 'ours on the client only (server: bare ALS)',
  otel: 'OpenTelemetry SDK (by hand)',
};

/**
 * Node flags of the loopback workers. `--no-memory-reducer`: a worker waits idle while the other
 * setups run their rounds (10–30 s), and V8's memory reducer, which starts after a few seconds
 * without allocation, shrinks its heap meanwhile; the next round then regrows it under load.
 * Measured 2026-12-06 over gRPC, a round after ~20 s idle ran at 0.68× (untraced) and 0.62×
 * (ours) the throughput of a round in a busy process; with this flag at 0.90× and 0.88×. A
 * service under steady load never idles long enough for the reducer, so the bench leaves it
 * out for every setup alike.
 */
const WORKER_EXEC_ARGV: readonly string[] = ['--no-memory-reducer'];

/** A loopback setup running in a child process of its own ({@link ./loopbackWorker}), or in several ({@link forkedCase}). */
export interface WorkerCase extends RoundCase {
  close(): Promise<void>;
}

/**
 * Fork a worker for `proto` × `variant` and wait until its server listens. Rejects with the
 * worker's own error message when it cannot set up (the row then shows n/a).
 */
function startWorker(proto: 'http' | 'grpc', variant: Variant, count: number, capMs: number): Promise<WorkerCase> {
  const child = fork(path.join(__dirname, 'loopbackWorker.js'), [proto, variant], { execArgv: [...WORKER_EXEC_ARGV], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  type Reply = { type: 'ready' } | { type: 'result'; metrics: Record<string, number> } | { type: 'error'; message: string };
  let waiting: { resolve(m: Reply): void; reject(e: Error): void } | undefined;
  child.on('message', (m: Reply) => {
    const w = waiting;
    waiting = undefined;
    w?.resolve(m);
  });
  child.on('exit', (code) => {
    const w = waiting;
    waiting = undefined;
    w?.reject(new Error(`worker ${proto} ${variant} exited (${code})`));
  });
  const next = (): Promise<Reply> => new Promise<Reply>((resolve, reject) => (waiting = { resolve, reject }));
  return next().then((first) => {
    if (first.type !== 'ready') {
      child.kill();
      throw new Error(first.type === 'error' ? first.message : 'unexpected first message');
    }
    return {
      name: variant,
      async round() {
        const reply = next();
        child.send({ type: 'round', count, capMs });
        const r = await reply;
        if (r.type !== 'result') throw new Error(r.type === 'error' ? r.message : 'unexpected reply');
        return r.metrics;
      },
      async close() {
        if (child.exitCode !== null) return;
        const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.send({ type: 'close' });
        const t = setTimeout(() => child.kill(), 5000);
        await gone;
        clearTimeout(t);
      },
    };
  });
}

/**
 * One setup run by several worker processes (forks) that take its rounds in turn: round r goes
 * to fork r mod n, so with the harness's warm-up set to (warm-up rounds × n) every fork warms
 * up before any of its rounds is recorded.
 */
export function forkedCase(name: string, forks: readonly WorkerCase[]): WorkerCase {
  let next = 0;
  return {
    name,
    round() {
      const w = forks[next % forks.length]!;
      next++;
      return w.round();
    },
    async close() {
      for (const w of forks) await w.close().catch(() => undefined);
    },
  };
}

/**
 * The target's second half ("within 5 points of the floor", both × untraced) as a bound on
 * ours ÷ floor: ours ≥ floor − 0.05 ⇔ ours ÷ floor ≥ 1 − 0.05 ÷ floor. NaN without a floor.
 *
 * @example
 * ```ts
 * floorBoundOverFloor(0.9); // → 0.944…
 * ```
 */
export function floorBoundOverFloor(floorRel: number): number {
  return Number.isFinite(floorRel) && floorRel > 0 ? 1 - 0.05 / floorRel : NaN;
}

/**
 * The verdict cell of a loopback row: `met` when the median ratio `rel` reaches the lower
 * bound `target`, else `MISSED`, with ` (target in CI)` added when `target` lies inside the
 * row's interval (another run could well decide otherwise); `n/a` without a figure.
 *
 * @example
 * ```ts
 * loopbackVerdict(0.80, 0.87, { lo: 0.77, hi: 0.83, confidence: 0.96 }); // → 'MISSED'
 * loopbackVerdict(0.90, 0.88, { lo: 0.53, hi: 1.26, confidence: 0.94 }); // → 'met (target in CI)'
 * ```
 */
export function loopbackVerdict(rel: number, target: number, ci: { lo: number; hi: number } | undefined): string {
  if (!Number.isFinite(rel)) return 'n/a';
  const verdict = rel >= target ? 'met' : 'MISSED';
  return ci !== undefined && ci.lo <= target && target <= ci.hi ? `${verdict} (target in CI)` : verdict;
}

/**
 * Run section 4 and add its table. Every setup runs in child processes of its own (so the
 * untraced baseline has no async hooks enabled by the other variants) — three per setup in a
 * full run, taking its rounds in turn (see {@link LOOPBACK_FORKS_FULL}) — one process at a
 * time, rounds interleaved across the setups.
 *
 * @example
 * ```ts
 * await benchLoopback(ctx);
 * ```
 */
export async function benchLoopback(ctx: BenchContext): Promise<void> {
  const forks = ctx.forks ?? (ctx.quick ? 1 : LOOPBACK_FORKS_FULL);
  ctx.progress(`\n[4/5] loopback HTTP and gRPC at concurrency 16 (${forks === 1 ? 'one child process' : `${forks} child processes`} per setup)\n`);
  const variants: Variant[] = ctx.quick ? ['untraced', 'als', 'ours', 'otel'] : ['untraced', 'als', 'als-header', 'minimal', 'ours', 'ours-server', 'ours-client', 'otel'];
  // More rounds than the other sections in a full run: a burst of host load over a few
  // consecutive 1-second rounds must not move the medians (the ratios are what count).
  // Every fork records as many rounds as the others.
  const rounds = Math.ceil((ctx.quick ? ROUNDS.quick : LOOPBACK_ROUNDS_FULL) / forks) * forks;
  const capMs = ctx.quick ? 300 : 1200;
  const rows: string[][] = [];
  const data: Record<string, unknown> = {};
  /** The confidence of each printed interval (one figure for the note when all rows had as many rounds). */
  const confidences: number[] = [];
  for (const [proto, count] of [
    ['HTTP', ctx.quick ? 2000 : 8000],
    ['gRPC', ctx.quick ? 2000 : 8000],
  ] as const) {
    const workers: WorkerCase[] = [];
    // gRPC (full run): empty interceptors right before ours.
    const protoVariants: Variant[] = proto === 'gRPC' && !ctx.quick ? variants.flatMap((v): Variant[] => (v === 'ours' ? ['interceptors', v] : [v])) : variants;
    for (const v of protoVariants) {
      const started: WorkerCase[] = [];
      try {
        for (let f = 0; f < forks; f++) started.push(await startWorker(proto === 'HTTP' ? 'http' : 'grpc', v, count, capMs));
        workers.push(forkedCase(v, started));
      } catch (err) {
        for (const w of started) await w.close().catch(() => undefined);
        ctx.progress(`  - ${proto} ${v}: setup failed: ${err instanceof Error ? err.message : String(err)} (n/a)\n`);
      }
    }
    // gRPC warms up slower: its second 1.2 s round still ran at 80–90 % of the later ones
    // (4 interleaved runs of 1–6 gRPC processes, 2026-12-02). Per fork.
    const res = await interleave(workers, { rounds, warmup: (proto === 'gRPC' ? 2 : 1) * forks, progress: ctx.progress });
    for (const w of workers) await w.close().catch(() => undefined);
    const base = res.get('untraced')?.rps;
    const floor = res.get('als')?.rps;
    const floorRel = ratio(floor, base);
    /** Per setup: the throughput ratio × untraced and its interval (see {@link pairedRatioInterval}). */
    const intervals: Record<string, { median: number; lo: number; hi: number; confidence: number }> = {};
    for (const v of protoVariants) {
      const r = res.get(v);
      const rel = ratio(r?.rps, base);
      const ci = v === 'untraced' ? undefined : pairedRatioInterval(r?.rps, base);
      if (ci !== undefined) {
        confidences.push(ci.confidence);
        intervals[v] = { median: rel, ...ci };
      }
      const isOurs = v === 'ours';
      const target = isOurs ? Math.max(0.85, Number.isFinite(floorRel) ? floorRel - 0.05 : 0.85) : undefined;
      rows.push([
        `${proto} ${LABEL[v]}`,
        fmtSummary(r?.rps),
        fmtWithInterval(rel, ci),
        fmtSummary(r?.p50),
        fmtSummary(r?.p99),
        fmt(r?.cpuUs?.median ?? NaN),
        fmt(ratio(res.get('untraced')?.cpuUs, r?.cpuUs)),
        isOurs ? `≥ 0.85 & ≥ floor−0.05` : '',
        isOurs ? loopbackVerdict(rel, target ?? 0.85, ci) : '',
      ]);
    }
    rows.push([`${proto} ours / OpenTelemetry`, '', fmtRatioWithInterval(res.get('ours')?.rps, res.get('otel')?.rps, confidences), '', '', '', fmt(ratio(res.get('otel')?.cpuUs, res.get('ours')?.cpuUs)), '', '']);
    // The target's second half, paired against the floor's own rounds (the untraced rounds'
    // noise then cancels): see floorBoundOverFloor.
    const oursRps = res.get('ours')?.rps;
    const oursFloorRel = ratio(oursRps, floor);
    const oursOverFloor = pairedRatioInterval(oursRps, floor);
    if (oursOverFloor !== undefined) confidences.push(oursOverFloor.confidence);
    const floorBound = floorBoundOverFloor(floorRel);
    rows.push([
      `${proto} ours ÷ floor`,
      '',
      fmtWithInterval(oursFloorRel, oursOverFloor),
      '',
      '',
      '',
      fmt(ratio(res.get('als')?.cpuUs, res.get('ours')?.cpuUs)),
      Number.isFinite(floorBound) ? `≥ ${fmt(floorBound)} (floor−0.05)` : '',
      Number.isFinite(floorBound) ? loopbackVerdict(oursFloorRel, floorBound, oursOverFloor) : '',
    ]);
    data[proto] = { requestsPerRound: count, processesPerSetup: forks, results: Object.fromEntries(res), throughputRatioIntervals: intervals };
  }
  ctx.results.addTable({
    id: 'loopback',
    title: `4. Traced request overhead, loopback, concurrency ${CONCURRENCY} (median (min–max) of ${rounds} rounds, each ≤ ${capMs} ms, ${forks === 1 ? 'one process' : `${forks} processes`} per setup)`,
    headers: ['setup', 'req/s', '× untraced', 'p50 µs', 'p99 µs', 'CPU µs/req', 'CPU ×', 'target', ''],
    rows,
    notes: [
      `each setup in ${forks === 1 ? 'its own process' : `${forks} processes of its own, taking its rounds in turn`} (client and server in each); ours = server span from extracted headers + client span injected (core integrations,`,
      'spans queued and batch-exported to a discarding exporter); OpenTelemetry = the same by hand with W3C propagation.extract/inject,',
      'BatchSpanProcessor + discarding exporter. CPU µs/req: the setup process\'s CPU time (client + server) per request; CPU × = untraced CPU/req ÷ this CPU/req, the',
      'throughput ratio a CPU-bound service would see, robust to other load on the machine. Target judged on × untraced.',
      `× untraced [lo–hi]: a distribution-free ${confidenceLabel(confidences)} confidence interval for the true median of the per-round ratios (order`,
      'statistics of this run\'s ratios, rounds taken as independent). A target inside the interval is neither clearly met nor clearly missed by this run.',
      '"ours ÷ floor": ours paired with the floor\'s own rounds, against the target\'s second half (within 5 points of the floor × untraced), so that',
      'the untraced rounds\' noise, which both × untraced figures carry, cancels.',
      '"ours on the server/client only": our integration on that side, bare AsyncLocalStorage on the other (full run only).',
      '"floor + traceparent by hand": the floor, the client setting a fresh W3C traceparent per request, the server reading it into its store, no',
      'spans (full run only): what propagating a context alone costs. "minimal tracer by hand": that plus one plain span record per side',
      '(ids from a counter, start/end, status, two tags; no sampling, validation, limits or export; full run only): the least section 4\'s job costs.',
    ],
  });
  ctx.results.addData('loopback', data);
}
