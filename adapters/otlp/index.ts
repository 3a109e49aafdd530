/**
 * The `otlp` backend: OpenTelemetry's OTLP over HTTP/protobuf (default), HTTP/JSON or gRPC,
 * encoded and sent by the official `@opentelemetry/exporter-trace-otlp-*` packages — so the
 * spans reach an OpenTelemetry Collector, Jaeger ≥ 1.35 or any OTLP-speaking vendor.
 *
 * Importing this module registers the backend as `otlp` (the package's `adapters` entry does
 * it lazily). Config keys used:
 *
 * | key                          | meaning                                                          |
 * |------------------------------|------------------------------------------------------------------|
 * | `endpoint`                   | `http(s)://host:4318[/path]`, `grpc://host:4317`, `grpcs://…`, `host:port`, `…?protocol=http/json` (see `parseOtlpEndpoint`) |
 * | `reporter.headers`           | extra HTTP headers / gRPC metadata (API keys…); never logged     |
 * | `reporter.token`             | `Authorization: Bearer …` unless `headers` has Authorization     |
 * | `reporter.user`/`password`   | HTTP basic auth (also taken from `http://user:pass@host`)         |
 * | `reporter.timeout`           | ms per export request (default 10000)                            |
 * | `reporter.tls`               | `ca`, `rejectUnauthorized`, `enabled` for https / grpcs          |
 * | `tags`                       | resource attributes (besides service.name, service.instance.id, host.name, telemetry.sdk.*) |
 *
 * Propagation default: inject W3C `traceparent`/`tracestate`/`baggage`; extract W3C, B3
 * (multi and single), Jaeger and sw8 — so callers still on other tracers keep their traces.
 *
 * @example
 * ```ts
 * import 'traceandtrace/adapters/otlp';
 * const tracer = createTracer({ serviceName: 'orders', backend: 'otlp', endpoint: 'grpc://127.0.0.1:4317' });
 * ```
 * @packageDocumentation
 */
import { registerBackend, type Backend, type BackendContext, type BackendFactory, type PropagationFormat } from '../../src';
import { OtlpExporter } from './OtlpExporter';

export { OtlpExporter, type OtlpExporterOptions } from './OtlpExporter';
export { OtlpHttpSender, type OtlpHttpSenderOptions } from './OtlpHttpSender';
export { OtlpReadableSpan, toHrTime, otlpResource } from './OtlpReadableSpan';
export { parseOtlpEndpoint, parseOtlpProtocol, protocolFromEnv, type OtlpProtocol, type OtlpTarget } from './endpoint';

/**
 * Propagation when the config gives none: W3C out; W3C, B3 (multi, single), Jaeger and sw8 in.
 * @example
 * ```ts
 * createTracer({ serviceName: 's', backend: 'otlp', propagation: OTLP_DEFAULT_PROPAGATION });
 * ```
 */
export const OTLP_DEFAULT_PROPAGATION: { inject: PropagationFormat[]; extract: PropagationFormat[] } = {
  inject: ['w3c'],
  extract: ['w3c', 'b3multi', 'b3', 'jaeger', 'sw8'],
};

/**
 * Builds the `otlp` backend from a tracer's config.
 *
 * @param context - config, process resource and logger from the core
 * @returns `{ exporter: OtlpExporter, defaultPropagation }`
 * @throws a `ConfigError` (`key` `endpoint`, or `OTEL_EXPORTER_OTLP_PROTOCOL` /
 *   `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`) when the endpoint or protocol is unusable
 * @example
 * ```ts
 * registerBackend('otlp', otlpBackend);
 * createTracer({ serviceName: 'svc', backend: 'otlp', endpoint: 'http://127.0.0.1:4318' });
 * ```
 */
export const otlpBackend: BackendFactory = ({ config, logger }: BackendContext): Backend => {
  const r = config.reporter ?? {};
  return {
    exporter: new OtlpExporter({
      endpoint: config.endpoint,
      headers: r.headers,
      user: r.user,
      password: r.password,
      token: r.token,
      timeoutMs: r.timeout,
      tls: r.tls,
      logger,
    }),
    defaultPropagation: { inject: [...OTLP_DEFAULT_PROPAGATION.inject], extract: [...OTLP_DEFAULT_PROPAGATION.extract] },
  };
};

registerBackend('otlp', otlpBackend);
