import { hostname } from 'node:os';
import type { PropagationFormat } from '../api/types';
import type { LimitsConfig, ReporterConfig, TracerConfig } from './TracerConfig';
import { checkConfigFields, fail, pathKey } from './validate';

/**
 * Reporter settings with every default filled in (units as in {@link ReporterConfig}: ms, spans).
 *
 * @example
 * ```ts
 * resolveConfig({ serviceName: 's' }).reporter.flushInterval; // 1000
 * ```
 */
export interface ResolvedReporterConfig extends ReporterConfig {
  /** Spans the export queue holds before dropping new ones; default 2048. */
  queueSize: number;
  /** Time between two exports of a partial batch, ms; default 1000. */
  flushInterval: number;
  /** Spans per `export()` call; default 512. */
  maxBatchSize: number;
  /** Deadline of one export request, ms; default 10000. */
  timeout: number;
  /** Retries of a batch rejected with `retryable: true` before it is dropped; default 3. */
  maxRetries: number;
  /** Log every finished span through the logger (`info`); default false. */
  logSpans: boolean;
}

/**
 * A validated {@link TracerConfig} with every default filled in.
 *
 * `agentHost` defaults to the host of a `udp://` endpoint (the Jaeger agent, which also
 * serves remote sampling on :5778). Still optional, because their defaults depend on the
 * backend or the core: `endpoint`, `agentHost`, `sampler` (undefined → parent-based const-true, see `createSampler`),
 * `logger` (the core's console logger). `propagation`, when given, is normalised to the
 * `{ inject, extract }` form; when absent the backend's default applies.
 *
 * @example
 * ```ts
 * const cfg: ResolvedConfig = resolveConfig({ serviceName: 'orders' }); // cfg.backend === 'noop'
 * ```
 */
export interface ResolvedConfig extends TracerConfig {
  /** The service name, trimmed and non-empty (required). */
  serviceName: string;
  /** Default `<pid>@<hostname>`. */
  serviceInstance: string;
  /** Lower-cased registered backend name. Default `noop`. */
  backend: string;
  /** Formats to inject / extract, normalised; `undefined` → the backend's default. */
  propagation?: { inject: PropagationFormat[]; extract: PropagationFormat[] };
  /** Reporter settings with defaults filled in (see {@link DEFAULT_REPORTER}). */
  reporter: ResolvedReporterConfig;
  /** Limits with defaults filled in (see {@link DEFAULT_LIMITS}). */
  limits: Required<LimitsConfig>;
  /** Default `{}`. */
  tags: Record<string, string>;
  /** Default true. */
  recordCaller: boolean;
  /** Default false. */
  disabled: boolean;
  /** Default `[]`. */
  ignorePaths: Array<string | RegExp>;
  /** Lower-cased names; default `[]`. */
  redact: string[];
}

/**
 * Defaults of {@link ReporterConfig}: queueSize 2048 spans, flushInterval 1000 ms, maxBatchSize 512 spans, timeout 10000 ms, maxRetries 3.
 *
 * @example
 * ```ts
 * DEFAULT_REPORTER.queueSize; // 2048
 * ```
 */
export const DEFAULT_REPORTER: Readonly<ResolvedReporterConfig> = Object.freeze({
  queueSize: 2048,
  flushInterval: 1000,
  maxBatchSize: 512,
  timeout: 10000,
  maxRetries: 3,
  logSpans: false,
});

/**
 * Defaults of {@link LimitsConfig}: 128 attributes, 4096 chars per value, 128 events, 64 baggage items, 8192 baggage bytes.
 *
 * @example
 * ```ts
 * DEFAULT_LIMITS.maxBaggageBytes; // 8192
 * ```
 */
export const DEFAULT_LIMITS: Readonly<Required<LimitsConfig>> = Object.freeze({
  maxAttributes: 128,
  maxAttributeValueLength: 4096,
  maxEvents: 128,
  maxBaggageItems: 64,
  maxBaggageBytes: 8192,
});

/**
 * Validates every key of a tracer config and fills the defaults.
 *
 * Checks (each failure is a {@link ConfigError} whose `key` is the config path, e.g.
 * `reporter.queueSize`, `sampler.param`, `propagation[1]`):
 * - unknown keys at every level (catches typos, with a "did you mean" hint);
 * - `serviceName` a non-empty string (required);
 * - `backend` registered in the backend registry (case-insensitive; the error lists the
 *   registered names);
 * - `endpoint` an `http(s)://`, `udp://`, `grpc(s)://` URL or `host:port`;
 * - `sampler` as documented on `SamplerConfig` (const param 0/1, probabilistic in [0, 1],
 *   ratelimiting ≥ 0 …), or a `Sampler`, or a function;
 * - `propagation` names among w3c, b3, b3multi, jaeger, sw8;
 * - `reporter`: queueSize / maxBatchSize positive integers, flushInterval / timeout positive ms,
 *   maxRetries integer ≥ 0, headers valid names without CR/LF; `limits` integers ≥ 0.
 * Secret values (user, password, token, headers) never appear in the messages.
 *
 * Defaults: backend `noop`; reporter queueSize 2048, flushInterval 1000 ms, maxBatchSize 512,
 * timeout 10000 ms, maxRetries 3, logSpans false; limits 128 / 4096 / 128 / 64 / 8192;
 * recordCaller true; disabled false; serviceInstance `<pid>@<hostname>`; tags `{}`.
 *
 * Precedence is the caller's business: build the input with
 * `mergeConfig(configFromEnv(), explicitConfig)` (object > TRACE_* > JAEGER_* / OTEL_* > YAML > defaults).
 *
 * @param input - the config (not mutated)
 * @returns a new {@link ResolvedConfig}
 * @throws ConfigError for the first invalid key
 * @example
 * ```ts
 * const cfg = resolveConfig({ serviceName: 'orders', backend: 'memory', sampler: { type: 'probabilistic', param: 0.1 } });
 * cfg.reporter.queueSize; // 2048
 * ```
 */
export function resolveConfig(input: TracerConfig): ResolvedConfig {
  const v = checkConfigFields(input, pathKey, true);
  if (v.serviceName === undefined) fail(pathKey, 'serviceName', 'is required (a non-empty string)');
  const reporter: ResolvedReporterConfig = { ...DEFAULT_REPORTER, ...v.reporter };
  let agentHost = v.agentHost;
  if (agentHost === undefined && v.endpoint !== undefined && /^udp:\/\//i.test(v.endpoint)) {
    agentHost = new URL(v.endpoint).hostname || undefined; // the agent also serves remote sampling (:5778)
  }
  return {
    ...v,
    ...(agentHost !== undefined ? { agentHost } : {}),
    serviceName: v.serviceName,
    serviceInstance: v.serviceInstance ?? `${process.pid}@${hostname()}`,
    backend: v.backend ?? 'noop',
    propagation: v.propagation as ResolvedConfig['propagation'],
    reporter,
    limits: { ...DEFAULT_LIMITS, ...v.limits },
    tags: v.tags ?? {},
    recordCaller: v.recordCaller ?? true,
    disabled: v.disabled ?? false,
    ignorePaths: v.ignorePaths ?? [],
    redact: v.redact ?? [],
  };
}
