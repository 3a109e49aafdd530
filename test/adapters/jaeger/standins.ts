/**
 * Local stand-ins for a Jaeger collector (HTTP, Thrift binary `Batch` on `/api/traces`) and a
 * Jaeger agent (UDP, Thrift binary `Agent::emitBatch`, the agent's 6832 port), both on
 * 127.0.0.1 ephemeral ports. They decode the real wire bytes with `thriftrw` and the IDL files
 * the `jaeger-client` package ships (`jaeger-idl/thrift/jaeger.thrift`,
 * `thriftrw-idl/agent.thrift`) — the same files a Jaeger agent/collector is generated from.
 *
 * @packageDocumentation
 */
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import type { BackendHarness, ReceivedSpan, RunningStandIn } from '../../conformance/harness';
import { listen } from '../../support/http';

interface ThriftRW<T> {
  fromBuffer(buffer: Buffer): { err: Error | null; value: T };
  readFrom(buffer: Buffer, offset: number): { err: Error | null; value: T; offset: number };
}
interface WireTag {
  key: string;
  vType: 'STRING' | 'DOUBLE' | 'BOOL' | 'LONG' | 'BINARY';
  vStr: string | null;
  vDouble: number | null;
  vBool: boolean | null;
  vLong: Buffer | null;
  vBinary: Buffer | null;
}
interface WireSpan {
  traceIdLow: Buffer;
  traceIdHigh: Buffer;
  spanId: Buffer;
  parentSpanId: Buffer;
  operationName: string;
  references: Array<{ refType: string; traceIdLow: Buffer; traceIdHigh: Buffer; spanId: Buffer }> | null;
  flags: number;
  startTime: Buffer;
  duration: Buffer;
  tags: WireTag[] | null;
  logs: Array<{ timestamp: Buffer; fields: WireTag[] }> | null;
}
interface WireBatch {
  process: { serviceName: string; tags: WireTag[] | null };
  spans: WireSpan[];
}

interface ThriftIdl {
  Batch: { rw: unknown };
  Agent: { emitBatch: { argumentsMessageRW: unknown } };
}
// thriftrw ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Thrift } = require('thriftrw') as { Thrift: new (o: Record<string, unknown>) => ThriftIdl };
const CLIENT_SRC = path.join(path.dirname(require.resolve('jaeger-client/package.json')), 'dist', 'src');
/** The IDL files used for decoding (shipped by jaeger-client). */
export const JAEGER_THRIFT = path.join(CLIENT_SRC, 'jaeger-idl', 'thrift', 'jaeger.thrift');
export const AGENT_THRIFT = path.join(CLIENT_SRC, 'thriftrw-idl', 'agent.thrift');

const jaegerIdl = new Thrift({ source: fs.readFileSync(JAEGER_THRIFT, 'ascii'), allowOptionalArguments: true });
const agentIdl = new Thrift({ entryPoint: AGENT_THRIFT, allowOptionalArguments: true, allowFilesystemAccess: true });
const batchRW = jaegerIdl.Batch.rw as ThriftRW<WireBatch>;
const emitBatchRW = agentIdl.Agent.emitBatch.argumentsMessageRW as ThriftRW<{ name: string; type: string; body: { batch: WireBatch } }>;

/** A typed tag value as decoded. */
export type TagValue = string | number | boolean | Buffer;

/** A decoded Jaeger span, ids as lower-case hex and i64 times as numbers (µs). */
export interface DecodedSpan {
  /** 32 hex: traceIdHigh + traceIdLow. */
  traceId: string;
  traceIdHigh: string;
  traceIdLow: string;
  spanId: string;
  /** 16 hex; `0000000000000000` for a root. */
  parentSpanId: string;
  operationName: string;
  references: Array<{ refType: string; traceId: string; spanId: string }>;
  flags: number;
  startTime: number;
  duration: number;
  tags: Record<string, TagValue>;
  tagTypes: Record<string, WireTag['vType']>;
  logs: Array<{ timestamp: number; fields: Record<string, TagValue> }>;
  process: DecodedProcess;
}

/** A decoded Jaeger process. */
export interface DecodedProcess {
  serviceName: string;
  tags: Record<string, TagValue>;
}

const hex = (b: Buffer): string => b.toString('hex').padStart(16, '0');
const i64 = (b: Buffer): number => Number(b.readBigInt64BE(0));

function tagValue(t: WireTag): TagValue {
  switch (t.vType) {
    case 'STRING':
      return t.vStr ?? '';
    case 'DOUBLE':
      return t.vDouble ?? 0;
    case 'BOOL':
      return t.vBool ?? false;
    case 'LONG':
      return t.vLong ? i64(t.vLong) : 0;
    default:
      return t.vBinary ?? Buffer.alloc(0);
  }
}

