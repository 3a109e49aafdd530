import { hostname, networkInterfaces } from 'node:os';
import * as path from 'node:path';
import type {
  Attributes,
  AttributeValue,
  CarrierGetter,
  CarrierSetter,
  FinishedSpan,
  Logger,
  Peer,
  PropagationFormat,
  Propagator,
  Resource,
  Sampler,
  SpanContext,
  SpanExporter,
  SpanKind,
  SpanLayer,
  TracerStats,
} from '../api/types';
import { currentSpan, runWithSpan, withSpan } from '../context/ContextManager';
import { resolveConfig, type ResolvedConfig } from '../config/resolveConfig';
import type { TracerConfig } from '../config/TracerConfig';
import { getBackendFactory, listBackends, type Backend } from '../export/BackendRegistry';
import { BatchSpanProcessor, type ShutdownResult } from '../export/BatchSpanProcessor';
import '../export/builtinBackends';
import { NoopExporter } from '../export/NoopExporter';
import { ConfigError } from '../config/ConfigError';
import { headerGetter, headerSetter } from '../propagation/carriers';
import { createPropagator } from '../propagation/createPropagator';
import { createSampler } from '../sampling/createSampler';
import { newSpanId, newTraceId } from './ids';
import { REDACTED, Span, type SpanOwner } from './Span';

/** Package version, reported as the SDK version. */
export const VERSION = '0.1.0';

/**
 * Options of {@link Tracer.startSpan}.
 */
export interface SpanOptions {
  /** Span kind; default `local`. */
  kind?: SpanKind;
  /**
   * Parent: a local {@link Span}, an extracted {@link SpanContext}, or `null` for a new
   * root. Default: the active span ({@link currentSpan}), if any.
   */
  parent?: Span | SpanContext | null;
  /** Initial tags. */
  attributes?: Record<string, AttributeValue | undefined | null>;
  /** Start time, µs since epoch (default now). */
  startTimeUs?: number;
  /** Remote peer, `host:port` or a {@link Peer}. */
  peer?: string | Peer;
  /** Integration layer (SkyWalking). Default `unknown`. */
  layer?: SpanLayer;
  /** Integration component (`http`, `grpc`, `custom-rpc`, …). */
  component?: string;
}

const SECRET_KEYS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'password',
  'passwd',
  'token',
  'access_token',
  'api_key',
  'apikey',
  'x-api-key',
  'secret',
];

/** Header and query-parameter names never recorded by default (lower-case). */
export const DEFAULT_REDACTED_NAMES: readonly string[] = Object.freeze(SECRET_KEYS.slice());

/** Distinct keys whose {@link Tracer.isRedacted} decision is kept (then the cache starts over). */
const SECRET_DECISIONS_MAX = 1024;

/**
 * `lower` (a lower-cased key) is a secret name of `names`, or its last `.`-separated part is
 * one, or that part ends in one after `-` or `_` (`x-auth-token`, `db_password`).
 */
function matchesSecretName(lower: string, names: ReadonlySet<string>): boolean {
  if (names.has(lower)) return true;
  const last = lower.slice(lower.lastIndexOf('.') + 1);
  if (names.has(last)) return true;
  for (const name of names) {
    if (last.length > name.length && last.endsWith(name)) {
      const sep = last.charCodeAt(last.length - name.length - 1);
      if (sep === 0x2d /* - */ || sep === 0x5f /* _ */) return true;
    }
  }
  return false;
}

function firstIPv4(): string {
  try {
    for (const list of Object.values(networkInterfaces())) {
      for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
    }
  } catch {
    /* no interfaces visible */
  }
  return '127.0.0.1';
}

const defaultLogger: Logger = {
  debug: () => undefined,
  info: (m) => console.info(`[traceandtrace] ${m}`),
  warn: (m) => console.warn(`[traceandtrace] ${m}`),
  error: (m) => console.error(`[traceandtrace] ${m}`),
};

