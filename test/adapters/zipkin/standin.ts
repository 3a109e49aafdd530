/**
 * A local stand-in for a Zipkin server's `POST /api/v2/spans`, for tests.
 *
 * It listens on 127.0.0.1 (ephemeral port), accepts JSON bodies (optionally
 * `Content-Encoding: gzip`), validates every span as the Zipkin server's v2 JSON decoder
 * does — a bit stricter where a mistake of ours would otherwise pass silently — and
 * answers 202 (accepted) or 400 with the reason, as Zipkin does. Failure modes answer
 * 500/503/429, or hang (accept the request and never answer).
 *
 * Validation (Zipkin v2 model, https://zipkin.io/zipkin-api/#/default/post_spans):
 * - the body is a JSON array of span objects; one invalid span rejects the whole request;
 * - `traceId`: 16 or 32 lowercase hex, not all zeros; `id`: 16 lowercase hex, not all zeros;
 *   `parentId`: 16 lowercase hex when present;
 * - `kind` ∈ CLIENT | SERVER | PRODUCER | CONSUMER when present; `name` a string;
 * - `timestamp` and `duration`: positive integers in µs (a `timestamp` below 1e15 µs —
 *   before 2001 — is rejected as a likely ms/ns mix-up);
 * - `localEndpoint`/`remoteEndpoint`: objects with only `serviceName` (lowercase string),
 *   `ipv4` (dotted quad), `ipv6`, `port` (integer 1..65535);
 * - `tags`: an object of string → string; `annotations`: an array of {timestamp: positive
 *   integer µs, value: string}; `debug`/`shared`: booleans;
 * - unknown top-level fields are rejected (Zipkin would skip them; here they reveal a bug).
 * Accepted spans are normalised as Zipkin stores them: a 32-hex trace id whose high 64 bits
 * are zero becomes its low 16 hex.
 *
 * @packageDocumentation
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { isIPv4, isIPv6 } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { BackendHarness, ReceivedSpan, RunningStandIn } from '../../conformance/harness';
import '../../../adapters/zipkin';
import { listen } from '../../support/http';

/** A Zipkin v2 endpoint as it arrives on the wire. */
export interface ZipkinEndpoint {
  serviceName?: string;
  ipv4?: string;
  ipv6?: string;
  port?: number;
}

/** A Zipkin v2 span as it arrives on the wire (after validation). */
export interface ZipkinV2Span {
  traceId: string;
  id: string;
  parentId?: string;
  name?: string;
  kind?: 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';
  timestamp?: number;
  duration?: number;
  localEndpoint?: ZipkinEndpoint;
  remoteEndpoint?: ZipkinEndpoint;
  annotations?: Array<{ timestamp: number; value: string }>;
  tags?: Record<string, string>;
  debug?: boolean;
  shared?: boolean;
}

/** One request the stand-in received. */
export interface RecordedRequest {
  /** Request headers (lower-case names, as node gives them). */
  headers: http.IncomingHttpHeaders;
  /** True when the body arrived gzip-compressed. */
  gzip: boolean;
  /** The status answered (0 while hanging). */
  status: number;
  /** The reason for a 400. */
  error?: string;
  /** Spans accepted from this request. */
  spanCount: number;
  /** The decoded JSON text of the body. */
  json?: string;
  /** The body as it arrived (still compressed when gzipped). */
  wire?: Buffer;
}

/** How the stand-in answers. */
export type StandInMode = 'ok' | '500' | '503' | '429' | 'hang';

