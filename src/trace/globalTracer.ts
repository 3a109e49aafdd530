import type { Peer } from '../api/types';
import { configFromEnv } from '../config/env';
import { mergeConfig } from '../config/mergeConfig';
import type { TracerConfig } from '../config/TracerConfig';
import type { ShutdownResult } from '../export/BatchSpanProcessor';
import type { Span } from './Span';
import { Tracer, type SpanOptions } from './Tracer';

let defaultTracer: Tracer | undefined;
let fallbackTracer: Tracer | undefined;

/**
 * Create the process-wide default tracer from `config` merged over the environment
 * (`TRACE_*`, then `JAEGER_*`/`OTEL_*` fallbacks, then the YAML file named by `TRACE_CONFIG`;
 * see the README's configuration table). An explicit key in `config` wins over the
 * environment. Replaces (and shuts down) an earlier default tracer.
 *
 * @throws ConfigError naming the key or environment variable that does not parse
 * @example
 * ```ts
 * init({ serviceName: 'orders' }); // backend etc. from TRACE_TYPE, TRACE_ENDPOINT…
 * ```
 */
export function init(config?: Partial<TracerConfig>, env: NodeJS.ProcessEnv = process.env): Tracer {
  const merged = mergeConfig(configFromEnv(env, { backend: config?.backend }), config) as TracerConfig;
  const tracer = new Tracer(merged);
  const previous = defaultTracer;
  defaultTracer = tracer;
  if (previous) void previous.shutdown();
  return tracer;
}

/**
 * The default tracer set by {@link init}. Before `init()`, a disabled tracer (service
 * `unknown_service`) that records nothing but still propagates context. Never throws.
 *
 * @example
 * ```ts
 * getTracer().createLocalSpan('work').end();
 * ```
 */
export function getTracer(): Tracer {
  if (defaultTracer) return defaultTracer;
  if (!fallbackTracer) fallbackTracer = new Tracer({ serviceName: 'unknown_service', backend: 'noop', disabled: true, recordCaller: false });
  return fallbackTracer;
}

/**
 * Deliver every finished span of the default tracer. Never rejects.
 *
 * @example
 * ```ts
 * await flush();
 * ```
 */
export function flush(): Promise<void> {
  return getTracer().flush();
}

/**
 * Flush and stop the default tracer (see {@link Tracer.shutdown}); `deadlineMs` bounds the
 * delivery time (ms). Never rejects.
 *
 * @example
 * ```ts
 * process.on('SIGTERM', async () => { await shutdown(5000); process.exit(0); });
 * ```
 */
export async function shutdown(deadlineMs?: number): Promise<ShutdownResult> {
  const t = defaultTracer;
  if (!t) return { delivered: 0, dropped: 0 };
  return t.shutdown(deadlineMs);
}

/**
 * go2sky-style entry span on the default tracer (see {@link Tracer.createEntrySpan}).
 * Never throws; before `init()` the span is non-recording but still continues the trace.
 *
 * @example
 * ```ts
 * const span = createEntrySpan('pricing.quote', (key) => getHeader(req, key));
 * ```
 */
export function createEntrySpan(
  operationName: string,
  extract: ((key: string) => string | undefined) | Readonly<Record<string, unknown>>,
  options?: Omit<SpanOptions, 'parent' | 'kind'>,
): Span {
  return getTracer().createEntrySpan(operationName, extract, options);
}

/**
 * go2sky-style exit span on the default tracer (see {@link Tracer.createExitSpan}).
 * Never throws (an `inject` callback that throws is ignored); before `init()` the span is
 * non-recording but still propagates.
 *
 * @example
 * ```ts
 * const span = createExitSpan('pricing.quote', '127.0.0.1:7000', (k, v) => setHeader(req, k, v));
 * ```
 */
export function createExitSpan(operationName: string, peer: string | Peer, inject: (key: string, value: string) => void, options?: Omit<SpanOptions, 'kind' | 'peer'>): Span {
  return getTracer().createExitSpan(operationName, peer, inject, options);
}

/**
 * Local span on the default tracer (see {@link Tracer.createLocalSpan}).
 * Never throws; before `init()` the span is non-recording.
 *
 * @example
 * ```ts
 * const span = createLocalSpan('reserve-stock');
 * ```
 */
export function createLocalSpan(operationName: string, options?: Omit<SpanOptions, 'kind'>): Span {
  return getTracer().createLocalSpan(operationName, options);
}

/**
 * Install handlers that flush and shut down the default tracer (or `tracer`) on SIGTERM and
 * SIGINT, within `deadlineMs` (default 5000 ms), then re-raise the signal's default
 * behaviour (exit with 128 + signal number) unless other listeners exist. Opt-in. Returns a
 * function removing the handlers.
 *
 * @example
 * ```ts
 * flushOnExit();
 * ```
 */
export function flushOnExit(options?: { tracer?: Tracer; deadlineMs?: number }): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    const t = options?.tracer ?? defaultTracer;
    const done = (): void => {
      process.removeListener('SIGTERM', handler);
      process.removeListener('SIGINT', handler);
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    if (!t) return done();
    t.shutdown(options?.deadlineMs ?? 5000).then(done, done);
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return () => {
    process.removeListener('SIGTERM', handler);
    process.removeListener('SIGINT', handler);
  };
}