const LIBRARY_ROOT = path.resolve(__dirname, '..', '..');
const LIBRARY_DIRS = [path.join(LIBRARY_ROOT, 'src') + path.sep, path.join(LIBRARY_ROOT, 'adapters') + path.sep];
const FRAME = /^\s*at (?:(.*?) \()?(.*?):(\d+):\d+\)?$/;

/** Format a captured call site as `function (file:line)`, skipping our own and Node's frames. */
function formatCallSite(holder: { stack?: string }): string | undefined {
  const stack = holder.stack;
  if (!stack) return undefined;
  const lines = stack.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const m = FRAME.exec(lines[i]);
    if (!m) continue;
    const file = m[2];
    if (file.startsWith('node:') || file.includes(`${path.sep}node_modules${path.sep}`) || !file.includes(path.sep)) continue;
    if (LIBRARY_DIRS.some((d) => file.startsWith(d))) continue;
    const rel = path.relative(process.cwd(), file.startsWith('file://') ? file.slice(7) : file);
    const fn = m[1] ? m[1].replace(/^async /, '') : '<anonymous>';
    return flatString(`${fn} (${rel}:${m[3]})`);
  }
  return undefined;
}

/**
 * `s` as one flat string: V8 keeps a template literal's result as a chain of its pieces (a
 * "cons string"), which every exporter then reads again through the chain on each span — the
 * OTLP serializer reads each string char by char three times. A property name is stored flat
 * and internalized, so the caller tag, made once per call site, goes through one (~30–100 ns
 * a span less for an OTLP batch's protobuf, ~2.3 µs a span, in interleaved runs).
 */
function flatString(s: string): string {
  return Object.keys({ [s]: 0 })[0] ?? s;
}

/**
 * A tracer for one service: creates spans, keeps the active span in `AsyncLocalStorage`,
 * injects and extracts SpanContexts, samples, and delivers finished spans to its backend
 * through a bounded batch pipeline.
 *
 * Create one with {@link createTracer} (or the process default with `init()`). Every method
 * is safe to call at any time: none throws into application code once the tracer exists
 * (configuration errors are thrown by the constructor, naming the key).
 *
 * @example
 * ```ts
 * const tracer = createTracer({ serviceName: 'orders', backend: 'console' });
 * await tracer.startActiveSpan('load-order', { kind: 'local' }, async (span) => {
 *   span.setTag('order.id', id);
 *   return db.load(id);
 * });
 * await tracer.shutdown();
 * ```
 */
export class Tracer implements SpanOwner {
  /** The validated configuration with defaults filled. */
  readonly config: ResolvedConfig;
  /** Service identity attached to every span. */
  readonly resource: Resource;
  /** The backend's exporter (e.g. a `MemoryExporter` for backend `memory`). */
  readonly exporter: SpanExporter;
  /** The propagator used by {@link Tracer.inject}/{@link Tracer.extract} and the integrations. */
  readonly propagator: Propagator;
  /** Per key list of the integrations: may spans take those tags as built? (see {@link Tracer._canAdoptTags}) */
  private readonly adoptableTags = new Map<readonly string[], boolean>();
  /** `sw8` is among the injected formats: {@link Tracer.injectSpan} must build the SkyWalking data. */
  private readonly injectsSw8: boolean;
  /** The sampler deciding new traces. */
  readonly sampler: Sampler;
  /** The library's logger. */
  readonly logger: Logger;
  /** Propagation formats in use. */
  readonly propagation: { readonly inject: readonly PropagationFormat[]; readonly extract: readonly PropagationFormat[] };
  /** @internal limits (see LimitsConfig). */
  readonly maxAttributes: number;
  /** @internal */
  readonly maxAttributeValueLength: number;
  /** @internal */
  readonly maxEvents: number;
  /** @internal lower-case keys whose values are redacted (see {@link Tracer.isRedacted}). */
  readonly redactedKeys: ReadonlySet<string>;
  /** @internal `isRedacted('caller')`, decided once (spans set `caller` first, see `Span._setCaller`). */
  readonly redactsCaller: boolean;
  /** Decisions of {@link Tracer.isRedacted} per key as given (bounded: cleared at {@link SECRET_DECISIONS_MAX}). */
  private readonly secretDecisions = new Map<string, boolean>();
  private readonly processor: BatchSpanProcessor;
  /**
   * The exporter discards everything (backend `noop`, or tracing disabled): finished spans are
   * counted as exported at `end()` instead of being queued, so they die young (no queue, no
   * batch, no timer work per batch).
   */
  private readonly discardAtEnd: boolean;
  private readonly disabled: boolean;
  private readonly recordCaller: boolean;
  private readonly logSpans: boolean;
  /** Caller per span kind and operation name (see {@link Tracer.callerFor}). */
  private readonly callers: Record<SpanKind, Map<string, string | null>> = {
    entry: new Map(),
    exit: new Map(),
    local: new Map(),
    producer: new Map(),
    consumer: new Map(),
  };
  private callSites = 0;
  private started = 0;
  private finished = 0;
  private closed: Promise<ShutdownResult> | undefined;

