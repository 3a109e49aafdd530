/**
 * Stand-in OTLP receivers for tests: OTLP/HTTP (protobuf and JSON on `POST /v1/traces`) and
 * OTLP/gRPC (`opentelemetry.proto.collector.trace.v1.TraceService/Export`), on 127.0.0.1
 * ephemeral ports, decoding the true wire format with the OTLP protobuf definitions that
 * `@opentelemetry/otlp-proto-exporter-base` ships (protobufjs static code generated from
 * opentelemetry-proto; the 0.301 exporters no longer ship definitions of their own).
 *
 * Also the three {@link BackendHarness} objects the shared conformance suite runs:
 * {@link otlpHarness} (HTTP/protobuf), {@link otlpJsonHarness}, {@link otlpGrpcHarness}.
 */
import * as http from 'node:http';
import * as zlib from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import type { BackendHarness, ReceivedSpan, RunningStandIn } from '../../conformance/harness';
import '../../../adapters/otlp';
import { listen } from '../../support/http';

/** The subset of a protobufjs static message class the stand-ins use. */
interface MessageClass {
  decode(data: Uint8Array): object;
  encode(message: object): { finish(): Uint8Array };
  fromObject(object: object): object;
  toObject(message: object, options: object): Record<string, unknown>;
}

const root = require('@opentelemetry/otlp-proto-exporter-base/build/src/generated/root') as {
  opentelemetry: { proto: { collector: { trace: { v1: Record<string, MessageClass> } } } };
};
const collector = root.opentelemetry.proto.collector.trace.v1;
/** `ExportTraceServiceRequest` from the OTLP protobuf definitions. */
export const ExportTraceServiceRequest: MessageClass = collector.ExportTraceServiceRequest;
/** `ExportTraceServiceResponse` from the OTLP protobuf definitions. */
export const ExportTraceServiceResponse: MessageClass = collector.ExportTraceServiceResponse;

const TO_OBJECT = { longs: String, enums: Number, bytes: String, defaults: false, arrays: true, objects: true };

/** An OTLP `AnyValue` decoded to plain JS; ints stay exact as `bigint` only when unsafe. */
export type DecodedValue = string | number | boolean | DecodedValue[] | Record<string, unknown> | null;
/** Which `AnyValue` field carried a value. */
export type ValueType = 'string' | 'int' | 'double' | 'bool' | 'array' | 'kvlist' | 'bytes' | 'empty';

/** One span as the stand-in decoded it, with its resource and scope. */
export interface DecodedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  traceState: string | undefined;
  name: string;
  /** OTLP `Span.SpanKind` number: 1 INTERNAL, 2 SERVER, 3 CLIENT, 4 PRODUCER, 5 CONSUMER. */
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, DecodedValue>;
  attributeTypes: Record<string, ValueType>;
  events: Array<{ name: string; timeNs: bigint; attributes: Record<string, DecodedValue> }>;
  /** `code`: 0 UNSET, 1 OK, 2 ERROR. */
  status: { code: number; message: string | undefined };
  resource: Record<string, DecodedValue>;
  scope: { name: string; version: string | undefined };
}

/** One request the stand-in accepted (or refused). */
export interface ReceivedRequest {
  transport: 'http/protobuf' | 'http/json' | 'grpc';
  /** URL path (HTTP) or the gRPC method path. */
  path: string;
  /** HTTP headers or gRPC metadata, keys lower-case. */
  headers: Record<string, string>;
  spans: DecodedSpan[];
  /** HTTP: the body as it arrived (still compressed when gzipped). */
  wire?: Buffer;
}

/** A running OTLP stand-in. */
export interface OtlpStandIn {
  /** `http://127.0.0.1:PORT` (HTTP) or `grpc://127.0.0.1:PORT` (gRPC); `https`/`grpcs` with TLS. */
  readonly endpoint: string;
  readonly port: number;
  /** Every accepted request, in arrival order. */
  readonly requests: ReceivedRequest[];
  /** Every span of every accepted request. */
  spans(): DecodedSpan[];
  /** Answer later requests with this HTTP status / gRPC code instead of success (`undefined`: succeed). */
  failWith(code: number | undefined): void;
  /** Resolves when at least `n` spans arrived; rejects after `timeoutMs`. */
  waitForSpans(n: number, timeoutMs?: number): Promise<DecodedSpan[]>;
  stop(): Promise<void>;
}

