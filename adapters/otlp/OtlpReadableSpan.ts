import {
  SpanKind as OtelSpanKind,
  SpanStatusCode as OtelStatusCode,
  TraceFlags,
  type Attributes as OtelAttributes,
  type HrTime,
  type Link,
  type SpanContext as OtelSpanContext,
  type SpanStatus as OtelSpanStatus,
} from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { resourceFromAttributes, type Resource as OtelResource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';
import type { AttributeValue, FinishedSpan, Resource, SpanKind } from '../../src';

/** Name reported as `telemetry.sdk.name` and as the instrumentation scope name. @example `resource['telemetry.sdk.name'] === SDK_NAME` */
export const SDK_NAME = 'traceandtrace';

const NO_LINKS: Link[] = [];
/** Shared by every span without events (the encoders only read it). */
const NO_EVENTS: TimedEvent[] = [];
/** Shared statuses (read-only to the encoders): one object less per span. */
const STATUS_UNSET: OtelSpanStatus = Object.freeze({ code: OtelStatusCode.UNSET });
const STATUS_OK: OtelSpanStatus = Object.freeze({ code: OtelStatusCode.OK });
const STATUS_ERROR: OtelSpanStatus = Object.freeze({ code: OtelStatusCode.ERROR });

const KIND: Record<SpanKind, OtelSpanKind> = {
  entry: OtelSpanKind.SERVER,
  exit: OtelSpanKind.CLIENT,
  local: OtelSpanKind.INTERNAL,
  producer: OtelSpanKind.PRODUCER,
  consumer: OtelSpanKind.CONSUMER,
};

/**
 * Convert a time in µs (since the epoch, or a duration) to OpenTelemetry's `HrTime`
 * `[seconds, nanoseconds]`, exactly for integer µs (fractions of a µs are rounded to the ns).
 * Non-finite or negative input gives `[0, 0]`; it never throws.
 *
 * @param us - microseconds
 * @returns `[s, ns]` with `0 <= ns < 1e9`
 * @example
 * ```ts
 * toHrTime(1_700_000_000_123_456); // [1700000000, 123456000]
 * ```
 */
export function toHrTime(us: number): HrTime {
  if (!Number.isFinite(us) || us <= 0) return [0, 0];
  let s = Math.floor(us / 1e6);
  let ns = Math.round((us - s * 1e6) * 1000);
  if (ns >= 1e9) {
    s += 1;
    ns -= 1e9;
  }
  return [s, ns];
}

/**
 * The version part of `Resource.sdkVersion` (`traceandtrace-node-0.1.0` → `0.1.0`); the whole
 * string when it has no `x.y.z` suffix. Never throws.
 * @example
 * ```ts
 * sdkVersionOf(span.resource); // '0.1.0'
 * ```
 */
export function sdkVersionOf(resource: Resource): string {
  const m = /(\d+\.\d+\.\d+\S*)$/.exec(resource.sdkVersion);
  return m ? m[1] : resource.sdkVersion;
}

const resources = new WeakMap<Resource, OtelResource>();

/**
 * The OpenTelemetry `Resource` for one of our process identities, built once per identity
 * (the OTLP serializers group spans by resource *object*, so one tracer's spans share one).
 *
 * Attributes: the config `tags` first, then `service.name` (always ours), and unless a tag
 * already set them `service.instance.id`, `host.name`, `host.ip`; finally `telemetry.sdk.name`
 * (`traceandtrace`), `telemetry.sdk.language` (`nodejs`), `telemetry.sdk.version`.
 *
 * @param resource - the span's `resource`
 * @returns a shared OpenTelemetry resource (never throws)
 * @see https://opentelemetry.io/docs/specs/semconv/resource/
 * @example
 * ```ts
 * otlpResource(span.resource).attributes['service.name']; // 'orders'
 * ```
 */
export function otlpResource(resource: Resource): OtelResource {
  let r = resources.get(resource);
  if (r) return r;
  const tags = resource.attributes ?? {};
  const attrs: OtelAttributes = {
    'service.instance.id': resource.serviceInstance,
    'host.name': resource.hostname,
    ...(resource.ip ? { 'host.ip': [resource.ip] } : {}),
    ...tags,
    'service.name': resource.serviceName,
    'telemetry.sdk.name': SDK_NAME,
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.version': sdkVersionOf(resource),
  };
  r = resourceFromAttributes(attrs);
  resources.set(resource, r);
  return r;
}

/**
 * Our span attributes plus the peer, under the current semantic-convention names, when the
 * integration did not set them already: for a client-side span (`exit`, `producer`, `local`)
 * `server.address`/`server.port`, for a server-side span (`entry`, `consumer`)
 * `client.address`/`client.port`; and `peer.service`. Returns the span's own object when
 * nothing is added (no copy).
 */
function attributesWithPeer(span: FinishedSpan): OtelAttributes {
  const attrs = span.attributes as OtelAttributes;
  const peer = span.peer;
  if (!peer) return attrs;
  const serverSide = span.kind === 'entry' || span.kind === 'consumer';
  const add: Record<string, AttributeValue> = {};
  let added = false;
  const put = (key: string, value: AttributeValue | undefined): void => {
    if (value === undefined || value === '' || key in attrs) return;
    add[key] = value;
    added = true;
  };
  put(serverSide ? 'client.address' : 'server.address', peer.host);
  put(serverSide ? 'client.port' : 'server.port', peer.port);
  put('peer.service', peer.service);
  return added ? { ...attrs, ...add } : attrs;
}

/**
 * One of our finished spans seen through the OpenTelemetry SDK's `ReadableSpan` interface,
 * so that the official OTLP exporters (`@opentelemetry/exporter-trace-otlp-*`) can encode it.
 *
 * Mapping (OTLP trace data model):
 * - kind: `entry`→SERVER, `exit`→CLIENT, `local`→INTERNAL, `producer`→PRODUCER, `consumer`→CONSUMER
 * - ids: `spanContext()` = {traceId, spanId, traceFlags (sampled bit), traceState}; `parentSpanContext`
 *   = the parent id with `isRemote` from `remoteParent`
 * - times: µs → `HrTime` `[s, ns]` (OTLP carries ns; µs × 1000 exactly)
 * - status: `unset`/`ok`/`error` → UNSET/OK/ERROR (message kept for ERROR only)
 * - events: name, attributes, time; `recordError` already produced an `exception` event with
 *   `exception.type`/`exception.message`/`exception.stacktrace` (OTel's exception convention)
 * - attributes: as recorded, plus the peer (see `server.address`, `client.address`, `peer.service`)
 * - resource: {@link otlpResource}; scope: `{ name: 'traceandtrace', version }`
 * - links: none; dropped counts: 0 (the core's limits already applied). The debug flag and
 *   baggage have no OTLP field and are not sent.
 *
 * @see https://opentelemetry.io/docs/specs/otel/trace/api/
 * @example
 * ```ts
 * otlpExporter.export(batch.map((s) => new OtlpReadableSpan(s)), (result) => {});
 * ```
 */
export class OtlpReadableSpan implements ReadableSpan {
  /** Operation name. */
  readonly name: string;
  /** OTel span kind mapped from ours (see the class doc). */
  readonly kind: OtelSpanKind;
  /** The parent's ids (`isRemote` from `remoteParent`), or `undefined` for a root span. */
  readonly parentSpanContext: OtelSpanContext | undefined;
  /** Start, `[s, ns]` since epoch (from µs). */
  readonly startTime: HrTime;
  /** End, `[s, ns]` since epoch (from µs). */
  readonly endTime: HrTime;
  /** End − start, `[s, ns]` (made when read: OTLP's encoders read start and end only). */
  get duration(): HrTime {
    return toHrTime(this.durationUs);
  }
  /** UNSET / OK / ERROR (message for ERROR only). */
  readonly status: OtelSpanStatus;
  /** The span's attributes plus the peer's `server.address`/`client.address`, port and `peer.service`. */
  readonly attributes: OtelAttributes;
  /** Always empty: the core has no links. (Constant members are prototype getters: a smaller object per span.) */
  get links(): Link[] {
    return NO_LINKS;
  }
  /** Span events, times as `HrTime`. */
  readonly events: TimedEvent[];
  /** Always true: only finished spans are exported. */
  get ended(): boolean {
    return true;
  }
  /** The process resource (see {@link otlpResource}). */
  readonly resource: OtelResource;
  /** `{ name: 'traceandtrace', version }`. */
  readonly instrumentationScope: { name: string; version: string };
  /** 0: the core applied its limits before export. */
  get droppedAttributesCount(): number {
    return 0;
  }
  /** 0: the core applied its limits before export. */
  get droppedEventsCount(): number {
    return 0;
  }
  /** 0: no links. */
  get droppedLinksCount(): number {
    return 0;
  }
  private readonly context: OtelSpanContext;
  private readonly durationUs: number;

  /**
   * @param span - a finished span from the core (read, never mutated)
   * @throws nothing for well-formed spans; a span whose fields are not the documented types
   *   may throw a TypeError (the exporter catches it and rejects the batch)
   */
  constructor(span: FinishedSpan) {
    this.name = span.name;
    this.kind = KIND[span.kind] ?? OtelSpanKind.INTERNAL;
    const traceFlags = span.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE;
    const traceState = span.remoteParentContext?.traceState;
    // One shape for every span (no spread): the serializer reads `traceState?.serialize()`.
    this.context = { traceId: span.traceId, spanId: span.spanId, traceFlags, isRemote: false, traceState: traceState ? new TraceState(traceState) : undefined };
    this.parentSpanContext = span.parentSpanId
      ? { traceId: span.traceId, spanId: span.parentSpanId, traceFlags, isRemote: span.remoteParent }
      : undefined;
    this.startTime = toHrTime(span.startTimeUs);
    this.endTime = toHrTime(span.endTimeUs);
    this.durationUs = span.endTimeUs - span.startTimeUs;
    const code = span.status.code;
    const message = span.status.message;
    this.status = code === 'error' ? (message ? { code: OtelStatusCode.ERROR, message } : STATUS_ERROR) : code === 'ok' ? STATUS_OK : STATUS_UNSET;
    this.attributes = attributesWithPeer(span);
    this.events = span.events.length === 0 ? NO_EVENTS : span.events.map((e) => ({
      name: e.name,
      time: toHrTime(e.timeUs),
      attributes: e.attributes as OtelAttributes,
      droppedAttributesCount: 0,
    }));
    this.resource = otlpResource(span.resource);
    this.instrumentationScope = scopeFor(span.resource);
  }

  /**
   * The span's own context (ids, sampled flag, `tracestate`).
   *
   * Never throws.
   *
   * @example
   * ```ts
   * new OtlpReadableSpan(span).spanContext().traceFlags; // 1 when sampled
   * ```
   */
  spanContext(): OtelSpanContext {
    return this.context;
  }
}

const scopes = new WeakMap<Resource, { name: string; version: string }>();
function scopeFor(resource: Resource): { name: string; version: string } {
  let s = scopes.get(resource);
  if (!s) {
    s = { name: SDK_NAME, version: sdkVersionOf(resource) };
    scopes.set(resource, s);
  }
  return s;
}
