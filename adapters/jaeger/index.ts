/**
 * The `jaeger` backend: spans go to a Jaeger collector (Thrift binary over HTTP) or agent
 * (Thrift binary `emitBatch` over UDP), encoded with the Thrift IDL that `jaeger-client` ships.
 *
 * Importing this module registers the backend under the name `jaeger` (importing
 * `traceandtrace/adapters` does so lazily).
 *
 * Config keys used: `endpoint` (`http(s)://host:14268/api/traces`, `udp://host:6832`,
 * `host:port`), `agentHost` (UDP agent host when `endpoint` is absent, port 6832),
 * `reporter.user` / `reporter.password` (basic auth), `reporter.headers`, `reporter.timeout` (ms),
 * `reporter.tls`, `tags` (process tags). Queueing, batching, flush interval and retries are the
 * core pipeline's (`reporter.queueSize`, `reporter.flushInterval`, `reporter.maxBatchSize`,
 * `reporter.maxRetries`).
 *
 * Propagation default: inject Jaeger (`uber-trace-id`, `uberctx-*`) and W3C `traceparent`;
 * extract Jaeger (incl. `jaeger-debug-id`), W3C, B3 multi-header and single `b3`.
 *
 * @example
 * ```ts
 * import 'traceandtrace/adapters/jaeger';
 * import { createTracer } from 'traceandtrace';
 * const tracer = createTracer({ serviceName: 'orders', backend: 'jaeger', endpoint: 'udp://127.0.0.1:6832' });
 * ```
 * @packageDocumentation
 */
import { registerBackend, type BackendFactory } from '../../src';
import { JaegerExporter } from './JaegerExporter';

export { JaegerExporter, UDP_MAX_PACKET_SIZE } from './JaegerExporter';
export type { JaegerExporterOptions } from './JaegerExporter';
export { parseJaegerEndpoint } from './endpoint';
export type { JaegerTarget } from './endpoint';
export { toThriftSpan, toThriftProcess, toThriftTag } from './mapping';

/**
 * Builds the Jaeger backend from a tracer's config.
 *
 * @param context - config, resource and logger from the core
 * @returns `{ exporter: JaegerExporter, defaultPropagation }`
 * @throws a `ConfigError` (key `endpoint` or `agentHost`) when the endpoint cannot be parsed
 *   or has an unsupported scheme
 * @example
 * ```ts
 * const backend = jaegerBackend({ config: { serviceName: 'a', endpoint: 'http://127.0.0.1:14268/api/traces' }, resource, logger });
 * ```
 */
export const jaegerBackend: BackendFactory = ({ config, resource, logger }) => ({
  exporter: new JaegerExporter({
    resource,
    endpoint: config.endpoint,
    agentHost: config.agentHost,
    reporter: config.reporter,
    logger,
  }),
  defaultPropagation: { inject: ['jaeger', 'w3c'], extract: ['jaeger', 'w3c', 'b3multi', 'b3'] },
});

registerBackend('jaeger', jaegerBackend);
