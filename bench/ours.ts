/**
 * Our library as the benchmark sees it. The package entry is loaded at run time
 * (`require('../src')`) and used through the narrow structural types below, so the bench
 * keeps compiling whatever stage the core and the adapters are at; a missing piece makes
 * the rows that need it print `n/a` instead of breaking `npm run build`.
 *
 * @packageDocumentation
 */
import { CHILD_NAME, PARENT_NAME, TAG_KEYS, TAG_VALUES, type Mode, type SpanImpl } from './impl';
import type { ReceiverPorts } from './receivers';

/** The part of our Span the bench uses. */
export interface OurSpan {
  setTag(key: string, value: string | number | boolean): unknown;
  end(endTimeUs?: number): void;
  context(): { traceId: string; spanId: string };
}

/** Counters of `tracer.stats()`. */
export interface OurStats {
  started: number;
  finished: number;
  exported: number;
  dropped: number;
  exportErrors: number;
  queued: number;
}

/** The part of our Tracer the bench uses. */
export interface OurTracer {
  startSpan(name: string, options?: Record<string, unknown>): OurSpan;
  startActiveSpan<T>(name: string, options: Record<string, unknown>, fn: (span: OurSpan) => T): T;
  withSpan<T>(span: OurSpan | undefined, fn: () => T): T;
  flush(): Promise<void>;
  shutdown(deadlineMs?: number): Promise<unknown>;
  stats(): OurStats;
}

/** The part of the package entry the bench uses. */
export interface OurLib {
  createTracer(config: Record<string, unknown>): OurTracer;
}

let cached: OurLib | null | undefined;

/** Why {@link loadOurs} returned `undefined` (the load error's message), if it did. */
export let oursUnavailableReason: string | undefined;

/**
 * The package entry with the adapters registered, or `undefined` when `createTracer` is not
 * exported yet. Never throws.
 *
 * @example
 * ```ts
 * const lib = loadOurs();
 * if (lib) lib.createTracer({ serviceName: 'bench', backend: 'noop' });
 * ```
 */
export function loadOurs(): OurLib | undefined {
  if (cached !== undefined) return cached ?? undefined;
  cached = null;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const lib = require('../src') as Partial<OurLib>;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('../adapters');
    } catch {
      /* adapters missing: their rows print n/a */
    }
    if (typeof lib.createTracer === 'function') cached = lib as OurLib;
    else oursUnavailableReason = 'src/index.ts does not export createTracer';
  } catch (err) {
    oursUnavailableReason = `loading the package entry failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
  }
  return cached ?? undefined;
}

/** The backends of ours the per-span tables measure. */
export const OUR_BACKENDS = ['noop', 'memory', 'jaeger', 'zipkin', 'skywalking', 'otlp'] as const;
/** One of {@link OUR_BACKENDS}. */
export type OurBackend = (typeof OUR_BACKENDS)[number];

/**
 * The endpoint each adapter backend gets, pointing at the local discard receivers.
 *
 * @example
 * ```ts
 * endpointFor('zipkin', { http: 9411, grpc: 11800 }); // → 'http://127.0.0.1:9411/api/v2/spans'
 * ```
 */
export function endpointFor(backend: string, ports: ReceiverPorts | undefined): string | undefined {
  if (!ports) return undefined;
  switch (backend) {
    case ZIPKIN_IDENTITY_BACKEND:
      return endpointFor('zipkin', ports);
    case 'jaeger':
      return `http://127.0.0.1:${ports.http}/api/traces`;
    case 'zipkin':
      return `http://127.0.0.1:${ports.http}/api/v2/spans`;
    case 'otlp':
      return `http://127.0.0.1:${ports.http}/v1/traces`;
    case 'skywalking':
      return `127.0.0.1:${ports.grpc}`;
    default:
      return undefined;
  }
}

/** Extra options of {@link createOurTracer}. */
export interface OurTracerOptions {
  /** Spans the queue must hold without dropping. */
  queueSize: number;
  /** Flush interval, ms (use a huge one to keep spans queued). */
  flushInterval?: number;
  /** Maximum spans per export call. */
  maxBatchSize?: number;
  /** `recordCaller` config key (default: the library's default). */
  recordCaller?: boolean;
  /** Endpoint overriding {@link endpointFor}. */
  endpoint?: string;
}

/** Name of the backend {@link registerDiscardBackend} registers. */
export const DISCARD_BACKEND = 'bench-discard';

/**
 * Register (idempotently) backend `bench-discard`: an exporter that drops every batch, so
 * finished spans still go through our real pipeline (queued, batch-exported) as the
 * OpenTelemetry rows' do (backend `noop` would not queue them at all). False without the core.
 *
 * @example
 * ```ts
 * registerDiscardBackend(); createOurTracer(DISCARD_BACKEND, undefined, { queueSize: 1 << 16 });
 * ```
 */
export function registerDiscardBackend(): boolean {
  const lib = loadOurs() as unknown as { registerBackend?: (name: string, f: () => { exporter: unknown }) => void } | undefined;
  if (!lib?.registerBackend) return false;
  lib.registerBackend(DISCARD_BACKEND, () => ({
    exporter: { export: async () => undefined, forceFlush: async () => undefined, shutdown: async () => undefined },
  }));
  return true;
}

/**
 * A tracer of ours for `backend`, exporting to the local discard receivers. Undefined when
 * the core is not there yet; throws when the backend cannot be created (the row shows n/a).
 *
 * @example
 * ```ts
 * const t = createOurTracer('zipkin', ports, { queueSize: 1 << 17 });
 * ```
 */
