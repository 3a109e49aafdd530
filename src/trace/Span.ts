import type {
  Attributes,
  AttributeValue,
  FinishedSpan,
  Peer,
  Resource,
  SpanContext,
  SpanEvent,
  SpanKind,
  SpanLayer,
  SpanStatus,
  SpanStatusCode,
  Sw8Data,
} from '../api/types';
import { NO_BAGGAGE } from '../propagation/common';
import { nowUs } from './clock';

/**
 * What a span needs from the tracer that made it. Internal: implemented by `Tracer`.
 * @internal
 */
export interface SpanOwner {
  readonly resource: Resource;
  /** Called once when a span ends. */
  onSpanEnd(span: Span): void;
  /** Limits. */
  readonly maxAttributes: number;
  readonly maxAttributeValueLength: number;
  readonly maxEvents: number;
  /** True when values under this key are replaced by `[REDACTED]` (case-insensitive; see `Tracer.isRedacted`). */
  isRedacted(key: string): boolean;
  /** `isRedacted('caller')`, decided once. */
  readonly redactsCaller: boolean;
  /** May spans take tags with these keys as built? (see {@link Span._setTagsAsOne}) */
  _canAdoptTags(keys: readonly string[]): boolean;
}

const EMPTY_EVENTS: readonly SpanEvent[] = Object.freeze([]) as readonly SpanEvent[];
const STATUS_UNSET: SpanStatus = Object.freeze({ code: 'unset' }) as SpanStatus;
const STATUS_OK: SpanStatus = Object.freeze({ code: 'ok' }) as SpanStatus;
/** Redaction marker for secret values. */
export const REDACTED = '[REDACTED]';

/**
 * Parse `'host:port'`, `'[::1]:8080'`, `'host'` or a {@link Peer} into a Peer.
 * @internal
 */
export function parsePeer(peer: string | Peer | undefined): Peer | undefined {
  if (peer === undefined || peer === null) return undefined;
  if (typeof peer !== 'string') return peer;
  if (peer === '') return undefined;
  const m = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(peer) ?? /^([^:]+)(?::(\d{1,5}))?$/.exec(peer);
  if (!m) return { host: peer };
  const port = m[2] !== undefined ? Number(m[2]) : undefined;
  return port !== undefined && port <= 65535 ? { host: m[1], port } : { host: m[1] };
}

/**
 * Format a peer as `host:port` (IPv6 hosts in brackets), or the service name when there is
 * no host.
 * @internal
 */
export function formatPeer(peer: Peer | undefined): string {
  if (!peer) return '';
  const host = peer.host;
  if (!host) return peer.service ?? '';
  const port = peer.port;
  // Every span's context() formats its peer (sw8's target address); the spans of one client
  // mostly share one peer: the last result is kept, checked by value.
  if (host === lastPeerHost && port === lastPeerPort) return lastPeerAddress;
  const h = host.includes(':') ? `[${host}]` : host;
  const address = port !== undefined ? `${h}:${port}` : h;
  lastPeerHost = host;
  lastPeerPort = port;
  lastPeerAddress = address;
  return address;
}
let lastPeerHost: string | undefined;
let lastPeerPort: number | undefined;
let lastPeerAddress = '';

/**
 * An array attribute value within the limits: at most `maxItems` items, strings cut to
 * `maxLength`. Kept out of {@link Span.setTag}: a closure there over its locals would make
 * V8 allocate a context (~40 B) on every call, array or not.
 */
function boundedArray(value: readonly unknown[], maxItems: number, maxLength: number): AttributeValue {
  const out = value.slice(0, maxItems);
  for (let i = 0; i < out.length; i++) {
    const v = out[i];
    if (typeof v === 'string' && v.length > maxLength) out[i] = v.slice(0, maxLength);
  }
  return out as AttributeValue;
}

/**
 * `value` cut to `maxLength` characters (the tag value limit), the same string when shorter.
 */
function withinLength(value: string, maxLength: number): string {
  return value.length > maxLength ? value.slice(0, maxLength) : value;
}

/**
 * One unit of work in a trace. Created by a `Tracer` (`startSpan`, `createEntrySpan`,
 * `createExitSpan`, `createLocalSpan`, the HTTP and gRPC integrations), never with `new`.
 *
 * A span that is not sampled (or whose tracer is disabled) is *non-recording*: every setter
 * is a cheap no-op, but its {@link Span.context} still propagates the trace and the
 * "not sampled" decision downstream.
 *
 * All methods return `this` (except `context()`/`isRecording()`) and never throw; calls
 * after `end()` are ignored.
 *
 * The finished span object itself is what exporters receive (it implements
 * {@link FinishedSpan}); nothing is copied or encoded at `end()`.
 *
 * @example
 * ```ts
 * const span = tracer.createLocalSpan('reserve-stock');
 * span.setTag('item', 'book').addEvent('cache.miss');
 * try { await reserve(); } catch (err) { span.recordError(err); throw err; } finally { span.end(); }
 * ```
 */