  /**
   * @throws ConfigError when a config key is missing, mistyped or out of range, or the
   *   backend is not registered (the message names the key).
   */
  constructor(config: TracerConfig) {
    if (config === null || typeof config !== 'object') throw new ConfigError('config', 'config must be an object with at least serviceName');
    const backendName = (config.backend ?? 'noop').toString();
    this.config = resolveConfig(config);
    this.logger = this.config.logger ?? defaultLogger;
    this.disabled = this.config.disabled === true;
    const res = this.config;
    const redacted = new Set<string>(SECRET_KEYS);
    for (const name of res.redact ?? []) redacted.add(name.toLowerCase());
    for (const name of [...redacted]) {
      redacted.add(`http.request.header.${name}`);
      redacted.add(`http.response.header.${name}`);
    }
    this.redactedKeys = redacted;
    this.redactsCaller = this.isRedacted('caller');
    // Process tags go out with every span: a secret among them is redacted like a span tag's.
    const processTags = Object.fromEntries(Object.entries(res.tags ?? {}).map(([k, v]) => [k, this.isRedacted(k) ? REDACTED : v]));
    const host = hostname();
    this.resource = Object.freeze({
      serviceName: res.serviceName,
      serviceInstance: res.serviceInstance ?? `${process.pid}@${host}`,
      hostname: host,
      ip: firstIPv4(),
      sdkVersion: `traceandtrace-node-${VERSION}`,
      attributes: Object.freeze(processTags),
    });
    const limits = res.limits;
    this.maxAttributes = limits.maxAttributes;
    this.maxAttributeValueLength = limits.maxAttributeValueLength;
    this.maxEvents = limits.maxEvents;
    this.recordCaller = res.recordCaller !== false;
    this.logSpans = res.reporter.logSpans === true;

    let backend: Backend;
    if (this.disabled) {
      backend = { exporter: new NoopExporter() };
    } else {
      const factory = getBackendFactory(backendName);
      if (!factory) {
        throw new ConfigError(
          'backend',
          `unknown backend "${backendName}"; registered backends: ${listBackends().join(', ')} (import 'traceandtrace/adapters' to register jaeger, zipkin, skywalking and otlp)`,
        );
      }
      backend = factory({ config: this.config, resource: this.resource, logger: this.logger });
    }
    this.exporter = backend.exporter;
    this.discardAtEnd = this.exporter instanceof NoopExporter;
    const configured = res.propagation;
    const formats = Array.isArray(configured)
      ? { inject: configured, extract: configured }
      : configured ?? backend.defaultPropagation ?? { inject: ['w3c'], extract: ['w3c', 'b3multi', 'b3', 'jaeger', 'sw8'] };
    this.propagation = { inject: [...formats.inject], extract: [...formats.extract] };
    this.injectsSw8 = this.propagation.inject.includes('sw8');
    this.propagator = createPropagator(this.propagation, { maxBaggageItems: limits.maxBaggageItems, maxBaggageBytes: limits.maxBaggageBytes });
    this.sampler =
      backend.sampler ??
      createSampler(res.sampler, { serviceName: res.serviceName, agentHost: res.agentHost, logger: this.logger });
    this.processor = new BatchSpanProcessor(
      this.exporter,
      {
        queueSize: res.reporter.queueSize,
        flushInterval: res.reporter.flushInterval,
        maxBatchSize: res.reporter.maxBatchSize,
        exportTimeout: res.reporter.timeout,
        maxRetries: res.reporter.maxRetries,
      },
      this.logger,
    );
  }