function hex(b64: unknown): string | undefined {
  if (typeof b64 !== 'string' || b64 === '') return undefined;
  return Buffer.from(b64, 'base64').toString('hex');
}

function decodeValue(v: Record<string, unknown> | undefined): { value: DecodedValue; type: ValueType } {
  if (!v) return { value: null, type: 'empty' };
  if ('stringValue' in v) return { value: String(v.stringValue), type: 'string' };
  if ('boolValue' in v) return { value: Boolean(v.boolValue), type: 'bool' };
  if ('intValue' in v) return { value: Number(v.intValue), type: 'int' };
  if ('doubleValue' in v) return { value: Number(v.doubleValue), type: 'double' };
  if ('arrayValue' in v) {
    const values = ((v.arrayValue as { values?: Array<Record<string, unknown>> }).values ?? []).map((x) => decodeValue(x).value);
    return { value: values, type: 'array' };
  }
  if ('kvlistValue' in v) {
    return { value: decodeAttributes((v.kvlistValue as { values?: unknown[] }).values).values, type: 'kvlist' };
  }
  if ('bytesValue' in v) return { value: String(v.bytesValue), type: 'bytes' };
  return { value: null, type: 'empty' };
}

function decodeAttributes(list: unknown): { values: Record<string, DecodedValue>; types: Record<string, ValueType> } {
  const values: Record<string, DecodedValue> = {};
  const types: Record<string, ValueType> = {};
  for (const kv of (list as Array<{ key: string; value?: Record<string, unknown> }> | undefined) ?? []) {
    const d = decodeValue(kv.value);
    values[kv.key] = d.value;
    types[kv.key] = d.type;
  }
  return { values, types };
}

/**
 * Flatten a decoded `ExportTraceServiceRequest` (protobufjs `toObject` form: bytes base64,
 * 64-bit integers as strings) into {@link DecodedSpan}s.
 */
export function flattenRequest(obj: Record<string, unknown>): DecodedSpan[] {
  const out: DecodedSpan[] = [];
  for (const rs of (obj.resourceSpans as Array<Record<string, unknown>> | undefined) ?? []) {
    const resource = decodeAttributes((rs.resource as { attributes?: unknown } | undefined)?.attributes).values;
    for (const ss of (rs.scopeSpans as Array<Record<string, unknown>> | undefined) ?? []) {
      const scopeObj = (ss.scope as { name?: string; version?: string } | undefined) ?? {};
      const scope = { name: scopeObj.name ?? '', version: scopeObj.version };
      for (const s of (ss.spans as Array<Record<string, unknown>> | undefined) ?? []) {
        const attrs = decodeAttributes(s.attributes);
        const status = (s.status as { code?: number; message?: string } | undefined) ?? {};
        out.push({
          traceId: hex(s.traceId) ?? '',
          spanId: hex(s.spanId) ?? '',
          parentSpanId: hex(s.parentSpanId),
          traceState: (s.traceState as string | undefined) || undefined,
          name: String(s.name ?? ''),
          kind: Number(s.kind ?? 0),
          startNs: BigInt(String(s.startTimeUnixNano ?? '0')),
          endNs: BigInt(String(s.endTimeUnixNano ?? '0')),
          attributes: attrs.values,
          attributeTypes: attrs.types,
          events: ((s.events as Array<Record<string, unknown>> | undefined) ?? []).map((e) => ({
            name: String(e.name ?? ''),
            timeNs: BigInt(String(e.timeUnixNano ?? '0')),
            attributes: decodeAttributes(e.attributes).values,
          })),
          status: { code: Number(status.code ?? 0), message: status.message || undefined },
          resource,
          scope,
        });
      }
    }
  }
  return out;
}

/** Decode an OTLP/HTTP protobuf body with the OTLP definitions. */
export function decodeProtobuf(body: Uint8Array): DecodedSpan[] {
  const msg = ExportTraceServiceRequest.decode(body);
  return flattenRequest(ExportTraceServiceRequest.toObject(msg, TO_OBJECT));
}

/**
 * Decode an OTLP/HTTP JSON body: per the OTLP JSON mapping, trace/span ids are hex strings
 * (not base64) and 64-bit integers may be strings. Ids are checked and turned into base64 and
 * the object normalised through the protobuf definitions (`fromObject`).
 * @throws when the body is not OTLP JSON
 */
