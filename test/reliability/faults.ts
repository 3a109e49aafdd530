/**
 * Fault stand-ins for the reliability suite: every way a collector can misbehave, on
 * 127.0.0.1 ephemeral ports, so a tracer can be pointed at it and the app observed.
 *
 * | fault                      | built with                                                        |
 * |----------------------------|-------------------------------------------------------------------|
 * | collector absent           | {@link closedPort}: a free port below the ephemeral range         |
 * | HTTP 500 / 503 / 429       | {@link startHttpStatusServer} (429 and 503 carry `Retry-After`)   |
 * | gRPC UNAVAILABLE / RESOURCE_EXHAUSTED | {@link startGrpcStatusServer}: a `@grpc/grpc-js` server failing every method of the SkyWalking and OTLP services |
 * | accepts, never answers     | {@link startFaultProxy} in mode `hang`                            |
 * | resets every connection    | {@link startFaultProxy} in mode `reset` (TCP RST)                 |
 * | answers after N s          | {@link startFaultProxy} forwarding to the real stand-in with `responseDelayMs` |
 * | killed mid-run / back after an outage | {@link startFaultProxy} `down()` / `up()` on the same port (TCP), {@link startUdpRelay} (UDP) |
 * | TLS                        | {@link generateSelfSignedCert} (`openssl`, into `os.tmpdir()`), {@link startTlsTerminator} in front of a plain stand-in |
 *
 * Every server here closes every socket on `stop()` so jest exits cleanly.
 *
 * @packageDocumentation
 */
import { execFileSync } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { TraceSegmentReportServiceService } from 'skywalking-backend-js/lib/proto/language-agent/Tracing_grpc_pb';
import { ManagementServiceService } from 'skywalking-backend-js/lib/proto/management/Management_grpc_pb';
import { deadPort } from '../support/http';

/**
 * A TCP port on 127.0.0.1 that nothing listens on, outside the ephemeral range so that no
 * server started later takes it (see `deadPort` in test/support/http.ts). Connecting to it is
 * refused (ECONNREFUSED), as with a collector that is not running.
 *
 * @returns the port number
 * @example
 * ```ts
 * const port = await closedPort(); // `http://127.0.0.1:${port}/api/traces` refuses connections
 * ```
 */
export function closedPort(): Promise<number> {
  return deadPort();
}

/** A running HTTP server that answers every request with one status. */
export interface HttpStatusServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  /** Arrival time (ms since epoch, `Date.now()`) of every request, in order. */
  readonly requestTimes: number[];
  /** Every request's headers and path (to check what a client sent). */
  readonly requests: Array<{ path: string; headers: http.IncomingHttpHeaders; bytes: number }>;
  stop(): Promise<void>;
}

/**
 * Start an HTTP server answering every request (any method, any path) with `status` after
 * reading the body. 429 and 503 answers carry `Retry-After: <retryAfterSeconds>` (default 1).
 *
 * @param status - HTTP status to answer, e.g. 500, 503, 429
 * @param options - `retryAfterSeconds` for the `Retry-After` header of 429/503; `echoHeaders`:
 *   quote every request header in the answer body (as some proxies do in their error pages)
 * @example
 * ```ts
 * const s = await startHttpStatusServer(503);
 * createTracer({ serviceName: 'a', backend: 'zipkin', endpoint: `${s.url}/api/v2/spans` });
 * ```
 */