function tagMap(tags: WireTag[] | null): Record<string, TagValue> {
  const out: Record<string, TagValue> = {};
  for (const t of tags ?? []) out[t.key] = tagValue(t);
  return out;
}

/**
 * Turn a decoded Thrift `Batch` into {@link DecodedSpan}s.
 *
 * @example
 * ```ts
 * decodeBatch(batchRW.fromBuffer(body).value);
 * ```
 */
export function decodeBatch(batch: WireBatch): DecodedSpan[] {
  const process: DecodedProcess = { serviceName: batch.process.serviceName, tags: tagMap(batch.process.tags) };
  return batch.spans.map((s) => {
    const tagTypes: Record<string, WireTag['vType']> = {};
    for (const t of s.tags ?? []) tagTypes[t.key] = t.vType;
    return {
      traceId: hex(s.traceIdHigh) + hex(s.traceIdLow),
      traceIdHigh: hex(s.traceIdHigh),
      traceIdLow: hex(s.traceIdLow),
      spanId: hex(s.spanId),
      parentSpanId: hex(s.parentSpanId),
      operationName: s.operationName,
      references: (s.references ?? []).map((r) => ({ refType: r.refType, traceId: hex(r.traceIdHigh) + hex(r.traceIdLow), spanId: hex(r.spanId) })),
      flags: s.flags,
      startTime: i64(s.startTime),
      duration: i64(s.duration),
      tags: tagMap(s.tags),
      tagTypes,
      logs: (s.logs ?? []).map((l) => ({ timestamp: i64(l.timestamp), fields: tagMap(l.fields) })),
      process,
    };
  });
}

const ZERO = '0000000000000000';
const KINDS: Record<string, ReceivedSpan['kind']> = { server: 'server', client: 'client', producer: 'producer', consumer: 'consumer' };

/**
 * Normalise a decoded Jaeger span for the conformance suite.
 *
 * @example
 * ```ts
 * collector.spans.map(toReceivedSpan);
 * ```
 */
export function toReceivedSpan(d: DecodedSpan): ReceivedSpan {
  const tags: Record<string, string> = {};
  for (const k of Object.keys(d.tags)) {
    const v = d.tags[k];
    tags[k] = Buffer.isBuffer(v) ? v.toString('hex') : String(v);
  }
  const childOf = d.references.find((r) => r.refType === 'CHILD_OF');
  const parent = d.parentSpanId !== ZERO ? d.parentSpanId : childOf?.spanId;
  return {
    traceId: d.traceId,
    spanId: d.spanId,
    parentSpanId: parent,
    service: d.process.serviceName,
    name: d.operationName,
    kind: KINDS[String(d.tags['span.kind'])] ?? 'internal',
    error: d.tags.error === true || d.tags.error === 'true',
    tags,
    startUs: d.startTime,
    durationUs: d.duration,
    events: d.logs.map((l) => {
      const ev = l.fields.event;
      if (ev !== undefined) return String(ev);
      const first = Object.values(l.fields)[0];
      return first === undefined ? '' : String(first);
    }),
  };
}

/** A running collector stand-in. */
export interface CollectorStandIn {
  /** `http://127.0.0.1:<port>/api/traces`. */
  url: string;
  /** Every decoded span, in arrival order. */
  spans: DecodedSpan[];
  /** One entry per request (accepted or not). */
  requests: Array<{ path: string; contentType: string | undefined; authorization: string | undefined; headers: http.IncomingHttpHeaders; bytes: number; status: number }>;
  /** Force the status of later answers (e.g. 503); `undefined` restores normal behaviour. */
  setStatus(status: number | undefined): void;
  /** Normalised spans. */
  received(): ReceivedSpan[];
  /** Wait until at least `n` spans arrived (rejects after `timeoutMs`). */
  waitForSpans(n: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

function waiter(count: () => number): (n: number, timeoutMs?: number) => Promise<void> {
  return (n, timeoutMs = 5000) =>
    new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      const tick = (): void => {
        if (count() >= n) resolve();
        else if (Date.now() > deadline) reject(new Error(`expected ${n} spans, got ${count()}`));
        else setTimeout(tick, 10);
      };
      tick();
    });
}

/**
 * Start a Jaeger collector stand-in: `POST /api/traces` with `Content-Type: application/x-thrift`
 * and a Thrift binary `Batch` body → 202; optional basic auth (401 without the right
 * credentials); a body that does not decode → 400. With `tls`, it serves HTTPS.
 *
 * @example
 * ```ts
 * const collector = await startJaegerCollector({ user: 'u', password: 'p' });
 * ```
 */
