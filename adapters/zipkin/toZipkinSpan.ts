/**
 * Maps a finished traceandtrace span to a Zipkin v2 span (the `zipkin` package's
 * `model.Span`) and encodes it with the package's `jsonEncoder.JSON_V2`.
 *
 * Spec followed: the Zipkin v2 API model, https://zipkin.io/zipkin-api/#/default/post_spans
 * (`Span`, `Endpoint`, `Annotation` definitions) and Zipkin's server-side normalisation
 * (`zipkin2.Span.normalizeTraceId`).
 *
 * | FinishedSpan                        | Zipkin v2                                                    |
 * |-------------------------------------|--------------------------------------------------------------|
 * | traceId (32 hex)                    | `traceId`: 32 hex kept whole; 16 hex when the high 64 bits are zero (what Zipkin stores for a 64-bit B3 trace) |
 * | spanId / parentSpanId               | `id` / `parentId` (16 lowercase hex)                         |
 * | name                                | `name` (Zipkin lower-cases names; so does `model.Span`)      |
 * | kind entry/exit/producer/consumer   | `SERVER`/`CLIENT`/`PRODUCER`/`CONSUMER`; `local` → no kind   |
 * | startTimeUs, endTimeUs              | `timestamp`, `duration`: integer µs (rounded), duration ≥ 1 |
 * | resource                            | `localEndpoint` {serviceName, ipv4 (or ipv6), port = `server.port` tag on entry spans} |
 * | peer                                | `remoteEndpoint` {serviceName: peer.service, ipv4/ipv6 when peer.host is an IP, port}; a non-IP host becomes tag `peer.hostname` |
 * | attributes, resource.attributes     | `tags`, every value a string (arrays/objects as JSON); resource attributes are added to every span as zipkin-js's `defaultTags` does, span attributes win |
 * | events                              | `annotations` {timestamp µs, value: `name` or `name {"k":"v",…}`} |
 * | status error / recordError          | tag `error` = status message, else the exception message, else `true` |
 * | debug                               | `debug: true`                                                |
 * | (never)                             | `shared`: always false — our server spans always have their own span id |
 *
 * @packageDocumentation
 */
import { isIPv4, isIPv6 } from 'node:net';
import { jsonEncoder, model } from 'zipkin';
import { isValidSpanId, isValidTraceId, type AttributeValue, type ReusableBuffer, type FinishedSpan, type Resource, type SpanKind } from '../../src';
import './zipkinTypes';
import { ZipkinV2Span } from './ZipkinV2Span';

/** Zipkin v2 span kinds, indexed by our {@link SpanKind}. `local` has none. */
const KINDS: Readonly<Record<SpanKind, string | undefined>> = {
  entry: 'SERVER',
  exit: 'CLIENT',
  producer: 'PRODUCER',
  consumer: 'CONSUMER',
  local: undefined,
};


/**
 * The `zipkin` package's `model.Endpoint` knows only `ipv4`. Zipkin's v2 model also has
 * `ipv6`; since `JSON_V2.encode` serialises the endpoint object as it is, setting an
 * `ipv6` field on it is enough to put it on the wire (the one place where we extend the
 * package's model; see the `remoteEndpoint` mapping).
 */
type EndpointWithIpv6 = model.Endpoint & { ipv6?: string };

/**
 * Normalises a trace id as Zipkin does: lower-case; a 32-hex id whose high 64 bits are zero
 * becomes its low 16 hex (a 64-bit trace left-padded by B3 extraction), so our span and a
 * 64-bit zipkin-js peer's span carry the identical id. 128-bit ids are kept whole.
 *
 * @param traceId - 16 or 32 hex characters, any case
 * @returns the normalised id, or `undefined` when it is not valid Zipkin hex (or all zeros)
 * @example
 * ```ts
 * zipkinTraceId('0000000000000000A2FB4A1D1A96D312'); // 'a2fb4a1d1a96d312'
 * zipkinTraceId('463ac35c9f6413ad48485a3953bb6124'); // unchanged
 * ```
 */