export async function startHttpStatusServer(status: number, options: { retryAfterSeconds?: number; echoHeaders?: boolean } = {}): Promise<HttpStatusServer> {
  const requestTimes: number[] = [];
  const requests: HttpStatusServer['requests'] = [];
  const server = http.createServer((req, res) => {
    let bytes = 0;
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => {
      requestTimes.push(Date.now());
      requests.push({ path: req.url ?? '', headers: req.headers, bytes });
      const headers: http.OutgoingHttpHeaders = { 'content-type': 'text/plain' };
      if (status === 429 || status === 503) headers['retry-after'] = String(options.retryAfterSeconds ?? 1);
      // `echoHeaders`: a misconfigured proxy or collector that quotes the request in its error.
      const body = options.echoHeaders ? `denied: ${JSON.stringify(req.headers)} url=${req.url}` : `fault stand-in answers ${status}`;
      res.writeHead(status, headers).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requestTimes,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A running gRPC server failing every call. */
export interface GrpcStatusServer {
  /** `127.0.0.1:PORT`. */
  readonly address: string;
  readonly port: number;
  /** Calls received, by method path. */
  readonly calls: Map<string, number>;
  /** Metadata of every call, flattened to strings (to check what a client sent). */
  readonly metadata: Array<Record<string, string>>;
  stop(): Promise<void>;
}

/** The OTLP trace service, described with pass-through (de)serialisers: the payload is never decoded. */
const OTLP_TRACE_SERVICE: grpc.ServiceDefinition = {
  Export: {
    path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
    requestStream: false,
    responseStream: false,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (b: Buffer) => b,
    responseDeserialize: (b: Buffer) => b,
  },
};

/**
 * Start a `@grpc/grpc-js` server on 127.0.0.1:0 that answers **every method** of the services
 * the gRPC backends call — SkyWalking's `TraceSegmentReportService` and `ManagementService`
 * (from the definitions `skywalking-backend-js` ships) and OTLP's `TraceService` — with status
 * `code`. Methods are registered one by one with `server.register()` (the public API
 * `addService` uses), each with the streaming type its definition declares; payloads pass
 * through undecoded. Any other path gets grpc-js's own UNIMPLEMENTED.
 *
 * @param code - e.g. `grpc.status.UNAVAILABLE`, `grpc.status.RESOURCE_EXHAUSTED`
 * @param options - `tls`: serve TLS with this key/cert (PEM); `echoMetadata`: quote the call's
 *   metadata in the status details (as a misconfigured gateway might)
 * @example
 * ```ts
 * const s = await startGrpcStatusServer(grpc.status.UNAVAILABLE);
 * createTracer({ serviceName: 'a', backend: 'skywalking', endpoint: s.address });
 * ```
 */
export async function startGrpcStatusServer(code: grpc.status, options: { tls?: { key: Buffer; cert: Buffer }; echoMetadata?: boolean } = {}): Promise<GrpcStatusServer> {
  const server = new grpc.Server();
  const calls = new Map<string, number>();
  const metadata: Array<Record<string, string>> = [];
  let lastMetadata = '';
  const fail = (): grpc.ServerErrorResponse =>
    Object.assign(new Error('fault stand-in'), {
      code,
      details: options.echoMetadata ? `denied: ${lastMetadata}` : `fault stand-in answers ${grpc.status[code]}`,
      metadata: new grpc.Metadata(),
    });
  const note = (path: string, md: grpc.Metadata): void => {
    calls.set(path, (calls.get(path) ?? 0) + 1);
    const flat: Record<string, string> = {};
    for (const [k, v] of Object.entries(md.getMap())) flat[k] = String(v);
    metadata.push(flat);
    lastMetadata = JSON.stringify(flat);
  };
  const identity = (b: Buffer): Buffer => b;
  for (const def of [TraceSegmentReportServiceService as unknown as grpc.ServiceDefinition, ManagementServiceService as unknown as grpc.ServiceDefinition, OTLP_TRACE_SERVICE]) {
    for (const method of Object.values(def)) {
      const p = method.path;
      if (!method.requestStream && !method.responseStream) {
        server.register(p, (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
          note(p, call.metadata);
          cb(fail());
        }, identity, identity, 'unary');
      } else if (method.requestStream && !method.responseStream) {
        server.register(p, (call: grpc.ServerReadableStream<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
          note(p, call.metadata);
          call.on('data', () => undefined);
          call.on('error', () => undefined);
          call.on('end', () => cb(fail()));
        }, identity, identity, 'clientStream');
      } else if (!method.requestStream) {
        server.register(p, (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
          note(p, call.metadata);
          call.emit('error', fail());
        }, identity, identity, 'serverStream');
      } else {
        server.register(p, (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
          note(p, call.metadata);
          call.emit('error', fail());
        }, identity, identity, 'bidi');
      }
    }
  }
  const creds = options.tls
    ? grpc.ServerCredentials.createSsl(null, [{ private_key: options.tls.key, cert_chain: options.tls.cert }], false)
    : grpc.ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', creds, (err, p) => (err ? reject(err) : resolve(p))));
  return {
    address: `127.0.0.1:${port}`,
    port,
    calls,
    metadata,
    stop: async () => {
      server.forceShutdown();
    },
  };
}

/** How a {@link FaultProxy} treats a new connection. */
export type ProxyMode = 'forward' | 'hang' | 'reset';

/** A TCP fault proxy listening on one fixed port. */
export interface FaultProxy {
  /** The port the tracer is pointed at; it stays the same across `down()`/`up()`. */
  readonly port: number;
  /** Connections accepted so far. */
  readonly connections: () => number;
  /** `forward`: relay to the target; `hang`: accept and read, never answer; `reset`: answer with a TCP RST. */
  setMode(mode: ProxyMode): void;
  /** Delay (ms) added to every chunk the target sends back (the request reaches the target at once). */
  setResponseDelay(ms: number): void;
  /** Stop listening and cut every open connection: the collector is gone (connections are refused). */
  down(): Promise<void>;
  /** Listen again on the same port. */
  up(): Promise<void>;
  /** Close everything. */
  stop(): Promise<void>;
}

/**
 * Start a TCP proxy on 127.0.0.1:0 in front of `targetPort` (or in front of nothing, for
 * `hang`/`reset`). It carries any TCP protocol (HTTP/1.1, HTTP/2 gRPC, TLS) byte for byte, so
 * one tool gives every TCP backend the same faults:
 * - `hang`: the connection is accepted and the request read, but nothing ever comes back;
 * - `reset`: each connection is accepted and reset (`socket.resetAndDestroy()`, a TCP RST);
 * - `forward` + `setResponseDelay(ms)`: the request reaches the real stand-in at once, its answer
 *   comes back `ms` later (a collector that processes the batch but answers late);
 * - `down()`/`up()`: the collector is killed (open connections cut, new ones refused) and comes
 *   back on the same port.
 *
 * @param options - `targetPort` to forward to; `mode` (default `forward`, or `hang` without a target)
 * @example
 * ```ts
 * const proxy = await startFaultProxy({ targetPort: standIn.port });
 * await proxy.down(); // … the app keeps running …
 * await proxy.up();   // queued spans arrive
 * ```
 */
export async function startFaultProxy(options: { targetPort?: number; mode?: ProxyMode } = {}): Promise<FaultProxy> {
  let mode: ProxyMode = options.mode ?? (options.targetPort === undefined ? 'hang' : 'forward');
  let delay = 0;
  let accepted = 0;
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const track = (s: net.Socket): void => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  };
  const later = (fn: () => void): void => {
    if (delay <= 0) return fn();
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, delay);
    timers.add(t);
  };
  const onConnection = (client: net.Socket): void => {
    accepted++;
    track(client);
    if (mode === 'reset') {
      client.resetAndDestroy();
      return;
    }
    if (mode === 'hang' || options.targetPort === undefined) {
      client.resume(); // read and discard; never answer
      return;
    }
    const upstream = net.connect(options.targetPort, '127.0.0.1');
    track(upstream);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => later(() => {
      if (!client.destroyed) client.write(chunk);
    }));
    upstream.on('end', () => later(() => client.end()));
    upstream.on('close', () => later(() => client.destroy()));
    client.on('close', () => upstream.destroy());
  };
  let server = net.createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  let listening = true;
  const down = async (): Promise<void> => {
    if (!listening) return;
    listening = false;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    for (const t of timers) clearTimeout(t);
    timers.clear();
    await closed;
  };
  return {
    port,
    connections: () => accepted,
    setMode: (m) => {
      mode = m;
    },
    setResponseDelay: (ms) => {
      delay = ms;
    },
    down,
    up: async () => {
      if (listening) return;
      server = net.createServer(onConnection);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve());
      });
      listening = true;
    },
    stop: down,
  };
}