export class Span implements FinishedSpan {
  /** Operation name. Can be changed until the span ends with {@link Span.updateName}. */
  name: string;
  readonly kind: SpanKind;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly sampled: boolean;
  readonly debug: boolean;
  readonly startTimeUs: number;
  /** End time in µs since epoch; 0 until the span ends. */
  endTimeUs = 0;
  readonly attributes: Attributes;
  events: readonly SpanEvent[] = EMPTY_EVENTS;
  status: SpanStatus = STATUS_UNSET;
  peer: Peer | undefined;
  layer: SpanLayer;
  component: string | undefined;
  readonly baggage: Readonly<Record<string, string>>;
  readonly remoteParentContext: SpanContext | undefined;
  readonly segmentSpanIndex: number;
  readonly segmentParentIndex: number;

  /** @internal the tracer. */
  readonly _owner: SpanOwner;
  /** @internal first span of this trace in this process (the SkyWalking segment's first span). */
  readonly _localRoot: Span;
  /** @internal next segment index to hand out (used on the local root only). */
  _nextIndex = 1;
  /** @internal attributes set, overwrites included (an upper bound; see {@link Span.setTag}). */
  private _attributeCount = 0;

  /** @internal use the Tracer's factory methods. */
  constructor(
    owner: SpanOwner,
    name: string,
    kind: SpanKind,
    traceId: string,
    spanId: string,
    parentSpanId: string | undefined,
    sampled: boolean,
    debug: boolean,
    baggage: Readonly<Record<string, string>> | undefined,
    localParent: Span | undefined,
    remoteParentContext: SpanContext | undefined,
    startTimeUs: number | undefined,
    layer: SpanLayer,
  ) {
    this._owner = owner;
    this.name = name;
    this.kind = kind;
    this.traceId = traceId;
    this.spanId = spanId;
    this.parentSpanId = parentSpanId;
    this.sampled = sampled;
    this.debug = debug;
    this.baggage = baggage ?? NO_BAGGAGE;
    this.remoteParentContext = remoteParentContext;
    this.layer = layer;
    this.peer = undefined;
    this.component = undefined;
    this.attributes = {};
    if (localParent !== undefined) {
      const root = localParent._localRoot;
      this._localRoot = root;
      this.segmentSpanIndex = root._nextIndex++;
      this.segmentParentIndex = localParent.segmentSpanIndex;
    } else {
      this._localRoot = this;
      this.segmentSpanIndex = 0;
      this.segmentParentIndex = -1;
    }
    this.startTimeUs = startTimeUs ?? nowUs();
  }

  /** True when the parent came from another process (extracted), false for a local parent or a root. */
  get remoteParent(): boolean {
    return this.remoteParentContext !== undefined;
  }

  /** Span id of this trace's first span in this process. */
  get localRootSpanId(): string {
    return this._localRoot.spanId;
  }

  /** SkyWalking segment id: the same for every span under one local root. */
  get segmentId(): string {
    return this._localRoot.spanId;
  }

  /** The process that produced the span. */
  get resource(): Resource {
    return this._owner.resource;
  }

  /**
   * True while the span is sampled and not yet ended: only then do setters record anything.
   *
   * Never throws.
   *
   * @example
   * ```ts
   * if (span.isRecording()) span.setTag('order.items', JSON.stringify(items)); // skip costly work when not sampled
   * ```
   */
  isRecording(): boolean {
    return this.sampled && this.endTimeUs === 0;
  }

  /** True once {@link Span.end} has been called. */
  get ended(): boolean {
    return this.endTimeUs !== 0;
  }

  /**
   * The span's SpanContext, ready for `inject()`: ids, flags, baggage, and SkyWalking data
   * (segment, index, service, instance, endpoint, target address) for `sw8`.
   *
   * @example
   * ```ts
   * const { traceId, spanId } = span.context();
   * ```
   */
  context(): SpanContext {
    const root = this._localRoot;
    const res = this._owner.resource;
    const ctx = this._contextWithoutSw8();
    ctx.sw8 = {
      traceId: root.remoteParentContext?.sw8?.traceId ?? this.traceId,
      segmentId: root.spanId,
      spanId: this.segmentSpanIndex,
      service: res.serviceName,
      serviceInstance: res.serviceInstance,
      endpoint: root.name,
      targetAddress: formatPeer(this.peer),
    };
    return ctx;
  }