  /** The service name. */
  get serviceName(): string {
    return this.resource.serviceName;
  }

  /**
   * Start a span. It is not made active: use {@link Tracer.withSpan} or
   * {@link Tracer.startActiveSpan} for that. Never throws.
   *
   * Parent resolution: `options.parent` when given (`null` = new root), else the active span.
   * A local parent's sampling decision is inherited; for a new root or a remote parent the
   * sampler decides (every built-in sampler honours a remote parent's decision).
   *
   * @example
   * ```ts
   * const span = tracer.startSpan('GET /orders', { kind: 'entry', parent: extracted });
   * ```
   */
  startSpan(name: string, options?: SpanOptions): Span {
    this.started++;
    const kind = options?.kind ?? 'local';
    const parentOpt = options?.parent === undefined ? currentSpan() : options.parent;
    let span: Span;
    if (parentOpt instanceof Span && parentOpt._owner === this) {
      span = new Span(this, name, kind, parentOpt.traceId, newSpanId(), parentOpt.spanId, parentOpt.sampled, parentOpt.debug,
        parentOpt.baggage, parentOpt, undefined, options?.startTimeUs, options?.layer ?? 'unknown');
    } else {
      const parentCtx = parentOpt instanceof Span ? parentOpt.context() : parentOpt ?? undefined;
      if (parentCtx && typeof parentCtx.traceId === 'string') {
        const sampled = !this.disabled && this.decide(name, parentCtx, parentCtx.traceId);
        span = new Span(this, name, kind, parentCtx.traceId, newSpanId(), parentCtx.spanId, sampled, parentCtx.debug === true,
          parentCtx.baggage, undefined, parentCtx, options?.startTimeUs, options?.layer ?? 'unknown');
      } else {
        const traceId = newTraceId();
        const sampled = !this.disabled && this.decide(name, undefined, traceId);
        span = new Span(this, name, kind, traceId, newSpanId(), undefined, sampled, false, undefined, undefined, undefined,
          options?.startTimeUs, options?.layer ?? 'unknown');
      }
    }
    if (span.sampled) {
      if (options?.component !== undefined) span.component = options.component;
      if (options?.peer !== undefined) span.setPeer(options.peer);
      if (options?.attributes !== undefined) span.setAttributes(options.attributes);
      if (this.recordCaller) {
        const caller = this.callerFor(kind, name);
        if (caller !== null) span._setCaller(caller);
      }
    } else if (options?.peer !== undefined) {
      span.setPeer(options.peer); // needed by sw8's target address even when not recorded
    }
    return span;
  }

  /**
   * The caller (`function (file:line)`) of the first span started with this kind and
   * operation name, captured and formatted once, then shared: a stack capture costs 5–15 µs
   * here, a map lookup a few ns. Per kind, because an entry span and an exit span of the
   * same name (a proxy's `GET /orders` in and out) start in different places. Bounded: past
   * {@link MAX_CALL_SITES} kind/name pairs, new ones get no caller tag. `null` when no frame
   * outside the library was found (e.g. a server span started from node:http's own frames).
   */
  private callerFor(kind: SpanKind, name: string): string | null {
    const c = this.callers;
    // No indexing by an untyped caller's string (`__proto__`…): unknown kinds share 'local'.
    const sites = kind === 'entry' ? c.entry : kind === 'exit' ? c.exit : kind === 'producer' ? c.producer : kind === 'consumer' ? c.consumer : c.local;
    let caller = sites.get(name);
    if (caller === undefined) {
      if (this.callSites >= MAX_CALL_SITES) return null;
      const holder: { stack?: string } = {};
      Error.captureStackTrace(holder);
      caller = formatCallSite(holder) ?? null;
      sites.set(name, caller);
      this.callSites++;
    }
    return caller;
  }