export function zipkinTraceId(traceId: string): string | undefined {
  if (typeof traceId !== 'string') return undefined;
  // Our own ids are lower-case already: no copy by toLowerCase() for them.
  const given = traceId;
  if (isValidTraceId(given)) return given.startsWith('0000000000000000') ? given.slice(16) : given;
  const id = traceId.toLowerCase();
  if (isValidTraceId(id)) return id.startsWith('0000000000000000') ? id.slice(16) : id;
  return isValidSpanId(id) ? id : undefined; // a 64-bit trace id has the span id's form
}

/** A 64-bit span id as Zipkin wants it (16 lowercase hex, not all zeros), or undefined. */
function zipkinSpanId(spanId: string | undefined): string | undefined {
  if (typeof spanId !== 'string') return undefined;
  const given = spanId;
  if (isValidSpanId(given)) return given;
  const id = spanId.toLowerCase();
  return isValidSpanId(id) ? id : undefined;
}

/**
 * Converts an attribute value to the string Zipkin requires for tag values: strings as
 * they are, numbers and booleans with `String`, arrays (and anything else) as JSON.
 *
 * @example
 * ```ts
 * tagValue(200); // '200'
 * tagValue(['a', 'b']); // '["a","b"]'
 * ```
 */
export function tagValue(value: AttributeValue | unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === undefined || value === null) return undefined;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A TCP port Zipkin accepts (1..65535), from a number or a numeric string. */
function validPort(port: unknown): number | undefined {
  const n = typeof port === 'string' ? Number(port) : port;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 && n <= 65535 ? n : undefined;
}

/** Builds an endpoint; `host` goes to ipv4 or ipv6 when it is an IP address, else it is ignored. */
function endpoint(serviceName: string | undefined, host: string | undefined, port: number | undefined): EndpointWithIpv6 | undefined {
  const ep: EndpointWithIpv6 = new model.Endpoint({
    serviceName: serviceName || undefined,
    ipv4: host !== undefined && isIPv4(host) ? host : undefined,
    port,
  });
  if (host !== undefined && isIPv6(host)) ep.ipv6 = host.toLowerCase();
  return ep.isEmpty() && ep.ipv6 === undefined ? undefined : ep;
}

/** Per-resource work done once, not per span: the local endpoint (no port) and the resource tags as strings. */
interface ResourceParts {
  endpoint: EndpointWithIpv6 | undefined;
  tags: Array<[string, string]>;
}
const resourceCache = new WeakMap<Resource, ResourceParts>();
/** A span without a resource: no local endpoint, no resource tags. */
const NO_RESOURCE: ResourceParts = { endpoint: undefined, tags: [] };

function resourceParts(resource: Resource): ResourceParts {
  let parts = resourceCache.get(resource);
  if (parts === undefined) {
    const tags: Array<[string, string]> = [];
    for (const key of Object.keys(resource.attributes ?? {})) {
      const v = tagValue(resource.attributes[key]);
      if (key !== '' && v !== undefined) tags.push([key, v]);
    }
    // Shared by every span of this resource: JSON_V2.encode only reads it.
    parts = { endpoint: endpoint(resource.serviceName, resource.ip, undefined), tags };
    resourceCache.set(resource, parts);
  }
  return parts;
}

/** The value of Zipkin's `error` tag for a failed span. */
function errorTagValue(span: FinishedSpan): string {
  if (span.status.message) return span.status.message;
  for (const event of span.events) {
    const msg = event.name === 'exception' ? event.attributes['exception.message'] : undefined;
    if (typeof msg === 'string' && msg !== '') return msg;
  }
  return 'true';
}

/** `name` or `name {"field":"value",…}` (compact JSON of the event's fields). */
function annotationValue(name: string, attributes: Readonly<Record<string, AttributeValue>>): string {
  const keys = Object.keys(attributes);
  if (keys.length === 0) return name;
  let fields: string;
  try {
    fields = JSON.stringify(attributes);
  } catch {
    fields = `{${keys.join(',')}}`;
  }
  return `${name} ${fields}`;
}

/**
 * Why a span cannot be sent to Zipkin, for the exporter's log line.
 *
 * @example
 * ```ts
 * const reason: InvalidReason = 'traceId is not 16/32 hex';
 * ```
 */
export type InvalidReason = string;