  /**
   * {@link Span.context} without the SkyWalking data: what every format but `sw8` injects
   * (see `Tracer.injectSpan`), one object less per injection.
   * @internal
   */
  _contextWithoutSw8(): SpanContext {
    const ctx: SpanContext = {
      traceId: this.traceId,
      spanId: this.spanId,
      parentSpanId: this.parentSpanId,
      sampled: this.sampled,
      debug: this.debug,
      baggage: this.baggage,
      sw8: undefined,
    };
    const traceState = this._localRoot.remoteParentContext?.traceState;
    if (traceState !== undefined) ctx.traceState = traceState;
    return ctx;
  }

  /**
   * Set one tag/attribute. Strings longer than the configured `limits.maxAttributeValueLength`
   * are truncated; tags past `limits.maxAttributes` are dropped; values of secret keys
   * (`authorization`, `cookie`, `password`, `token`, the `redact` list…) are replaced by
   * `[REDACTED]`. `undefined`/`null` values are ignored.
   *
   * @example
   * ```ts
   * span.setTag('http.response.status_code', 200);
   * ```
   */
  setTag(key: string, value: AttributeValue | undefined | null): this {
    if (!this.sampled || this.endTimeUs !== 0 || value === undefined || value === null) return this;
    const owner = this._owner;
    const attrs = this.attributes;
    // _attributeCount also counts overwrites (no key lookup per call, the hot path): it is an
    // upper bound, made exact only when a key that is new would pass the limit.
    if (this._attributeCount >= owner.maxAttributes && !Object.prototype.hasOwnProperty.call(attrs, key)) {
      const exact = Object.keys(attrs).length;
      this._attributeCount = exact;
      if (exact >= owner.maxAttributes) return this;
    }
    this._attributeCount++;
    if (owner.isRedacted(key)) {
      attrs[key] = REDACTED;
      return this;
    }
    if (typeof value === 'string') {
      attrs[key] = withinLength(value, owner.maxAttributeValueLength);
    } else if (typeof value === 'number' || typeof value === 'boolean') {
      attrs[key] = value;
    } else if (Array.isArray(value)) {
      attrs[key] = boundedArray(value, owner.maxAttributes, owner.maxAttributeValueLength);
    } else {
      // Not an attribute value (an object from untyped code): record its string form.
      this._attributeCount--;
      this.setTag(key, safeString(value));
    }
    return this;
  }

  /**
   * Set the `caller` tag, usually the first tag of a new span: then as a plain named store
   * (one map transition), not `setTag`'s generic keyed store, which costs ~300 instructions per
   * tag (see {@link Span._setTagsAsOne}); otherwise, or when `caller` is on the redact list, as
   * `setTag` would.
   * @internal
   */
  _setCaller(caller: string): void {
    const owner = this._owner;
    if (this._attributeCount === 0 && this.sampled && this.endTimeUs === 0 && owner.maxAttributes > 0 && !owner.redactsCaller) {
      (this.attributes as { caller?: AttributeValue }).caller = withinLength(caller, owner.maxAttributeValueLength);
      this._attributeCount = 1;
    } else {
      this.setTag('caller', caller);
    }
  }

  /**
   * Set the tags of an integration's span in one go: `tags` is a fresh object the caller
   * gives up, with the keys `keys` lists. When the tracer lets those keys pass as they are
   * (`Tracer._canAdoptTags`: none redacted, room under the tag limit) the object becomes the
   * span's attributes — string values cut to `limits.maxAttributeValueLength`, tags set
   * before (the `caller`) kept unless `tags` has the same key; otherwise — or when a value is
   * `undefined`/`null` (a tag the caller leaves out) — each tag goes through
   * {@link Span.setTag}, as {@link Span.setAttributes} does. A no-op when not recording.
   *
   * Why: an object literal with constant keys is built without the megamorphic keyed store
   * that `setTag`'s `attrs[key] = value` costs for each tag (~300 instructions each, several
   * per traced request).
   * @internal
   */
  _setTagsAsOne(tags: Record<string, AttributeValue | undefined>, keys: readonly string[]): void {
    if (!this.sampled || this.endTimeUs !== 0) return;
    const owner = this._owner;
    if (!owner._canAdoptTags(keys)) {
      this.setAttributes(tags);
      return;
    }
    const max = owner.maxAttributeValueLength;
    const out = tags as Record<string, AttributeValue>;
    for (const k in out) {
      const v = out[k];
      if (v === undefined || v === null) {
        this.setAttributes(tags);
        return;
      }
      if (typeof v === 'string' && v.length > max) out[k] = v.slice(0, max);
    }
    if (this._attributeCount !== 0) {
      const prev = this.attributes;
      for (const k in prev) if (!Object.prototype.hasOwnProperty.call(out, k)) out[k] = prev[k]!;
    }
    (this as { attributes: Attributes }).attributes = out;
    this._attributeCount += keys.length;
  }