/** A running Zipkin stand-in. */
export interface ZipkinStandIn {
  /** `http(s)://127.0.0.1:<port>/api/v2/spans`. */
  url: string;
  /** Port it listens on. */
  port: number;
  /** Every accepted span, in arrival order. */
  spans: ZipkinV2Span[];
  /** Every request, in arrival order. */
  requests: RecordedRequest[];
  /** Change how the stand-in answers from now on. */
  setMode(mode: StandInMode): void;
  /** Requests currently open (received, not yet answered or closed). */
  inFlight(): number;
  /** The most requests ever open at the same time. */
  maxInFlight(): number;
  /** Resolves once `n` requests have arrived (their bodies read). */
  waitForRequests(n: number): Promise<void>;
  /** Resolves once `n` spans have been accepted. */
  waitForSpans(n: number): Promise<void>;
  /** Close the server and every connection (hanging ones included). */
  stop(): Promise<void>;
}

const HEX16 = /^[0-9a-f]{16}$/;
const HEX32 = /^[0-9a-f]{32}$/;
const KINDS = new Set(['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER']);
const SPAN_KEYS = new Set([
  'traceId', 'id', 'parentId', 'name', 'kind', 'timestamp', 'duration',
  'localEndpoint', 'remoteEndpoint', 'annotations', 'tags', 'debug', 'shared',
]);
const ENDPOINT_KEYS = new Set(['serviceName', 'ipv4', 'ipv6', 'port']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isMicros(v: unknown): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
}

function validateEndpoint(where: string, v: unknown): string | undefined {
  if (!isObject(v)) return `${where} must be an object`;
  for (const k of Object.keys(v)) if (!ENDPOINT_KEYS.has(k)) return `${where}.${k} is not an Endpoint field`;
  if (v.serviceName !== undefined && (typeof v.serviceName !== 'string' || v.serviceName !== v.serviceName.toLowerCase())) {
    return `${where}.serviceName must be a lowercase string`;
  }
  if (v.ipv4 !== undefined && (typeof v.ipv4 !== 'string' || !isIPv4(v.ipv4))) return `${where}.ipv4 must be a dotted quad`;
  if (v.ipv6 !== undefined && (typeof v.ipv6 !== 'string' || !isIPv6(v.ipv6))) return `${where}.ipv6 must be an IPv6 address`;
  if (v.port !== undefined && !(typeof v.port === 'number' && Number.isInteger(v.port) && v.port > 0 && v.port <= 65535)) {
    return `${where}.port must be an integer 1..65535`;
  }
  return undefined;
}

/**
 * Validates one decoded JSON value as a Zipkin v2 span (rules in the module doc).
 *
 * @returns the reason it is invalid, or undefined when Zipkin would accept it
 * @example
 * ```ts
 * validateZipkinSpan({ traceId: 'ABC', id: '1' }); // 'traceId must be 16 or 32 lowercase hex…'
 * ```
 */