  private decide(name: string, parent: SpanContext | undefined, traceId: string): boolean {
    try {
      return this.sampler.shouldSample(name, parent, traceId) === true;
    } catch {
      return false;
    }
  }

  /**
   * Start a span, make it active while `fn` runs, and end it when `fn` returns or, for a
   * promise, when it settles. A throw or rejection is recorded on the span
   * ({@link Span.recordError}) and re-thrown unchanged. Returns what `fn` returns.
   *
   * @example
   * ```ts
   * const rows = await tracer.startActiveSpan('query', { kind: 'exit', peer: 'db:5432' }, async (span) => db.query(sql));
   * ```
   */
  startActiveSpan<T>(name: string, fn: (span: Span) => T): T;
  startActiveSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => T): T;
  startActiveSpan<T>(name: string, a: SpanOptions | ((span: Span) => T), b?: (span: Span) => T): T {
    const fn = (typeof a === 'function' ? a : b) as (span: Span) => T;
    const options = typeof a === 'function' ? undefined : a;
    const span = this.startSpan(name, options);
    return runWithSpan(span, runActive, span, fn as (span: Span) => unknown) as T;
  }

  /**
   * Run `fn` with `span` active (see {@link withSpan}).
   * Whatever `fn` throws (or its promise rejects with) reaches the caller unchanged; the
   * span is not ended here.
   *
   * @example
   * ```ts
   * tracer.withSpan(span, () => next());
   * ```
   */
  withSpan<T>(span: Span | undefined, fn: () => T): T {
    return withSpan(span, fn);
  }

  /**
   * Start an entry (server) span continuing the trace found through `extract`, go2sky style:
   * `extract(key)` returns the value of header `key` (lower-case names) or `undefined`.
   * A header object (node:http `req.headers`, a plain record) may be passed instead; use it
   * when callers send Jaeger `uberctx-*` baggage, whose keys a get-function cannot list.
   * With no valid incoming context the span starts a new root trace. Never throws.
   *
   * @example
   * ```ts
   * const span = tracer.createEntrySpan('pricing.quote', (key) => getHeader(req, key));
   * await tracer.withSpan(span, () => handle(req));
   * span.end();
   * ```
   */
  createEntrySpan(
    operationName: string,
    extract: ((key: string) => string | undefined) | Readonly<Record<string, unknown>>,
    options?: Omit<SpanOptions, 'parent' | 'kind'>,
  ): Span {
    const parent = typeof extract === 'function' ? this.extract(extract, callGetter) : this.extract(extract);
    return this.startSpan(operationName, { ...options, kind: 'entry', parent: parent ?? null });
  }

  /**
   * Start an exit (client) span as a child of the active span and write its context through
   * `inject(key, value)`, go2sky style. `peer` is the remote address (`host:port`).
   * Never throws (an `inject` callback that throws is ignored).
   *
   * @example
   * ```ts
   * const span = tracer.createExitSpan('pricing.quote', '127.0.0.1:7000', (k, v) => setHeader(req, k, v));
   * ```
   */
  createExitSpan(operationName: string, peer: string | Peer, inject: (key: string, value: string) => void, options?: Omit<SpanOptions, 'kind' | 'peer'>): Span {
    const span = this.startSpan(operationName, { ...options, kind: 'exit', peer });
    this.injectSpan(span, inject, callSetter);
    return span;
  }

  /**
   * Start a local (internal) span as a child of the active span.
   * Never throws (see {@link Tracer.startSpan}); end it with `span.end()`.
   *
   * @example
   * ```ts
   * const span = tracer.createLocalSpan('reserve-stock'); try { … } finally { span.end(); }
   * ```
   */
  createLocalSpan(operationName: string, options?: Omit<SpanOptions, 'kind'>): Span {
    return this.startSpan(operationName, { ...options, kind: 'local' });
  }

  /**
   * Write `context` into `carrier` in every configured propagation format. The default
   * setter writes a property of a plain object (HTTP headers). Never throws.
   *
   * @example
   * ```ts
   * const headers: Record<string, string> = {};
   * tracer.inject(span.context(), headers);
   * ```
   */
  inject<C>(context: SpanContext, carrier: C, setter?: CarrierSetter<C>): void {
    try {
      this.propagator.inject(context, carrier, setter ?? (headerSetter as unknown as CarrierSetter<C>));
    } catch {
      /* a hostile carrier must not break the request */
    }
  }

  /**
   * True when values recorded under `key` (a tag, event field, header or query parameter
   * name) are replaced by `[REDACTED]`: when the key, compared without regard to case, is a
   * secret name — the defaults ({@link DEFAULT_REDACTED_NAMES}: `authorization`, `cookie`,
   * `password`, `token`…) or one on the `redact` list — or ends in one after a `.`, `-` or
   * `_` (`db.password`, `X-Auth-Token`, `http.request.header.cookie`, `user_api_key`).
   * Decided once per distinct key. Never throws.
   *
   * @example
   * ```ts
   * tracer.isRedacted('Authorization'); // true
   * tracer.isRedacted('db.password'); // true
   * tracer.isRedacted('http.request.method'); // false
   * ```
   */
  isRedacted(key: string): boolean {
    const known = this.secretDecisions.get(key);
    if (known !== undefined) return known;
    let secret = false;
    try {
      secret = matchesSecretName(String(key).toLowerCase(), this.redactedKeys);
    } catch {
      secret = true; // a key that cannot even be read as a string: keep its value out
    }
    if (this.secretDecisions.size >= SECRET_DECISIONS_MAX) this.secretDecisions.clear();
    this.secretDecisions.set(key, secret);
    return secret;
  }

  /**
   * True when spans may take tags with these keys as built (see `Span._setTagsAsOne`): none of
   * them is redacted and the tag limit leaves room for them all plus 4 more. Decided once
   * per key list (the integrations pass module constants).
   * @internal
   */
  _canAdoptTags(keys: readonly string[]): boolean {
    let ok = this.adoptableTags.get(keys);
    if (ok === undefined) {
      ok = keys.length + 4 <= this.maxAttributes && keys.every((k) => !this.isRedacted(k));
      this.adoptableTags.set(keys, ok);
    }
    return ok;
  }

  /**
   * Write `span`'s context into `carrier` in every configured propagation format, as
   * `inject(span.context(), carrier, setter)` does, but without building the SkyWalking data
   * when `sw8` is not among the formats injected. The integrations use it. Never throws.
   *
   * @example
   * ```ts
   * const publish = tracer.startSpan('orders publish', { kind: 'producer' });
   * tracer.injectSpan(publish, message.headers);
   * ```
   */
  injectSpan<C>(span: Span, carrier: C, setter?: CarrierSetter<C>): void {
    try {
      this.inject(this.injectsSw8 ? span.context() : span._contextWithoutSw8(), carrier, setter);
    } catch {
      /* a hostile span or carrier must not break the request */
    }
  }

  /**
   * Read a SpanContext from `carrier`, trying the configured formats in order. The default
   * getter reads node:http-style headers case-insensitively. Returns `undefined` when no valid
   * context is there. Never throws.
   *
   * @example
   * ```ts
   * const parent = tracer.extract(req.headers);
   * ```
   */
  extract<C>(carrier: C, getter?: CarrierGetter<C>): SpanContext | undefined {
    try {
      return this.propagator.extract(carrier, getter ?? (headerGetter as unknown as CarrierGetter<C>));
    } catch {
      return undefined;
    }
  }

  /** @internal called by Span.end(). */
  onSpanEnd(span: Span): void {
    this.finished++;
    if (!span.sampled) return;
    if (this.logSpans) {
      try {
        this.logger.info(`span ${span.name} ${span.traceId}:${span.spanId} ${span.kind} ${span.endTimeUs - span.startTimeUs}µs${span.status.code === 'error' ? ' error' : ''}`);
      } catch {
        /* ignore */
      }
    }
    if (this.discardAtEnd) this.processor.counters.exported++;
    else this.processor.onEnd(span);
  }

  /**
   * Counters: spans started, finished, exported, dropped, failed export calls, queued now.
   * Never throws: an exporter whose `droppedSpans()` throws counts 0 there.
   *
   * @example
   * ```ts
   * const { dropped } = tracer.stats();
   * ```
   */
  stats(): TracerStats {
    const c = this.processor.counters;
    // Spans an exporter accepted into a buffer of its own and later dropped were counted as
    // exported when export() resolved: move them from exported to dropped.
    const lost = Math.min(this.exporterDrops(), c.exported);
    return {
      started: this.started,
      finished: this.finished,
      exported: c.exported - lost,
      dropped: c.dropped + lost,
      exportErrors: c.exportErrors,
      queued: this.processor.queued,
    };
  }

  private exporterDrops(): number {
    try {
      const n = this.exporter.droppedSpans?.();
      return typeof n === 'number' && Number.isFinite(n) ? n : 0;
    } catch {
      return 0;
    }
  }

  /**
   * Deliver every span finished so far (the queue, then the exporter's own buffers).
   * Resolves when done, never rejects (failures are counted in `stats()`).
   *
   * @example
   * ```ts
   * await tracer.flush();
   * ```
   */
  flush(): Promise<void> {
    return this.processor.forceFlush();
  }

  /**
   * Flush, then stop: timers cleared, exporter shut down. Delivers what it can before
   * `deadlineMs` (default 30000 ms) and reports what it had to drop. Idempotent; never rejects.
   * Spans ending afterwards are dropped and counted.
   *
   * @example
   * ```ts
   * const { dropped } = await tracer.shutdown(5000);
   * ```
   */
  shutdown(deadlineMs?: number): Promise<ShutdownResult> {
    if (!this.closed) {
      this.closed = this.processor.shutdown(deadlineMs).then((r) => {
        try {
          this.sampler.close?.();
        } catch {
          /* ignore */
        }
        return r;
      });
    }
    return this.closed;
  }
}