  /**
   * OpenTelemetry-style alias of {@link Span.setTag}.
   *
   * Same limits, truncation and redaction; a no-op once ended or when not sampled. Never throws.
   *
   * @returns this span, for chaining
   * @example
   * ```ts
   * span.setAttribute('http.response.status_code', 200);
   * ```
   */
  setAttribute(key: string, value: AttributeValue | undefined | null): this {
    return this.setTag(key, value);
  }

  /**
   * Set several tags at once (see {@link Span.setTag} for limits and redaction).
   *
   * @example
   * ```ts
   * span.setAttributes({ 'rpc.system': 'grpc', 'rpc.method': 'Reserve' });
   * ```
   */
  setAttributes(attributes: Record<string, AttributeValue | undefined | null>): this {
    if (!this.sampled || this.endTimeUs !== 0 || !attributes) return this;
    for (const key in attributes) this.setTag(key, attributes[key]);
    return this;
  }

  /**
   * Alias of {@link Span.setAttributes} (OpenTracing's name).
   *
   * Never throws.
   *
   * @returns this span, for chaining
   * @example
   * ```ts
   * span.addTags({ component: 'http', 'peer.service': 'orders' });
   * ```
   */
  addTags(tags: Record<string, AttributeValue | undefined | null>): this {
    return this.setAttributes(tags);
  }

  /**
   * Add a timestamped event (Jaeger log, Zipkin annotation). Events past
   * `limits.maxEvents` are dropped.
   *
   * @param name - event name
   * @param attributes - fields of the event
   * @param timeUs - when it happened, µs since epoch (default now)
   * @example
   * ```ts
   * span.addEvent('cache.miss', { key: 'sku-1' });
   * ```
   */
  addEvent(name: string, attributes?: Attributes, timeUs?: number): this {
    if (!this.sampled || this.endTimeUs !== 0) return this;
    const owner = this._owner;
    if (this.events.length >= owner.maxEvents) return this;
    const fields: Attributes = {};
    if (attributes) {
      let n = 0;
      for (const key in attributes) {
        if (n++ >= owner.maxAttributes) break;
        const v = attributes[key];
        if (v === undefined || v === null) continue;
        fields[key] = owner.isRedacted(key)
          ? REDACTED
          : typeof v === 'string' && v.length > owner.maxAttributeValueLength
            ? v.slice(0, owner.maxAttributeValueLength)
            : v;
      }
    }
    const event: SpanEvent = { name: String(name), timeUs: timeUs ?? nowUs(), attributes: fields };
    if (this.events === EMPTY_EVENTS) this.events = [event];
    else (this.events as SpanEvent[]).push(event);
    return this;
  }

  /**
   * OpenTracing-style log: a set of fields at a time. The event name is the `event` field
   * when present, otherwise `log`.
   *
   * @example
   * ```ts
   * span.log({ event: 'retry', attempt: 2 });
   * ```
   */
  log(fields: Attributes, timeUs?: number): this {
    const name = fields && typeof fields.event === 'string' ? fields.event : 'log';
    return this.addEvent(name, fields, timeUs);
  }

  /**
   * Set the status. `error` marks the span failed in every backend; `ok` overrides an earlier
   * error (OpenTelemetry semantics); `unset` after `ok`/`error` is ignored.
   *
   * @example
   * ```ts
   * span.setStatus('error', 'upstream timed out');
   * ```
   */
  setStatus(code: SpanStatusCode, message?: string): this {
    if (!this.sampled || this.endTimeUs !== 0) return this;
    if (code === 'error') this.status = { code, message: message === undefined ? undefined : String(message) };
    else if (code === 'ok') this.status = STATUS_OK;
    return this;
  }