export function validateZipkinSpan(s: unknown): string | undefined {
  if (!isObject(s)) return 'span must be an object';
  for (const k of Object.keys(s)) if (!SPAN_KEYS.has(k)) return `${k} is not a Span field`;
  if (typeof s.traceId !== 'string' || !(HEX16.test(s.traceId) || HEX32.test(s.traceId)) || /^0+$/.test(s.traceId)) {
    return `traceId must be 16 or 32 lowercase hex, not all zeros, got ${JSON.stringify(s.traceId)}`;
  }
  if (typeof s.id !== 'string' || !HEX16.test(s.id) || /^0+$/.test(s.id)) return `id must be 16 lowercase hex, got ${JSON.stringify(s.id)}`;
  if (s.parentId !== undefined && (typeof s.parentId !== 'string' || !HEX16.test(s.parentId))) {
    return `parentId must be 16 lowercase hex, got ${JSON.stringify(s.parentId)}`;
  }
  if (s.name !== undefined && typeof s.name !== 'string') return 'name must be a string';
  if (s.kind !== undefined && !KINDS.has(s.kind as string)) return `kind must be one of CLIENT, SERVER, PRODUCER, CONSUMER, got ${JSON.stringify(s.kind)}`;
  if (s.timestamp !== undefined && (!isMicros(s.timestamp) || (s.timestamp as number) < 1e15)) {
    return `timestamp must be a positive integer of µs since epoch, got ${JSON.stringify(s.timestamp)}`;
  }
  if (s.duration !== undefined && !isMicros(s.duration)) return `duration must be a positive integer of µs, got ${JSON.stringify(s.duration)}`;
  for (const key of ['localEndpoint', 'remoteEndpoint'] as const) {
    if (s[key] !== undefined) {
      const e = validateEndpoint(key, s[key]);
      if (e) return e;
    }
  }
  if (s.tags !== undefined) {
    if (!isObject(s.tags)) return 'tags must be an object';
    for (const [k, v] of Object.entries(s.tags)) if (typeof v !== 'string') return `tags.${k} must be a string, got ${typeof v}`;
  }
  if (s.annotations !== undefined) {
    if (!Array.isArray(s.annotations)) return 'annotations must be an array';
    for (const [i, a] of s.annotations.entries()) {
      if (!isObject(a)) return `annotations[${i}] must be an object`;
      if (!isMicros(a.timestamp) || (a.timestamp as number) < 1e15) return `annotations[${i}].timestamp must be a positive integer of µs since epoch`;
      if (typeof a.value !== 'string') return `annotations[${i}].value must be a string`;
    }
  }
  if (s.debug !== undefined && typeof s.debug !== 'boolean') return 'debug must be a boolean';
  if (s.shared !== undefined && typeof s.shared !== 'boolean') return 'shared must be a boolean';
  return undefined;
}

/**
 * Decodes and validates a request body (a JSON array of spans).
 *
 * @returns the spans, or `{ error }` with the reason for a 400
 */
export function decodeSpans(json: string): ZipkinV2Span[] | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    return { error: `malformed JSON: ${(e as Error).message}` };
  }
  if (!Array.isArray(parsed)) return { error: 'body must be a JSON array of spans' };
  for (const [i, s] of parsed.entries()) {
    const err = validateZipkinSpan(s);
    if (err) return { error: `span[${i}]: ${err}` };
  }
  return parsed as ZipkinV2Span[];
}

/**
 * Starts a Zipkin stand-in on 127.0.0.1, ephemeral port; over HTTPS when `tls` is given.
 *
 * @example
 * ```ts
 * const z = await startZipkinStandIn();
 * // … export to z.url …
 * await z.waitForSpans(3);
 * await z.stop();
 * ```
 */
