/**
 * Mapping from traceandtrace's neutral {@link FinishedSpan} to Jaeger's Thrift `Span` /
 * `Process`, following Jaeger's and OpenTracing's semantic conventions.
 *
 * - kind → `span.kind` tag (`entry`→`server`, `exit`→`client`, `producer`, `consumer`; none for `local`)
 * - parent → `parentSpanId` plus a `CHILD_OF` reference
 * - attributes → typed tags: string → STRING, boolean → BOOL, safe integer → LONG, other number → DOUBLE,
 *   arrays → STRING holding JSON
 * - events → logs with their own µs timestamps and the event name as field `event`;
 *   an `exception` event (from `recordError`) → fields `event=error`, `error.kind`, `message`, `stack`
 * - status error → tag `error=true` (plus `otel.status_description` when a message is set)
 * - peer → `peer.service`, `peer.hostname` | `peer.ipv4` | `peer.ipv6`, `peer.port`
 * - component → `component` tag; the `caller` attribute passes through like any tag
 * - flags: 0x1 sampled, 0x2 debug; 128-bit trace id → `traceIdHigh` / `traceIdLow`
 *
 * Times stay in µs, as Jaeger's Thrift model expects (no ms rounding, so sub-ms spans keep
 * distinct durations).
 *
 * @see https://www.jaegertracing.io/docs/latest/apis/#thrift-over-http-stable
 * @see https://github.com/opentracing/specification/blob/master/semantic_conventions.md
 * @packageDocumentation
 */
import { isIP } from 'node:net';
import type { AttributeValue, FinishedSpan, Resource, SpanEvent, SpanKind } from '../../src';
import type { ThriftLog, ThriftProcess, ThriftSpan, ThriftSpanRef, ThriftTag } from './thrift';

const ZERO_ID = Buffer.alloc(8);

let lastTraceId = '';
let lastHigh: Buffer = ZERO_ID;
let lastLow: Buffer = ZERO_ID;

const KIND_TAG: Record<SpanKind, string | undefined> = {
  entry: 'server',
  exit: 'client',
  producer: 'producer',
  consumer: 'consumer',
  local: undefined,
};

/**
 * Convert a 16-hex-character id to the 8-byte big-endian buffer Thrift i64 fields take.
 * Shorter input is left-padded with zeros; invalid hex yields zeros (never throws).
 *
 * @param hex - 1..16 hex characters
 * @returns an 8-byte Buffer
 * @example
 * ```ts
 * hexToId('00f067aa0ba902b7'); // <Buffer 00 f0 67 aa 0b a9 02 b7>
 * ```
 */
export function hexToId(hex: string | undefined): Buffer {
  if (!hex) return ZERO_ID;
  const s = hex.length >= 16 ? hex.slice(-16) : hex.padStart(16, '0');
  const b = Buffer.from(s, 'hex');
  return b.length === 8 ? b : ZERO_ID;
}

/**
 * Build one typed Jaeger tag from an attribute value.
 *
 * @param key - tag key
 * @param value - string → STRING, boolean → BOOL, safe integer → LONG, other number → DOUBLE,
 *   array → STRING with the JSON array
 * @returns the Thrift tag
 * @example
 * ```ts
 * toThriftTag('http.response.status_code', 200); // { key, vType: 'LONG', vLong: 200 }
 * ```
 */
export function toThriftTag(key: string, value: AttributeValue): ThriftTag {
  switch (typeof value) {
    case 'string':
      return { key, vType: 'STRING', vStr: value };
    case 'boolean':
      return { key, vType: 'BOOL', vBool: value };
    case 'number':
      return Number.isSafeInteger(value)
        ? { key, vType: 'LONG', vLong: value }
        : { key, vType: 'DOUBLE', vDouble: value };
    default:
      return { key, vType: 'STRING', vStr: Array.isArray(value) ? JSON.stringify(value) : String(value) };
  }
}

function eventToLog(event: SpanEvent): ThriftLog {
  const fields: ThriftTag[] = [];
  const attrs = event.attributes;
  if (event.name === 'exception') {
    // OpenTracing's error log: event=error, error.kind, message, stack (jaeger-client convention).
    fields.push({ key: 'event', vType: 'STRING', vStr: 'error' });
    for (const k of Object.keys(attrs)) {
      const v = attrs[k];
      if (k === 'exception.type') fields.push(toThriftTag('error.kind', v));
      else if (k === 'exception.message') fields.push(toThriftTag('message', v));
      else if (k === 'exception.stacktrace') fields.push(toThriftTag('stack', v));
      else fields.push(toThriftTag(k, v));
    }
  } else {
    if (!('event' in attrs)) fields.push({ key: 'event', vType: 'STRING', vStr: event.name });
    for (const k of Object.keys(attrs)) fields.push(toThriftTag(k, attrs[k]));
  }
  return { timestamp: Math.round(event.timeUs), fields };
}