  /**
   * Record an error: sets status `error` (message = the error's message) and adds an
   * `exception` event with `exception.type`, `exception.message`, `exception.stacktrace`
   * (OpenTelemetry semantic conventions; adapters map it to Jaeger's `error.kind`/`message`/
   * `stack` log, Zipkin's `error` tag, SkyWalking's error log). Accepts any thrown value.
   *
   * @example
   * ```ts
   * try { await call(); } catch (err) { span.recordError(err); throw err; }
   * ```
   */
  recordError(error: unknown): this {
    if (!this.sampled || this.endTimeUs !== 0) return this;
    let type = 'Error';
    let message: string;
    let stack: string | undefined;
    if (error instanceof Error) {
      type = error.name || error.constructor?.name || 'Error';
      message = error.message;
      stack = error.stack;
    } else if (error && typeof error === 'object' && 'message' in error) {
      message = safeString((error as { message: unknown }).message);
      const code = (error as { code?: unknown }).code;
      if (code !== undefined) type = safeString(code);
    } else {
      message = safeString(error);
    }
    const attributes: Attributes = { 'exception.type': type, 'exception.message': message };
    if (stack !== undefined) attributes['exception.stacktrace'] = stack;
    this.addEvent('exception', attributes);
    this.status = { code: 'error', message };
    return this;
  }

  /**
   * Set the remote peer: `'host:port'`, `'[v6]:port'`, or a {@link Peer}. Exit spans carry
   * it as the SkyWalking peer / Zipkin remoteEndpoint / Jaeger `peer.*` tags.
   *
   * @example
   * ```ts
   * span.setPeer('127.0.0.1:50051');
   * span.setPeer({ service: 'inventory', host: '10.0.0.7', port: 50051 });
   * ```
   */
  setPeer(peer: string | Peer): this {
    if (this.endTimeUs !== 0) return this;
    this.peer = parsePeer(peer);
    return this;
  }

  /**
   * Rename the span (e.g. once the HTTP route is known).
   *
   * A no-op once the span has ended. Never throws.
   *
   * @returns this span, for chaining
   * @example
   * ```ts
   * span.updateName(`GET ${req.route.path}`); // 'GET /orders/:id' instead of the raw URL
   * ```
   */
  updateName(name: string): this {
    if (this.endTimeUs === 0) this.name = String(name);
    return this;
  }

  /**
   * End the span. Idempotent: only the first call counts. A sampled span is then queued for
   * export; nothing is encoded here.
   *
   * @param endTimeUs - end time in µs since epoch (default now); clamped to ≥ start.
   * @example
   * ```ts
   * span.end();
   * ```
   */
  end(endTimeUs?: number): void {
    if (this.endTimeUs !== 0) return;
    const end = endTimeUs ?? nowUs();
    this.endTimeUs = end >= this.startTimeUs ? end : this.startTimeUs;
    if (this.endTimeUs === 0) this.endTimeUs = 1; // a caller-given start of 0: keep "ended" observable
    this._owner.onSpanEnd(this);
  }

  /** Duration in µs (0 while running). */
  get durationUs(): number {
    return this.endTimeUs === 0 ? 0 : this.endTimeUs - this.startTimeUs;
  }

  /**
   * A plain-data copy of the finished span (the {@link FinishedSpan} fields), for logs, IPC
   * and JSON. Carries no reference to the tracer.
   * @example
   * ```ts
   * JSON.stringify(span); // calls toJSON(): times in µs since epoch, attributes, events, status, resource
   * ```
   */
  toJSON(): FinishedSpan {
    return {
      name: this.name,
      kind: this.kind,
      traceId: this.traceId,
      spanId: this.spanId,
      parentSpanId: this.parentSpanId,
      remoteParent: this.remoteParent,
      localRootSpanId: this.localRootSpanId,
      segmentId: this.segmentId,
      segmentSpanIndex: this.segmentSpanIndex,
      segmentParentIndex: this.segmentParentIndex,
      sampled: this.sampled,
      debug: this.debug,
      startTimeUs: this.startTimeUs,
      endTimeUs: this.endTimeUs,
      attributes: this.attributes,
      events: this.events,
      status: this.status,
      peer: this.peer,
      layer: this.layer,
      component: this.component,
      baggage: this.baggage,
      remoteParentContext: this.remoteParentContext,
      resource: this.resource,
    };
  }
}

/** String form of any value, never throwing (a hostile `toString` yields `[unprintable]`). */
export function safeString(value: unknown): string {
  try {
    if (typeof value === 'string') return value;
    if (typeof value === 'object' && value !== null) {
      try {
        return JSON.stringify(value) ?? String(value);
      } catch {
        return String(value);
      }
    }
    return String(value);
  } catch {
    return '[unprintable]';
  }
}