export function createOurTracer(backend: string, ports: ReceiverPorts | undefined, options: OurTracerOptions): OurTracer | undefined {
  const lib = loadOurs();
  if (!lib) return undefined;
  const config: Record<string, unknown> = {
    serviceName: 'bench',
    backend,
    reporter: {
      queueSize: options.queueSize,
      flushInterval: options.flushInterval ?? 1000,
      maxBatchSize: options.maxBatchSize ?? 512,
    },
    logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  };
  const endpoint = options.endpoint ?? endpointFor(backend, ports);
  if (endpoint) config.endpoint = endpoint;
  if (options.recordCaller !== undefined) config.recordCaller = options.recordCaller;
  return lib.createTracer(config);
}

/** Name of the backend {@link registerZipkinIdentityBackend} registers. */
export const ZIPKIN_IDENTITY_BACKEND = 'bench-zipkin-identity';

/**
 * Register (idempotently) backend `bench-zipkin-identity`: our Zipkin adapter's exporter with
 * `compression: 'none'` (the `zipkin` backend gzips bodies of 1 KiB and more by default;
 * zipkin-js's HttpLogger never does), for section 5's like-for-like row. False without the
 * Zipkin adapter.
 *
 * @example
 * ```ts
 * registerZipkinIdentityBackend(); createOurTracer(ZIPKIN_IDENTITY_BACKEND, ports, { queueSize: 1 << 16 });
 * ```
 */
export function registerZipkinIdentityBackend(): boolean {
  const lib = loadOurs() as unknown as { registerBackend?: (name: string, f: (ctx: { config: { endpoint?: string }; logger: unknown }) => { exporter: unknown }) => void } | undefined;
  if (!lib?.registerBackend) return false;
  let zipkin: { ZipkinExporter: new (o: { url: URL; compression: 'none'; logger: unknown }) => unknown; zipkinUrl(c: { endpoint?: string }): URL };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    zipkin = require('../adapters/zipkin') as typeof zipkin;
  } catch {
    return false;
  }
  lib.registerBackend(ZIPKIN_IDENTITY_BACKEND, ({ config, logger }) => ({
    exporter: new zipkin.ZipkinExporter({ url: zipkin.zipkinUrl(config), compression: 'none', logger }),
  }));
  return true;
}

/**
 * Our library as a {@link SpanImpl}: the workload uses `tracer.startActiveSpan(name, {}, fn)`
 * (AsyncLocalStorage activation; the child's parent is the active span), `span.setTag` × 3
 * and `span.end()`.
 *
 * Modes: `discard` → the backend's exporter behind our pipeline, flushed between rounds
 * (outside the timing); `encode` → the same, with `drain()` (timed) flushing every span through
 * the adapter's exporter to the local discard receiver; `hold` → queue large enough for the run,
 * flush interval of 10^9 ms, nothing exported (`drain()` does nothing; `close()` drops the queue
 * with `shutdown(0)`).
 *
 * @example
 * ```ts
 * const impl = await createOurImpl('noop', 'discard', ports);
 * ```
 */
export async function createOurImpl(
  backend: string,
  mode: Mode,
  ports: ReceiverPorts | undefined,
  extra: { recordCaller?: boolean; label?: string } = {},
): Promise<SpanImpl | undefined> {
  const big = 1 << 18;
  const tracer = createOurTracer(backend, ports, {
    queueSize: big,
    flushInterval: mode === 'hold' ? 1e9 : 1000,
    maxBatchSize: mode === 'hold' ? big : 512,
    recordCaller: extra.recordCaller,
  });
  if (!tracer) return undefined;
  const k0 = TAG_KEYS[0], k1 = TAG_KEYS[1], k2 = TAG_KEYS[2];
  const v0 = TAG_VALUES[0], v1 = TAG_VALUES[1], v2 = TAG_VALUES[2];
  const noOptions: Record<string, unknown> = {};
  const child = (span: OurSpan): void => {
    span.setTag(k0, v0);
    span.setTag(k1, v1);
    span.setTag(k2, v2);
    span.end();
  };
  let n = 0;
  const parentBody = (parent: OurSpan): void => {
    for (let c = 0; c < n; c++) tracer.startActiveSpan(CHILD_NAME, noOptions, child);
    parent.end();
  };
  // Sanity: the child really is a child of the active span.
  let ok = false;
  tracer.startActiveSpan(PARENT_NAME, noOptions, (p) => {
    tracer.startActiveSpan(CHILD_NAME, noOptions, (c) => {
      ok = c.context().traceId === p.context().traceId;
      c.end();
    });
    p.end();
  });
  if (!ok) throw new Error('child span is not in the active span\'s trace');
  await tracer.flush();
  return {
    name: extra.label ?? `ours (${backend})`,
    run(parents: number, children: number): void {
      n = children;
      for (let p = 0; p < parents; p++) tracer.startActiveSpan(PARENT_NAME, noOptions, parentBody);
    },
    async drain(): Promise<void> {
      if (mode === 'hold') return; // the heap section discards the queue with shutdown(0)
      await tracer.flush();
      if (backend === 'memory') {
        const exp = (tracer as unknown as { exporter?: { reset?: () => void } }).exporter;
        exp?.reset?.();
      }
    },
    async close(): Promise<void> {
      await tracer.shutdown(mode === 'hold' ? 0 : 5000);
    },
    held(): number {
      return mode === 'hold' ? tracer.stats().queued : -1;
    },
  };
}