export function decodeJson(body: Buffer): DecodedSpan[] {
  const obj = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  const idToB64 = (v: unknown, len: number, what: string): unknown => {
    if (v === undefined || v === '') return v;
    if (typeof v !== 'string' || !new RegExp(`^[0-9a-f]{${len}}$`).test(v)) throw new Error(`bad ${what} in OTLP JSON: ${String(v)}`);
    return Buffer.from(v, 'hex').toString('base64');
  };
  for (const rs of (obj.resourceSpans as Array<Record<string, unknown>> | undefined) ?? []) {
    for (const ss of (rs.scopeSpans as Array<Record<string, unknown>> | undefined) ?? []) {
      for (const s of (ss.spans as Array<Record<string, unknown>> | undefined) ?? []) {
        s.traceId = idToB64(s.traceId, 32, 'traceId');
        s.spanId = idToB64(s.spanId, 16, 'spanId');
        s.parentSpanId = idToB64(s.parentSpanId, 16, 'parentSpanId');
        for (const l of (s.links as Array<Record<string, unknown>> | undefined) ?? []) {
          l.traceId = idToB64(l.traceId, 32, 'link traceId');
          l.spanId = idToB64(l.spanId, 16, 'link spanId');
        }
      }
    }
  }
  // fromObject checks the shape against the definitions (throws TypeError on a wrong field type)
  // and accepts 64-bit integers as decimal strings, as OTLP JSON sends them.
  const msg = ExportTraceServiceRequest.fromObject(obj);
  return flattenRequest(ExportTraceServiceRequest.toObject(msg, TO_OBJECT));
}

function lowerHeaders(h: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.map(String).join(', ') : Buffer.isBuffer(v) ? v.toString('base64') : String(v);
  }
  return out;
}

function makeState(): {
  requests: ReceivedRequest[];
  failure: { code: number | undefined };
  waiters: Array<() => void>;
  api: Pick<OtlpStandIn, 'requests' | 'spans' | 'failWith' | 'waitForSpans'>;
  notify(): void;
} {
  const requests: ReceivedRequest[] = [];
  const failure = { code: undefined as number | undefined };
  const waiters: Array<() => void> = [];
  const spans = (): DecodedSpan[] => requests.flatMap((r) => r.spans);
  return {
    requests,
    failure,
    waiters,
    notify: () => {
      for (const w of waiters.splice(0)) w();
    },
    api: {
      requests,
      spans,
      failWith: (code) => {
        failure.code = code;
      },
      waitForSpans(n, timeoutMs = 10000) {
        return new Promise<DecodedSpan[]>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`only ${spans().length} of ${n} spans arrived`)), timeoutMs);
          const check = (): void => {
            if (spans().length >= n) {
              clearTimeout(timer);
              resolve(spans());
            } else waiters.push(check);
          };
          check();
        });
      },
    },
  };
}

/** TLS material for the stand-ins (PEM). */
export interface StandInTls {
  key: string | Buffer;
  cert: string | Buffer;
}

/**
 * Start an OTLP/HTTP receiver on 127.0.0.1:0 accepting `POST /v1/traces` (and any other path)
 * with `application/x-protobuf` or `application/json`, optionally gzip-encoded. It answers
 * 200 with an empty `ExportTraceServiceResponse` in the request's encoding, 400 for bodies it
 * cannot decode, or the status set with `failWith`.
 */
