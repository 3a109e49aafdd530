/**
 * The `zipkin` backend: spans go to a Zipkin server's `POST /api/v2/spans` as JSON v2
 * (encoded with the `zipkin` npm package), propagation defaults to B3.
 *
 * Importing this module registers the backend under the name `zipkin`
 * (`adapters/index.ts` does that lazily for you).
 *
 * Config keys used (see `TracerConfig`):
 * - `endpoint`: `http(s)://host:9411/api/v2/spans`; a URL without a path gets
 *   `/api/v2/spans`; `host:port` means `http://host:port/api/v2/spans`. Default
 *   `http://<agentHost or localhost>:9411/api/v2/spans`.
 * - `reporter.timeout` (ms, default 10000) bounds each POST; `reporter.headers` are added;
 *   `reporter.user`/`reporter.password` (or credentials in the URL) → basic auth, else
 *   `reporter.token` → `Authorization: Bearer`; `reporter.tls` for https.
 * - `reporter.queueSize`, `flushInterval`, `maxBatchSize`, `maxRetries`: the core's pipeline.
 * - `tags`: added to every span as Zipkin tags (Zipkin has no process tags).
 * Bodies of 1 KiB or more are gzip-compressed (`Content-Encoding: gzip`, which Zipkin accepts).
 *
 * @packageDocumentation
 */
import { ConfigError, registerBackend, type BackendContext, type BackendFactory, type TracerConfig } from '../../src';
import { ZipkinExporter } from './ZipkinExporter';

export { ZipkinExporter } from './ZipkinExporter';
export type { ZipkinExporterOptions, ZipkinExporterCounters } from './ZipkinExporter';
export { toZipkinSpan, encodeZipkinSpan, encodeZipkinBatch, zipkinTraceId, type ZipkinBatchBody } from './toZipkinSpan';

/** The path of Zipkin's v2 span intake. */
const SPANS_PATH = '/api/v2/spans';

/**
 * Resolves the Zipkin spans URL from `endpoint` / `agentHost`.
 *
 * @param config - the tracer config (only `endpoint` and `agentHost` are read)
 * @returns the full `http(s)://host:port/api/v2/spans` URL (credentials kept for the exporter)
 * @throws ConfigError (key `endpoint`) for a scheme other than http/https or an unparsable value
 * @example
 * ```ts
 * zipkinUrl({ serviceName: 'a', endpoint: 'zipkin:9411' }).href; // 'http://zipkin:9411/api/v2/spans'
 * ```
 */
export function zipkinUrl(config: Pick<TracerConfig, 'endpoint' | 'agentHost'>): URL {
  const raw = config.endpoint?.trim();
  if (!raw) return new URL(`http://${config.agentHost || 'localhost'}:9411${SPANS_PATH}`);
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw);
  let url: URL;
  try {
    url = new URL(hasScheme ? raw : `http://${raw}`);
  } catch {
    throw new ConfigError('endpoint', 'not a URL or host:port for the zipkin backend (e.g. http://127.0.0.1:9411/api/v2/spans)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('endpoint', `the zipkin backend speaks http(s), not ${url.protocol.replace(/:$/, '')}`);
  }
  if (!url.hostname) throw new ConfigError('endpoint', 'has no host');
  if (!hasScheme && !url.port) url.port = '9411';
  if (url.pathname === '/' || url.pathname === '') url.pathname = SPANS_PATH;
  return url;
}

/**
 * Builds the `zipkin` backend: a {@link ZipkinExporter} for the configured endpoint, and B3
 * as default propagation (inject `b3multi` — the `X-B3-*` headers every Zipkin tracer reads —;
 * extract `b3multi`, `b3`, `w3c`, `jaeger`).
 *
 * @throws ConfigError (key `endpoint`) when the endpoint is not an http(s) URL or `host:port`
 * @example
 * ```ts
 * import { createTracer } from 'traceandtrace';
 * import 'traceandtrace/adapters/zipkin';
 * const tracer = createTracer({ serviceName: 'orders', backend: 'zipkin', endpoint: 'http://127.0.0.1:9411/api/v2/spans' });
 * ```
 */
export const zipkinBackend: BackendFactory = ({ config, logger }: BackendContext) => {
  const url = zipkinUrl(config);
  const r = config.reporter ?? {};
  const exporter = new ZipkinExporter({
    url,
    timeoutMs: r.timeout,
    headers: r.headers,
    user: r.user,
    password: r.password,
    token: r.token,
    tls: r.tls,
    logger,
  });
  return {
    exporter,
    defaultPropagation: { inject: ['b3multi'], extract: ['b3multi', 'b3', 'w3c', 'jaeger'] },
  };
};

registerBackend('zipkin', zipkinBackend);