/** Operation names whose caller a tracer remembers. */
const MAX_CALL_SITES = 1000;

/** Ends a span when its promise settles; shared, so no closure is made per span. */
function endOnFulfil(this: Span, value: unknown): unknown {
  this.end();
  return value;
}

function endOnReject(this: Span, err: unknown): never {
  this.recordError(err);
  this.end();
  throw err;
}

/**
 * Body of {@link Tracer.startActiveSpan}, run inside the span's context: call the user's
 * function, end the span when it returns (or its promise settles), record a throw/rejection.
 */
function runActive(span: Span, fn: (span: Span) => unknown): unknown {
  let result: unknown;
  try {
    result = fn(span);
  } catch (err) {
    span.recordError(err);
    span.end();
    throw err;
  }
  if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
    return (result as Promise<unknown>).then(endOnFulfil.bind(span), endOnReject.bind(span));
  }
  span.end();
  return result;
}

function callGetter(fn: (key: string) => string | undefined, key: string): string | undefined {
  const v = fn(key);
  return typeof v === 'string' ? v : undefined;
}

function callSetter(fn: (key: string, value: string) => void, key: string, value: string): void {
  try {
    fn(key, value);
  } catch {
    /* ignore */
  }
}

/**
 * Create a tracer for one service.
 *
 * @param config - see {@link TracerConfig}; only `serviceName` is required
 * @throws ConfigError naming the offending key when the config is invalid
 * @example
 * ```ts
 * const tracer = createTracer({ serviceName: 'gateway', backend: 'console' });
 * ```
 */
export function createTracer(config: TracerConfig): Tracer {
  return new Tracer(config);
}