export async function startZipkinStandIn(initialMode: StandInMode = 'ok', tls?: { key: string | Buffer; cert: string | Buffer }): Promise<ZipkinStandIn> {
  let mode: StandInMode = initialMode;
  const spans: ZipkinV2Span[] = [];
  const requests: RecordedRequest[] = [];
  let open = 0;
  let maxOpen = 0;
  const waiters = new Set<() => void>();
  const notify = (): void => {
    for (const w of [...waiters]) w();
  };
  const waitFor = (pred: () => boolean): Promise<void> =>
    new Promise((resolve) => {
      if (pred()) return resolve();
      const w = (): void => {
        if (pred()) {
          waiters.delete(w);
          resolve();
        }
      };
      waiters.add(w);
    });

  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    open++;
    maxOpen = Math.max(maxOpen, open);
    let closed = false;
    const done = (): void => {
      if (!closed) {
        closed = true;
        open--;
      }
    };
    // 'close' fires when the answer is sent or when the client drops the connection.
    res.on('close', done);

    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec: RecordedRequest = { headers: req.headers, gzip: false, status: 0, spanCount: 0 };
      requests.push(rec);
      const answer = (status: number, text?: string): void => {
        rec.status = status;
        res.writeHead(status, text ? { 'Content-Type': 'text/plain' } : {});
        res.end(text);
        notify();
      };
      if (req.method !== 'POST' || req.url?.split('?')[0] !== '/api/v2/spans') {
        answer(404, 'not found');
        return;
      }
      if (mode === 'hang') {
        notify();
        return;
      }
      if (mode !== 'ok') {
        answer(Number(mode), mode === '429' ? 'too many requests' : 'collector failure');
        return;
      }
      let body = Buffer.concat(chunks);
      rec.wire = body;
      const encoding = (req.headers['content-encoding'] ?? '').toLowerCase();
      if (encoding === 'gzip') {
        try {
          body = gunzipSync(body);
          rec.gzip = true;
        } catch {
          rec.error = 'cannot gunzip body';
          answer(400, rec.error);
          return;
        }
      } else if (encoding !== '' && encoding !== 'identity') {
        rec.error = `unsupported Content-Encoding ${encoding}`;
        answer(400, rec.error);
        return;
      }
      const type = (req.headers['content-type'] ?? '').toLowerCase();
      if (!type.startsWith('application/json')) {
        rec.error = `unsupported Content-Type ${type}`;
        answer(400, rec.error);
        return;
      }
      rec.json = body.toString('utf8');
      const decoded = decodeSpans(rec.json);
      if (!Array.isArray(decoded)) {
        rec.error = decoded.error;
        answer(400, decoded.error);
        return;
      }
      // Zipkin stores a 32-hex trace id whose high 64 bits are zero as its low 16 hex
      // (zipkin2.Span.normalizeTraceId), so 64-bit and padded spans of one trace join.
      for (const sp of decoded) if (sp.traceId.startsWith('0000000000000000')) sp.traceId = sp.traceId.slice(16);
      spans.push(...decoded);
      rec.spanCount = decoded.length;
      answer(202);
    });
  };
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, handler) : http.createServer(handler);
  const port = await listen(server);
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/api/v2/spans`,
    port,
    spans,
    requests,
    setMode: (m) => {
      mode = m;
    },
    inFlight: () => open,
    maxInFlight: () => maxOpen,
    waitForRequests: (n) => waitFor(() => requests.length >= n),
    waitForSpans: (n) => waitFor(() => spans.length >= n),
    stop: () =>
      new Promise<void>((resolve) => {
        waiters.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const KIND_NAMES: Record<string, ReceivedSpan['kind']> = {
  SERVER: 'server',
  CLIENT: 'client',
  PRODUCER: 'producer',
  CONSUMER: 'consumer',
};

/**
 * Normalises a received Zipkin span for the conformance suite. Annotation values
 * `name {"k":"v"}` give the event name `name`. Zipkin lower-cases span and service names.
 *
 * @example
 * ```ts
 * standIn.spans.map(toReceivedSpan);
 * ```
 */
export function toReceivedSpan(s: ZipkinV2Span): ReceivedSpan {
  return {
    traceId: s.traceId,
    spanId: s.id,
    parentSpanId: s.parentId,
    service: s.localEndpoint?.serviceName ?? '',
    name: s.name ?? '',
    kind: (s.kind && KIND_NAMES[s.kind]) || 'internal',
    error: s.tags !== undefined && 'error' in s.tags,
    tags: { ...(s.tags ?? {}) },
    startUs: s.timestamp ?? 0,
    durationUs: s.duration ?? 0,
    events: (s.annotations ?? []).map((a) => {
      const i = a.value.indexOf(' {');
      return i >= 0 ? a.value.slice(0, i) : a.value;
    }),
  };
}

/**
 * The Zipkin backend under the shared conformance suite: a stand-in per run, the tracer
 * pointed at it with `backend: 'zipkin'`.
 */
export const zipkinHarness: BackendHarness = {
  name: 'zipkin',
  async start(): Promise<RunningStandIn> {
    const z = await startZipkinStandIn();
    return {
      config: { backend: 'zipkin', endpoint: z.url, reporter: { flushInterval: 50, timeout: 5000 } },
      received: () => z.spans.map(toReceivedSpan),
      stop: () => z.stop(),
    };
  },
};