/** A UDP relay on one fixed port. */
export interface UdpRelay {
  /** The port the tracer sends to. */
  readonly port: number;
  /** Datagrams relayed so far. */
  readonly relayed: () => number;
  /** Close the port (the agent is gone). */
  down(): Promise<void>;
  /** Bind the same port again and relay. */
  up(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Start a UDP relay on 127.0.0.1:0 forwarding every datagram to `targetPort` (a Jaeger agent
 * stand-in); `down()` closes the port (an agent that died), `up()` binds it again.
 *
 * @example
 * ```ts
 * const relay = await startUdpRelay(agent.port);
 * ```
 */
export async function startUdpRelay(targetPort: number): Promise<UdpRelay> {
  let relayed = 0;
  const out = dgram.createSocket('udp4');
  out.on('error', () => undefined);
  const bind = async (port: number): Promise<dgram.Socket> => {
    const s = dgram.createSocket('udp4');
    s.on('error', () => undefined);
    s.on('message', (msg) => {
      relayed++;
      out.send(msg, targetPort, '127.0.0.1');
    });
    await new Promise<void>((resolve) => s.bind(port, '127.0.0.1', resolve));
    return s;
  };
  let socket: dgram.Socket | undefined = await bind(0);
  const port = socket.address().port;
  const down = async (): Promise<void> => {
    const s = socket;
    socket = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  return {
    port,
    relayed: () => relayed,
    down,
    up: async () => {
      if (!socket) socket = await bind(port);
    },
    stop: async () => {
      await down();
      await new Promise<void>((resolve) => out.close(() => resolve()));
    },
  };
}

/** PEM material of a self-signed certificate. */
export interface SelfSignedCert {
  /** Private key (PEM). */
  key: Buffer;
  /** Certificate (PEM); being self-signed, it is also the CA to trust. */
  cert: Buffer;
  /** Path of the certificate file. */
  certPath: string;
}

/**
 * Generate a self-signed certificate for `localhost` / `127.0.0.1` (P-256, valid 1 day) with
 * `openssl` into a fresh directory under `os.tmpdir()`.
 *
 * @throws when `openssl` is missing or fails
 * @example
 * ```ts
 * const { key, cert } = generateSelfSignedCert();
 * https.createServer({ key, cert }, handler);
 * ```
 */
export function generateSelfSignedCert(): SelfSignedCert {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'traceandtrace-tls-'));
  const keyPath = path.join(dir, 'key.pem');
  const certPath = path.join(dir, 'cert.pem');
  const openssl = fs.existsSync('/usr/bin/openssl') ? '/usr/bin/openssl' : 'openssl';
  execFileSync(openssl, [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ], { stdio: 'pipe' });
  return { key: fs.readFileSync(keyPath), cert: fs.readFileSync(certPath), certPath };
}

/** A TLS terminator in front of a plain-TCP stand-in. */
export interface TlsTerminator {
  /** The TLS port. */
  readonly port: number;
  /** TLS handshakes that completed. */
  readonly handshakes: () => number;
  /** TLS connections that failed (e.g. the client did not trust the certificate). */
  readonly failures: () => number;
  stop(): Promise<void>;
}

/**
 * Terminate TLS on 127.0.0.1:0 with `key`/`cert` and relay the clear bytes to `targetPort`, so
 * a stand-in that only speaks plain HTTP (the Zipkin and Jaeger collector stand-ins) can be
 * reached over HTTPS.
 *
 * @example
 * ```ts
 * const t = await startTlsTerminator(zipkin.port, generateSelfSignedCert());
 * createTracer({ ..., endpoint: `https://127.0.0.1:${t.port}/api/v2/spans`, reporter: { tls: { ca: cert } } });
 * ```
 */
export async function startTlsTerminator(targetPort: number, material: { key: Buffer; cert: Buffer }): Promise<TlsTerminator> {
  let handshakes = 0;
  let failures = 0;
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket): void => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  };
  const server = tls.createServer({ key: material.key, cert: material.cert }, (clear) => {
    handshakes++;
    track(clear);
    const upstream = net.connect(targetPort, '127.0.0.1');
    track(upstream);
    clear.pipe(upstream).pipe(clear);
    clear.on('close', () => upstream.destroy());
    upstream.on('close', () => clear.destroy());
  });
  server.on('tlsClientError', () => failures++);
  server.on('connection', (s: net.Socket) => track(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    handshakes: () => handshakes,
    failures: () => failures,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
