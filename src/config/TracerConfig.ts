import type { Logger, PropagationFormat, Sampler, SpanContext } from '../api/types';

/**
 * Sampler settings.
 *
 * | type            | param                                  |
 * |-----------------|----------------------------------------|
 * | `const`         | 1 = sample all, 0 = none               |
 * | `probabilistic` | probability 0..1                       |
 * | `ratelimiting`  | traces per second (token bucket)       |
 * | `parentbased`   | root sampler given in `root` (default const 1) |
 * | `remote`        | initial probability while the Jaeger agent's strategy is unknown; `samplingEndpoint` polled every `refreshInterval` ms |
 *
 * Every built-in sampler honours an incoming remote parent's sampled flag (parent-based),
 * as Jaeger and the Go traceandtrace library do; the sampler decides only for new traces.
 */
export interface SamplerConfig {
  /** Which sampler (table above). */
  type: 'const' | 'probabilistic' | 'ratelimiting' | 'parentbased' | 'remote';
  /** Its parameter: 0/1 for `const`, a probability in [0, 1], traces per second for `ratelimiting` (table above). */
  param?: number;
  /** For `parentbased`: the sampler for root spans. */
  root?: SamplerConfig;
  /** For `remote`: URL of the strategy endpoint, default `http://<agent host>:5778/sampling`. */
  samplingEndpoint?: string;
  /** For `remote`: polling interval in ms (default 60000). */
  refreshInterval?: number;
}

/**
 * Export pipeline and transport settings.
 */
export interface ReporterConfig {
  /** Maximum spans waiting for export; more are dropped and counted. Default 2048. */
  queueSize?: number;
  /** How often the queue is flushed, in ms. Default 1000. */
  flushInterval?: number;
  /** Maximum spans per `export()` call. Default 512. */
  maxBatchSize?: number;
  /** Timeout of one export request, in ms. Default 10000. */
  timeout?: number;
  /** Log every finished span (name, ids, duration) through the logger at info level. */
  logSpans?: boolean;
  /** Extra headers sent to the collector (HTTP transports and gRPC metadata). Never logged. */
  headers?: Record<string, string>;
  /** Basic-auth user for the collector. */
  user?: string;
  /** Basic-auth password for the collector. Never logged or recorded. */
  password?: string;
  /** Bearer / SkyWalking authentication token. Never logged or recorded. */
  token?: string;
  /** Retry attempts for a retryable export failure (default 3), with exponential backoff and jitter. */
  maxRetries?: number;
  /** TLS options for HTTPS / gRPC-TLS collectors. */
  tls?: { ca?: string | Buffer; rejectUnauthorized?: boolean; enabled?: boolean };
}

/**
 * Size limits that keep spans and outgoing headers bounded.
 */
export interface LimitsConfig {
  /** Maximum tags per span (default 128); more are dropped. */
  maxAttributes?: number;
  /** Maximum length of a string tag value (default 4096); longer values are truncated. */
  maxAttributeValueLength?: number;
  /** Maximum events per span (default 128). */
  maxEvents?: number;
  /** Maximum baggage items (default 64). */
  maxBaggageItems?: number;
  /** Maximum total baggage size in bytes (default 8192). */
  maxBaggageBytes?: number;
}

/**
 * Configuration of one {@link Tracer}. Only `serviceName` is required.
 *
 * @example
 * ```ts
 * createTracer({
 *   serviceName: 'orders',
 *   backend: 'jaeger',
 *   endpoint: 'http://127.0.0.1:14268/api/traces',
 *   sampler: { type: 'probabilistic', param: 0.1 },
 *   propagation: ['w3c', 'jaeger'],
 *   reporter: { queueSize: 4096, flushInterval: 500 },
 *   tags: { region: 'eu-1' },
 * });
 * ```
 */
export interface TracerConfig {
  /** Service name reported to the backend. Required, non-empty. */
  serviceName: string;
  /** Service instance name (SkyWalking). Default `<pid>@<hostname>`. */
  serviceInstance?: string;
  /** Backend name from the registry: `memory`, `console`, `noop`, `jaeger`, `zipkin`, `skywalking`, `otlp`. Default `noop`. */
  backend?: string;
  /** Collector/agent address: a URL, `host:port`, `udp://host:port` or `grpc://host:port`. */
  endpoint?: string;
  /** Agent host (Jaeger UDP agent, remote sampler) when `endpoint` is not given. */
  agentHost?: string;
  /** Sampler: settings, a {@link Sampler}, or a function `(operationName, parent) => boolean`. */
  sampler?: SamplerConfig | Sampler | ((operationName: string, parent: SpanContext | undefined) => boolean);
  /**
   * Propagation formats. A list means "extract any of these (in order), inject all of them".
   * The object form sets the two separately. Default: the backend's own format plus `w3c`.
   */
  propagation?: PropagationFormat[] | { inject: PropagationFormat[]; extract: PropagationFormat[] };
  /** Export pipeline and transport settings. */
  reporter?: ReporterConfig;
  /** Process tags added to every span's resource. */
  tags?: Record<string, string>;
  /**
   * Record the caller (function, file:line) on each span as tag `caller`, as go-zero does.
   * Default true. The call site is captured once per span kind and operation name and reused
   * (a stack capture costs several µs), so two call sites starting spans of the same kind and
   * name both report the first one. A server span started from node:http's own frames has no
   * caller outside the library and gets no tag.
   */
  recordCaller?: boolean;
  /** URL paths (exact strings or RegExps) that HTTP integrations do not trace, e.g. health checks. */
  ignorePaths?: Array<string | RegExp>;
  /** Extra header and query-parameter names (case-insensitive) never recorded, besides Authorization, Cookie, Set-Cookie, Proxy-Authorization. */
  redact?: string[];
  /** Size limits. */
  limits?: LimitsConfig;
  /** Turn tracing off entirely: spans are non-recording, nothing is exported, context still propagates. */
  disabled?: boolean;
  /** Logger for the library's own messages. Default: `console` with a `[traceandtrace]` prefix. */
  logger?: Logger;
}
