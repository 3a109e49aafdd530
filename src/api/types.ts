/**
 * The vendor-neutral data model of traceandtrace: span kinds, SpanContext, finished-span
 * records, the exporter interface and the sampler interface.
 *
 * This file has no runtime dependencies; adapters in `adapters/` depend only on these
 * public types (re-exported from the package root).
 *
 * Units: every timestamp and duration in this model is in **microseconds (µs)** since the
 * Unix epoch (timestamps) or µs elapsed (durations), as plain `number`s. Jaeger and Zipkin
 * use µs too; SkyWalking uses ms and OTLP uses ns, so those adapters convert.
 *
 * @packageDocumentation
 */

/**
 * The kind of a span, in SkyWalking's entry/exit/local model plus the messaging kinds.
 *
 * | ours       | OpenTelemetry / Zipkin | Jaeger `span.kind` | SkyWalking |
 * |------------|------------------------|--------------------|------------|
 * | `entry`    | SERVER                 | `server`           | Entry      |
 * | `exit`     | CLIENT                 | `client`           | Exit       |
 * | `local`    | INTERNAL / (none)      | (no tag)           | Local      |
 * | `producer` | PRODUCER               | `producer`         | Exit (MQ)  |
 * | `consumer` | CONSUMER               | `consumer`         | Entry (MQ) |
 *
 * @example
 * ```ts
 * tracer.startSpan('GET /orders', { kind: 'entry' });
 * ```
 */
export type SpanKind = 'entry' | 'exit' | 'local' | 'producer' | 'consumer';

/** A primitive attribute (tag) value. */
export type AttributePrimitive = string | number | boolean;

/**
 * A tag/attribute value: a primitive or a homogeneous array of primitives (OpenTelemetry's
 * attribute rules). Strings longer than the configured limit are truncated, not rejected.
 */
export type AttributeValue = AttributePrimitive | AttributePrimitive[];

/** A set of tags/attributes keyed by name (`http.method`, `rpc.service`, …). */
export type Attributes = Record<string, AttributeValue>;

/**
 * SkyWalking cross-process data carried by the `sw8` header (v3).
 *
 * On a context returned by `extract()`, this describes the **caller** (its segment, its exit
 * span id, its service…). On the context of one of our own spans, it describes **this** span,
 * ready to be injected into an outgoing `sw8` header.
 *
 * @see https://skywalking.apache.org/docs/main/next/en/api/x-process-propagation-headers-v3/
 */
export interface Sw8Data {
  /** The trace id exactly as SkyWalking carries it (not base64). For our own traces: the 32-hex trace id. */
  traceId: string;
  /** The segment id (one segment per service per request). */
  segmentId: string;
  /** The span id inside its segment: 0 for the segment's first span, then 1, 2, … */
  spanId: number;
  /** Service name. */
  service: string;
  /** Service instance name. */
  serviceInstance: string;
  /** The endpoint: the operation name of the segment's first (entry) span. */
  endpoint: string;
  /** Network address the exit span targets (`host:port`). */
  targetAddress: string;
}

/**
 * The part of a span that crosses process boundaries.
 *
 * @example
 * ```ts
 * const { traceId, spanId, sampled } = span.context();
 * ```
 */
export interface SpanContext {
  /** 128-bit trace id as 32 lowercase hex characters (64-bit ids from B3/Jaeger are left-padded with zeros). */
  traceId: string;
  /** 64-bit span id as 16 lowercase hex characters. */
  spanId: string;
  /** The parent's span id (16 hex) when there is one. */
  parentSpanId?: string;
  /** Whether this trace is recorded and exported. A sampled-out context still propagates. */
  sampled: boolean;
  /** Debug flag (B3 `X-B3-Flags: 1`, Jaeger flag 0x2, `jaeger-debug-id`): forces sampling. */
  debug: boolean;
  /** Baggage items (W3C `baggage`, `uberctx-*`, `sw8-correlation`). Keys and values are strings. */
  baggage: Readonly<Record<string, string>>;
  /** W3C `tracestate` header value, passed through unchanged. */
  traceState?: string;
  /** True when this context was extracted from a carrier (its span lives in another process). */
  isRemote?: boolean;
  /** SkyWalking data (see {@link Sw8Data}). */
  sw8?: Sw8Data;
  /** Jaeger `jaeger-debug-id` correlation id, when the caller sent one. */
  debugId?: string;
}