/**
 * Builds the `zipkin` package's `model.Span` for one finished span (mapping in the module
 * documentation above): a {@link ZipkinV2Span}, whose fields are set at once rather than
 * through `new model.Span(new TraceId(…))` and its setters (14 % less time per span for a
 * batch's JSON, 2.2 → 1.87 µs, in an interleaved run of 5,000-span batches).
 *
 * Never throws: a span Zipkin would reject (ids that are not hex of the right length or all
 * zeros, non-finite or non-positive timestamps) yields `{ error }` instead, and is never sent.
 *
 * @param span - a finished, sampled span
 * @returns `{ span }` with the Zipkin model span, or `{ error }` naming the problem
 * @example
 * ```ts
 * const r = toZipkinSpan(finished);
 * if ('span' in r) body.push(jsonEncoder.JSON_V2.encode(r.span));
 * ```
 */
export function toZipkinSpan(span: FinishedSpan): { span: model.Span } | { error: InvalidReason } {
  try {
    const traceId = zipkinTraceId(span.traceId);
    if (traceId === undefined) return { error: 'traceId is not 16/32 hex' };
    const id = zipkinSpanId(span.spanId);
    if (id === undefined) return { error: 'spanId is not 16 hex' };
    let parentId: string | undefined;
    if (span.parentSpanId !== undefined && span.parentSpanId !== '') {
      parentId = zipkinSpanId(span.parentSpanId);
      if (parentId === undefined) return { error: 'parentSpanId is not 16 hex' };
    }
    const start = Math.round(span.startTimeUs);
    const end = Math.round(span.endTimeUs);
    if (!Number.isSafeInteger(start) || start <= 0) return { error: 'startTimeUs is not a positive µs timestamp' };
    if (!Number.isSafeInteger(end)) return { error: 'endTimeUs is not a µs timestamp' };

    const attributes = span.attributes;
    const resource = span.resource ? resourceParts(span.resource) : NO_RESOURCE;
    const localPort = span.kind === 'entry' ? validPort(attributes['server.port']) : undefined;
    const localEp =
      localPort === undefined ? resource.endpoint : endpoint(span.resource?.serviceName, span.resource?.ip, localPort);
    const peer = span.peer;
    const remoteEp = peer ? endpoint(peer.service, peer.host, validPort(peer.port)) : undefined;
    // Zipkin lower-cases names (its server with Locale.ROOT; model.Span's setName did it too)
    const name = typeof span.name === 'string' ? span.name : String(span.name);
    const zs = new ZipkinV2Span(
      traceId,
      parentId,
      id,
      name ? name.toLowerCase() : undefined,
      KINDS[span.kind],
      start,
      Math.max(1, end - start), // Zipkin: duration ≥ 1 µs
      localEp,
      remoteEp,
      span.debug === true,
    );
    const tags = zs.tags;
    if (peer?.host && !isIPv4(peer.host) && !isIPv6(peer.host) && attributes['peer.hostname'] === undefined) {
      tags['peer.hostname'] = peer.host;
    }
    for (const [key, v] of resource.tags) tags[key] = v;
    for (const key of Object.keys(attributes)) {
      const v = tagValue(attributes[key]);
      if (key !== '' && v !== undefined) tags[key] = v;
    }
    if (span.status?.code === 'error') tags.error = errorTagValue(span);

    const events = span.events;
    for (let i = 0; i < events.length; i++) {
      const event = events[i] as FinishedSpan['events'][number];
      const ts = Math.round(event.timeUs);
      zs.annotations.push({ timestamp: Number.isSafeInteger(ts) && ts > 0 ? ts : start, value: annotationValue(String(event.name), event.attributes ?? {}) });
    }
    return { span: zs.asModelSpan() };
  } catch (err) {
    return { error: `cannot map span: ${(err as Error)?.message ?? String(err)}` };
  }
}

/**
 * Encodes one finished span as a Zipkin JSON v2 span object (a JSON string, not an array),
 * with the `zipkin` package's `jsonEncoder.JSON_V2`.
 *
 * @returns the JSON text, or `{ error }` when the span cannot be sent (see {@link toZipkinSpan})
 * @example
 * ```ts
 * const r = encodeZipkinSpan(finished);
 * if (typeof r === 'string') parts.push(r);
 * const body = `[${parts.join(',')}]`;
 * ```
 */