function peerTags(span: FinishedSpan, tags: ThriftTag[]): void {
  const peer = span.peer;
  if (!peer) return;
  const attrs = span.attributes;
  if (peer.service && !('peer.service' in attrs)) tags.push({ key: 'peer.service', vType: 'STRING', vStr: peer.service });
  if (peer.host) {
    const family = isIP(peer.host);
    const key = family === 4 ? 'peer.ipv4' : family === 6 ? 'peer.ipv6' : 'peer.hostname';
    if (!(key in attrs)) tags.push({ key, vType: 'STRING', vStr: peer.host });
  }
  if (peer.port !== undefined && !('peer.port' in attrs)) tags.push({ key: 'peer.port', vType: 'LONG', vLong: peer.port });
}

/**
 * Convert one finished span to Jaeger's Thrift `Span`. Pure; never throws on well-typed input.
 *
 * @param span - the neutral span (µs times, hex ids)
 * @returns the Thrift span: µs `startTime`/`duration`, ids as 8-byte buffers, typed tags, logs
 * @example
 * ```ts
 * const thriftSpan = toThriftSpan(finished);
 * thriftSpan.duration; // µs, e.g. 137
 * ```
 */
export function toThriftSpan(span: FinishedSpan): ThriftSpan {
  if (span.traceId !== lastTraceId) {
    // Spans of one trace usually sit together in a batch: convert the trace id once (read-only buffers).
    const traceId = span.traceId.padStart(32, '0');
    lastTraceId = span.traceId;
    lastHigh = hexToId(traceId.slice(0, 16));
    lastLow = hexToId(traceId.slice(16, 32));
  }
  const traceIdHigh = lastHigh;
  const traceIdLow = lastLow;
  const parentSpanId = hexToId(span.parentSpanId);
  const references: ThriftSpanRef[] = span.parentSpanId
    ? [{ refType: 'CHILD_OF', traceIdLow, traceIdHigh, spanId: parentSpanId }]
    : [];

  const tags: ThriftTag[] = [];
  const attrs = span.attributes;
  for (const k of Object.keys(attrs)) tags.push(toThriftTag(k, attrs[k]));
  const kindTag = KIND_TAG[span.kind];
  if (kindTag && !('span.kind' in attrs)) tags.push({ key: 'span.kind', vType: 'STRING', vStr: kindTag });
  if (span.component && !('component' in attrs)) tags.push({ key: 'component', vType: 'STRING', vStr: span.component });
  peerTags(span, tags);
  if (span.status.code === 'error') {
    if (!('error' in attrs)) tags.push({ key: 'error', vType: 'BOOL', vBool: true });
    if (span.status.message && !('otel.status_description' in attrs)) {
      tags.push({ key: 'otel.status_description', vType: 'STRING', vStr: span.status.message });
    }
  }

  const logs: ThriftLog[] = span.events.map(eventToLog);
  const startTime = Math.round(span.startTimeUs);
  return {
    traceIdLow,
    traceIdHigh,
    spanId: hexToId(span.spanId),
    parentSpanId,
    operationName: span.name,
    references,
    flags: (span.sampled ? 1 : 0) | (span.debug ? 2 : 0),
    startTime,
    duration: Math.max(0, Math.round(span.endTimeUs) - startTime),
    tags,
    logs,
  };
}

/**
 * Convert the process identity to Jaeger's Thrift `Process`: the service name plus the tags
 * jaeger-client reports (`hostname`, `ip`, `jaeger.version`) and the user's process tags.
 *
 * @param resource - the tracer's resource
 * @returns the Thrift process
 * @example
 * ```ts
 * toThriftProcess(resource).tags.find((t) => t.key === 'jaeger.version')?.vStr; // 'traceandtrace-node-0.1.0'
 * ```
 */
export function toThriftProcess(resource: Resource): ThriftProcess {
  const tags: ThriftTag[] = [
    { key: 'hostname', vType: 'STRING', vStr: resource.hostname },
    { key: 'ip', vType: 'STRING', vStr: resource.ip },
    { key: 'jaeger.version', vType: 'STRING', vStr: resource.sdkVersion },
  ];
  for (const k of Object.keys(resource.attributes)) {
    const i = tags.findIndex((t) => t.key === k);
    const tag: ThriftTag = { key: k, vType: 'STRING', vStr: String(resource.attributes[k]) };
    if (i >= 0) tags[i] = tag;
    else tags.push(tag);
  }
  return { serviceName: resource.serviceName, tags };
}