/**
 * A timestamped event (OpenTelemetry "event", OpenTracing/Jaeger "log", Zipkin "annotation").
 */
export interface SpanEvent {
  /** Event name (`exception`, `cache.miss`, …). */
  name: string;
  /** When it happened, µs since the Unix epoch. */
  timeUs: number;
  /** Fields of the event. */
  attributes: Attributes;
}

/** Span status code, as in OpenTelemetry. `error` marks the span as failed in every backend. */
export type SpanStatusCode = 'unset' | 'ok' | 'error';

/** Span status: a code plus an optional description (kept only for `error`). */
export interface SpanStatus {
  /** `unset` (default), `ok`, or `error` (the span failed). */
  code: SpanStatusCode;
  /** Human-readable description of the error; only kept when `code` is `error`. */
  message?: string;
}

/**
 * The remote side of an exit (or entry) span.
 *
 * @example
 * ```ts
 * span.setPeer('10.0.0.5:50051'); // → { host: '10.0.0.5', port: 50051 }
 * ```
 */
export interface Peer {
  /** Logical name of the remote service (Jaeger `peer.service`, Zipkin `remoteEndpoint.serviceName`). */
  service?: string;
  /** Host name or IP address. */
  host?: string;
  /** TCP/UDP port. */
  port?: number;
}

/** The integration layer of a span, as SkyWalking classifies it. */
export type SpanLayer = 'http' | 'rpc' | 'database' | 'cache' | 'mq' | 'unknown';

/**
 * Identity of the process that produced spans: what Jaeger calls the Process, Zipkin the
 * localEndpoint, OpenTelemetry the Resource and SkyWalking the service + instance.
 */
export interface Resource {
  /** Service name (`gateway`, `orders`, …). */
  serviceName: string;
  /** Service instance name (SkyWalking); defaults to `<pid>@<hostname>`. */
  serviceInstance: string;
  /** Host name of the machine. */
  hostname: string;
  /** First non-internal IPv4 address, or `127.0.0.1`. */
  ip: string;
  /** Library name and version, e.g. `traceandtrace-node-0.1.0`. */
  sdkVersion: string;
  /** Process/user tags from config (`tags`). */
  attributes: Readonly<Record<string, string>>;
}

/**
 * A finished span as exporters receive it. Read-only: exporters must not mutate it.
 *
 * This is the same object the application held (no copy is made at `end()`), so the hot
 * path allocates nothing extra; the wire encoding happens in the exporter, per batch.
 */