export async function startJaegerCollector(
  opts: { user?: string; password?: string; tls?: { key: string | Buffer; cert: string | Buffer } } = {},
): Promise<CollectorStandIn> {
  const spans: DecodedSpan[] = [];
  const requests: CollectorStandIn['requests'] = [];
  let forced: number | undefined;
  const expectedAuth = opts.user !== undefined ? 'Basic ' + Buffer.from(`${opts.user}:${opts.password ?? ''}`).toString('base64') : undefined;
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let status = 202;
      if (forced !== undefined) status = forced;
      else if (req.method !== 'POST' || req.url?.split('?')[0] !== '/api/traces') status = 404;
      else if (expectedAuth !== undefined && req.headers.authorization !== expectedAuth) status = 401;
      else if (req.headers['content-type'] !== 'application/x-thrift') status = 400;
      else {
        const { err, value } = batchRW.fromBuffer(body);
        if (err) status = 400;
        else spans.push(...decodeBatch(value));
      }
      requests.push({
        path: req.url ?? '',
        contentType: req.headers['content-type'],
        authorization: req.headers.authorization,
        headers: req.headers,
        bytes: body.length,
        status,
      });
      res.writeHead(status).end();
    });
  };
  const server = opts.tls ? https.createServer({ key: opts.tls.key, cert: opts.tls.cert }, handler) : http.createServer(handler);
  const port = await listen(server);
  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}/api/traces`,
    spans,
    requests,
    setStatus: (s) => {
      forced = s;
    },
    received: () => spans.map(toReceivedSpan),
    waitForSpans: waiter(() => spans.length),
    stop: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A running agent stand-in. */
export interface AgentStandIn {
  /** `udp://127.0.0.1:<port>`. */
  endpoint: string;
  port: number;
  /** Every decoded span, in arrival order. */
  spans: DecodedSpan[];
  /** Size in bytes of every datagram received. */
  datagramSizes: number[];
  /** Datagrams that did not decode as `Agent::emitBatch`. */
  decodeErrors: Error[];
  received(): ReceivedSpan[];
  waitForSpans(n: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Start a Jaeger agent stand-in on UDP 127.0.0.1:0 decoding Thrift binary `Agent::emitBatch`
 * oneway messages (what jaeger-client's UDPSender sends to the agent's port 6832).
 *
 * @example
 * ```ts
 * const agent = await startJaegerAgent();
 * createTracer({ serviceName: 'a', backend: 'jaeger', endpoint: agent.endpoint });
 * ```
 */
export async function startJaegerAgent(): Promise<AgentStandIn> {
  const spans: DecodedSpan[] = [];
  const datagramSizes: number[] = [];
  const decodeErrors: Error[] = [];
  const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 8 * 1024 * 1024 });
  socket.on('message', (msg) => {
    datagramSizes.push(msg.length);
    const { err, value } = emitBatchRW.readFrom(msg, 0);
    if (err) decodeErrors.push(err);
    else if (value.name !== 'emitBatch' || value.type !== 'ONEWAY') decodeErrors.push(new Error(`unexpected message ${value.name}/${value.type}`));
    else spans.push(...decodeBatch(value.body.batch));
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const port = socket.address().port;
  return {
    endpoint: `udp://127.0.0.1:${port}`,
    port,
    spans,
    datagramSizes,
    decodeErrors,
    received: () => spans.map(toReceivedSpan),
    waitForSpans: waiter(() => spans.length),
    stop: () =>
      new Promise<void>((resolve) => {
        try {
          socket.close(() => resolve());
        } catch {
          resolve(); // already closed
        }
      }),
  };
}

/** Conformance harness: Jaeger backend over HTTP to the collector stand-in. */
export const jaegerHttpHarness: BackendHarness = {
  name: 'jaeger (HTTP collector)',
  async start(): Promise<RunningStandIn> {
    const c = await startJaegerCollector();
    return { config: { backend: 'jaeger', endpoint: c.url }, received: c.received, stop: c.stop };
  },
};

/** Conformance harness: Jaeger backend over UDP to the agent stand-in. */
export const jaegerUdpHarness: BackendHarness = {
  name: 'jaeger (UDP agent)',
  async start(): Promise<RunningStandIn> {
    const a = await startJaegerAgent();
    return { config: { backend: 'jaeger', endpoint: a.endpoint }, received: a.received, stop: a.stop };
  },
};

/** Conformance harness: Jaeger backend over HTTP with basic auth (the stand-in answers 401 without it). */
export const jaegerHttpAuthHarness: BackendHarness = {
  name: 'jaeger (HTTP collector, basic auth)',
  async start(): Promise<RunningStandIn> {
    const c = await startJaegerCollector({ user: 'demo', password: 'demo-pw' });
    return {
      config: { backend: 'jaeger', endpoint: c.url, reporter: { user: 'demo', password: 'demo-pw' } },
      received: c.received,
      stop: c.stop,
    };
  },
};

/** Alias: the HTTP harness is the default Jaeger harness. */
export const jaegerHarness: BackendHarness = jaegerHttpHarness;