export function encodeZipkinSpan(span: FinishedSpan): string | { error: InvalidReason } {
  const r = toZipkinSpan(span);
  if ('error' in r) return r;
  try {
    return jsonEncoder.JSON_V2.encode(r.span);
  } catch (err) {
    return { error: `cannot encode span: ${(err as Error)?.message ?? String(err)}` };
  }
}

/**
 * What {@link encodeZipkinBatch} made of a batch.
 *
 * @example
 * ```ts
 * const r: ZipkinBatchBody = encodeZipkinBatch(batch, scratch);
 * ```
 */
export interface ZipkinBatchBody {
  /** The JSON v2 array `[span,span,…]` as UTF-8 bytes, from `scratch` (release it once sent); `undefined` when no span was valid. */
  body: Buffer | undefined;
  /** Spans in `body`. */
  spans: number;
  /** Spans left out because Zipkin would reject them. */
  invalid: number;
  /** Why the first invalid span was left out. */
  firstError: InvalidReason | undefined;
}

/**
 * Encode a batch as the body of one `POST /api/v2/spans`: each sampled span with
 * {@link encodeZipkinSpan} (the `zipkin` package's JSON v2 encoder), written as a JSON array
 * straight into a buffer from `scratch` — no joined string and no fresh buffer per batch. Into
 * the kept buffer each part is written without being measured first, into room for 3 bytes per
 * UTF-16 unit, so that buffer grows to the power of two above 3× the batch's JSON (1 MiB for 512
 * typical spans); a batch that cannot use it gets a buffer of its exact size.
 * Unsampled spans are skipped; invalid ones are counted and left out. Never throws.
 *
 * @param batch - finished spans
 * @param scratch - the exporter's reusable buffer; the caller must `scratch.release(body)` once sent
 * @returns the body (UTF-8 JSON, byte-identical to `Buffer.from('[' + parts.join(',') + ']')`) and counts
 * @example
 * ```ts
 * const { body, invalid } = encodeZipkinBatch(spans, scratch);
 * if (body) await post(body).finally(() => scratch.release(body));
 * ```
 */
export function encodeZipkinBatch(batch: readonly FinishedSpan[], scratch: ReusableBuffer): ZipkinBatchBody {
  const parts: string[] = [];
  let invalid = 0;
  let firstError: InvalidReason | undefined;
  for (let i = 0; i < batch.length; i++) {
    const span = batch[i];
    if (!span || span.sampled === false) continue;
    const encoded = encodeZipkinSpan(span);
    if (typeof encoded === 'string') {
      parts.push(encoded);
    } else {
      invalid++;
      firstError ??= encoded.error;
    }
  }
  if (parts.length === 0) return { body: undefined, spans: 0, invalid, firstError };
  // Into the kept buffer, each part written without being measured first (one call into the
  // runtime per span, not two), when it has room for any text of that many UTF-16 units (≤ 3
  // bytes of UTF-8 each) or can grow to it; otherwise (kept buffer in use by another export,
  // or the bound past its cap) into a buffer of the exact size, as before.
  let bound = 2 + parts.length; // brackets and commas
  for (let i = 0; i < parts.length; i++) bound += (parts[i] as string).length * 3;
  const whole = scratch.lendKept();
  if (whole !== undefined) {
    if (whole.length >= bound) return { body: scratch.trim(whole, writeParts(whole, parts)), spans: parts.length, invalid, firstError };
    scratch.release(whole);
  }
  if (!scratch.inUse && bound <= scratch.maxRetainedBytes) {
    const room = scratch.acquire(bound); // grows the kept buffer for the next batches
    return { body: scratch.trim(room, writeParts(room, parts)), spans: parts.length, invalid, firstError };
  }
  let length = 2 + parts.length - 1; // brackets and commas
  for (let i = 0; i < parts.length; i++) length += Buffer.byteLength(parts[i] as string, 'utf8');
  const body = scratch.acquire(length);
  writeParts(body, parts);
  return { body, spans: parts.length, invalid, firstError };
}

/** Write `[part,part,…]` into `body` from offset 0; the bytes written. `body` must be large enough. */
function writeParts(body: Buffer, parts: readonly string[]): number {
  let offset = 0;
  body[offset++] = 0x5b; // [
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) body[offset++] = 0x2c; // ,
    offset += body.write(parts[i] as string, offset, 'utf8');
  }
  body[offset++] = 0x5d; // ]
  return offset;
}