export interface FinishedSpan {
  /** Operation name. */
  readonly name: string;
  /** Span kind. */
  readonly kind: SpanKind;
  /** Trace id (32 hex). */
  readonly traceId: string;
  /** Span id (16 hex). */
  readonly spanId: string;
  /** Parent span id (16 hex), absent on a root span. */
  readonly parentSpanId: string | undefined;
  /** True when the parent lives in another process (the span continues an extracted context). */
  readonly remoteParent: boolean;
  /** Span id of the first span of this trace in this process (the SkyWalking segment's first span). */
  readonly localRootSpanId: string;
  /** Segment id (SkyWalking): the same for every span under one local root. */
  readonly segmentId: string;
  /** 0-based index of this span inside its segment (SkyWalking span id). */
  readonly segmentSpanIndex: number;
  /** Index of the parent span inside the same segment, or -1 for the segment's first span. */
  readonly segmentParentIndex: number;
  /** Sampling decision. Only sampled spans reach exporters. */
  readonly sampled: boolean;
  /** Debug flag. */
  readonly debug: boolean;
  /** Start time, µs since the Unix epoch (sub-millisecond precision). */
  readonly startTimeUs: number;
  /** End time, µs since the Unix epoch; `endTimeUs - startTimeUs` is the duration in µs. */
  readonly endTimeUs: number;
  /** Tags/attributes. */
  readonly attributes: Readonly<Attributes>;
  /** Events/logs in the order they were added. */
  readonly events: readonly SpanEvent[];
  /** Status. `code === 'error'` means the span failed. */
  readonly status: Readonly<SpanStatus>;
  /** Remote peer, when known. */
  readonly peer: Readonly<Peer> | undefined;
  /** Integration layer (SkyWalking); `unknown` for plain spans. */
  readonly layer: SpanLayer;
  /** Integration component name: `http`, `grpc`, `custom-rpc`, … (SkyWalking maps it to a component id). */
  readonly component: string | undefined;
  /** Baggage at span start. */
  readonly baggage: Readonly<Record<string, string>>;
  /** The remote parent's context when `remoteParent` is true (carries `sw8` data for SkyWalking segment refs). */
  readonly remoteParentContext: SpanContext | undefined;
  /** The process that produced the span. */
  readonly resource: Resource;
}

/**
 * An exporter turns batches of finished spans into a backend's wire format and sends them.
 * It sits behind the export pipeline (bounded queue + batching), which calls it from a timer,
 * never from application code.
 *
 * Contract (as OpenTelemetry's SpanExporter):
 * - `export()` is never called concurrently with itself unless `maxConcurrentExports` > 1
 *   (then at most that many calls, only while the pipeline drains for a flush or shutdown).
 * - `export()` resolves when the backend accepted the batch and rejects when it did not;
 *   a rejection whose error has `retryable: true` (e.g. HTTP 429/503, connection refused)
 *   may be retried by the pipeline; any other rejection drops the batch (counted).
 * - `export()` must honour its own timeout; it must never throw synchronously.
 *
 * @example
 * ```ts
 * const exporter: SpanExporter = {
 *   async export(batch) { await send(encode(batch)); },
 *   async forceFlush() {},
 *   async shutdown() {},
 * };
 * ```
 */
export interface SpanExporter {
  /** Encode and send one batch. Rejects on failure (see class doc for retry semantics). */
  export(batch: readonly FinishedSpan[]): Promise<void>;
  /** Deliver anything the exporter itself buffers. */
  forceFlush(): Promise<void>;
  /** Flush, then release sockets and timers. Called once. */
  shutdown(): Promise<void>;
  /**
   * Optional: how many `export()` calls this exporter accepts at once (an integer; absent or
   * below 2: one at a time). The pipeline exports one batch at a time in steady state, and up
   * to this many (at most 16) while `forceFlush()` or `shutdown()` drains the queue, as
   * OpenTelemetry's `forceFlush()` sends its batches together. Declare it only when
   * concurrent calls are safe (no per-call state shared between them).
   */
  readonly maxConcurrentExports?: number;
  /**
   * Optional: spans the exporter accepted into a buffer of its own (e.g. SkyWalking's segment
   * assembler) and later had to drop. `tracer.stats()` moves them from `exported` (counted when
   * `export()` resolved) to `dropped`.
   */
  droppedSpans?(): number;
}

/**
 * An error an exporter rejects with. `retryable` tells the pipeline whether trying the same
 * batch again later may succeed.
 */
export interface ExportError extends Error {
  /** `true` when a later retry of the same batch may succeed (timeout, 5xx, refused); absent/false: drop it. */
  retryable?: boolean;
  /**
   * The collector asked to wait this long before retrying (HTTP `Retry-After`, gRPC
   * `grpc-retry-pushback-ms`), in ms. The pipeline waits at least this long (capped at 60 s
   * and by a shutdown deadline) instead of its own shorter backoff.
   */
  retryAfterMs?: number;
}