export async function startHttpStandIn(options: { tls?: StandInTls } = {}): Promise<OtlpStandIn> {
  const state = makeState();
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      const wire = body;
      const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      const json = type === 'application/json';
      if (state.failure.code !== undefined) {
        res.writeHead(state.failure.code, { 'content-type': 'text/plain' }).end('stand-in told to fail');
        return;
      }
      if (req.method !== 'POST') {
        res.writeHead(405).end();
        return;
      }
      let spans: DecodedSpan[];
      try {
        if (String(req.headers['content-encoding'] ?? '').toLowerCase() === 'gzip') body = zlib.gunzipSync(body);
        if (json) spans = decodeJson(body);
        else if (type === 'application/x-protobuf') spans = decodeProtobuf(body);
        else throw new Error(`unsupported content-type ${type}`);
      } catch (e) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(String((e as Error).message));
        return;
      }
      state.requests.push({
        transport: json ? 'http/json' : 'http/protobuf',
        path: req.url ?? '',
        headers: lowerHeaders(req.headers),
        spans,
        wire,
      });
      if (json) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      else {
        const payload = Buffer.from(ExportTraceServiceResponse.encode({}).finish());
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(payload);
      }
      state.notify();
    });
  };
  const server: http.Server = options.tls
    ? (require('node:https') as typeof import('node:https')).createServer({ key: options.tls.key, cert: options.tls.cert }, handler)
    : http.createServer(handler);
  const port = await listen(server);
  return {
    ...state.api,
    endpoint: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Start an OTLP/gRPC receiver on 127.0.0.1:0 implementing
 * `opentelemetry.proto.collector.trace.v1.TraceService/Export` with `@grpc/grpc-js`, messages
 * (de)serialised with the OTLP definitions. `failWith(code)` answers with that gRPC status code.
 */
export async function startGrpcStandIn(options: { tls?: StandInTls } = {}): Promise<OtlpStandIn> {
  const state = makeState();
  const server = new grpc.Server();
  const path = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
  const service: grpc.ServiceDefinition = {
    Export: {
      path,
      requestStream: false,
      responseStream: false,
      requestSerialize: (m: object) => Buffer.from(ExportTraceServiceRequest.encode(m).finish()),
      requestDeserialize: (b: Buffer) => ExportTraceServiceRequest.decode(b),
      responseSerialize: (m: object) => Buffer.from(ExportTraceServiceResponse.encode(m).finish()),
      responseDeserialize: (b: Buffer) => ExportTraceServiceResponse.decode(b),
    },
  };
  server.addService(service, {
    Export: (call: grpc.ServerUnaryCall<object, object>, callback: grpc.sendUnaryData<object>) => {
      if (state.failure.code !== undefined) {
        callback({ code: state.failure.code, details: 'stand-in told to fail' });
        return;
      }
      state.requests.push({
        transport: 'grpc',
        path,
        headers: lowerHeaders(call.metadata.getMap() as Record<string, unknown>),
        spans: flattenRequest(ExportTraceServiceRequest.toObject(call.request, TO_OBJECT)),
      });
      callback(null, {});
      state.notify();
    },
  });
  const creds = options.tls
    ? grpc.ServerCredentials.createSsl(null, [{ private_key: Buffer.from(options.tls.key), cert_chain: Buffer.from(options.tls.cert) }])
    : grpc.ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', creds, (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    ...state.api,
    endpoint: `${options.tls ? 'grpcs' : 'grpc'}://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 1000).unref();
      }),
  };
}

const KINDS: Record<number, ReceivedSpan['kind']> = { 1: 'internal', 2: 'server', 3: 'client', 4: 'producer', 5: 'consumer' };

function asTag(v: DecodedValue): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(',');
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

function nsToUs(ns: bigint): number {
  return Number(ns / 1000n) + Number(ns % 1000n) / 1000;
}

/**
 * Normalise a decoded OTLP span for the shared conformance suite: kind from the OTLP enum,
 * `error` from status code 2 (ERROR), service from the resource's `service.name`, tags as
 * strings, times ns → µs.
 */
export function toReceivedSpan(s: DecodedSpan): ReceivedSpan {
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.attributes)) tags[k] = asTag(v);
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
    service: String(s.resource['service.name'] ?? ''),
    name: s.name,
    kind: KINDS[s.kind] ?? 'internal',
    error: s.status.code === 2,
    tags,
    startUs: nsToUs(s.startNs),
    durationUs: nsToUs(s.endNs - s.startNs),
    events: s.events.map((e) => e.name),
  };
}

function harness(name: string, start: () => Promise<OtlpStandIn>, endpointOf: (s: OtlpStandIn) => string): BackendHarness {
  return {
    name,
    async start(): Promise<RunningStandIn> {
      const s = await start();
      return {
        config: { backend: 'otlp', endpoint: endpointOf(s), reporter: { timeout: 5000, flushInterval: 100 } },
        received: () => s.spans().map(toReceivedSpan),
        stop: () => s.stop(),
      };
    },
  };
}

/** OTLP over HTTP with protobuf (the default transport), for the conformance suite. */
export const otlpHarness: BackendHarness = harness('otlp', () => startHttpStandIn(), (s) => s.endpoint);
/** OTLP over HTTP with JSON (`?protocol=http/json`), for the conformance suite. */
export const otlpJsonHarness: BackendHarness = harness('otlp-json', () => startHttpStandIn(), (s) => `${s.endpoint}/v1/traces?protocol=http/json`);
/** OTLP over gRPC (`grpc://`), for the conformance suite. */
export const otlpGrpcHarness: BackendHarness = harness('otlp-grpc', () => startGrpcStandIn(), (s) => s.endpoint);