/**
 * A sampler decides, when a trace starts, whether it is recorded.
 *
 * The tracer consults it for root spans and for spans continuing a remote parent; a child
 * of a local span always inherits its parent's decision.
 *
 * @example
 * ```ts
 * const everyOther: Sampler = { shouldSample: (_op, _parent, traceId) => traceId.endsWith('0') };
 * ```
 */
export interface Sampler {
  /**
   * Decides whether a new trace (or one continuing a remote parent) is recorded.
   *
   * @param operationName - name of the span being started
   * @param parent - the remote parent context, if any
   * @param traceId - the (new or inherited) trace id, 32 hex
   * @returns true to record the trace. Must not throw (a throwing sampler counts as `false`).
   */
  shouldSample(operationName: string, parent: SpanContext | undefined, traceId: string): boolean;
  /** Stop timers (remote samplers). */
  close?(): void;
  /** Human-readable description, e.g. `ProbabilisticSampler{0.1}`. */
  toString(): string;
}

/** Reads one value from a carrier. Returns `undefined` when absent. Keys are passed lower-case for HTTP. */
export type CarrierGetter<C> = (carrier: C, key: string) => string | undefined;

/** Writes one value into a carrier. */
export type CarrierSetter<C> = (carrier: C, key: string, value: string) => void;

/**
 * A propagator injects a SpanContext into a carrier and extracts one from it.
 *
 * `extract` never throws: a malformed header yields `undefined` (the caller starts a new
 * root trace) or the valid part, as each format's spec says.
 *
 * @example
 * ```ts
 * const headers: Record<string, string> = {};
 * propagator.inject(span.context(), headers, (c, k, v) => { c[k] = v; });
 * const ctx = propagator.extract(req.headers, (c, k) => c[k] as string | undefined);
 * ```
 */
export interface Propagator {
  /** The header names this propagator writes or reads (lower-case), for carriers that need to know. */
  readonly fields: readonly string[];
  /** Write `context` into `carrier`. Never throws. */
  inject<C>(context: SpanContext, carrier: C, setter: CarrierSetter<C>): void;
  /** Read a context from `carrier`, or `undefined` when none (or none valid) is there. Never throws. */
  extract<C>(carrier: C, getter: CarrierGetter<C>): SpanContext | undefined;
}

/** Names of the built-in propagation formats. */
export type PropagationFormat = 'w3c' | 'b3' | 'b3multi' | 'jaeger' | 'sw8';

/**
 * A minimal logger. The library logs through it at most once per interval per kind of
 * problem; it never logs secrets. `console` fits, as do pino/winston loggers whose methods
 * take a string. An exception thrown by a logger method is swallowed by the library.
 *
 * @example
 * ```ts
 * const logger: Logger = { debug: () => {}, info: (m) => pino.info(m), warn: (m) => pino.warn(m), error: (m) => pino.error(m) };
 * createTracer({ serviceName: 'orders', logger });
 * ```
 */
export interface Logger {
  /** Diagnostic detail; the default logger discards it. */
  debug(message: string): void;
  /** Informational message (e.g. each finished span when `reporter.logSpans` is on). */
  info(message: string): void;
  /** A recoverable problem: spans dropped, a bad header, a collector unreachable. */
  warn(message: string): void;
  /** A failure: spans lost for good, or a part of tracing disabled. */
  error(message: string): void;
}

/**
 * Counters of the export pipeline, as returned by `tracer.stats()`. All counts are spans.
 */
export interface TracerStats {
  /** Spans started (sampled or not). */
  started: number;
  /** Spans ended. */
  finished: number;
  /** Sampled spans accepted by the exporter. */
  exported: number;
  /** Sampled spans dropped (queue full, export failed after retries, shutdown deadline). */
  dropped: number;
  /** Failed `export()` calls (each may cover many spans). */
  exportErrors: number;
  /** Spans waiting in the queue now. */
  queued: number;
}
