/**
 * The `skywalking` backend: reports finished spans as SkyWalking segments to an OAP over the
 * v3 gRPC agent protocol (see {@link SkyWalkingExporter}), with `sw8` propagation by default.
 *
 * Importing this module registers the backend under the name `skywalking`
 * (`adapters/index.ts` does so lazily).
 *
 * | config key                 | use                                                          |
 * |----------------------------|--------------------------------------------------------------|
 * | `endpoint`                 | OAP gRPC `host:port` (default `127.0.0.1:11800`); `grpcs://` = TLS |
 * | `serviceName`              | SkyWalking service                                           |
 * | `serviceInstance`          | SkyWalking instance (default `<pid>@<hostname>`)             |
 * | `reporter.token`           | gRPC metadata `authentication`                               |
 * | `reporter.headers`         | extra gRPC metadata                                          |
 * | `reporter.timeout`         | deadline of each gRPC call, ms (default 10000)               |
 * | `reporter.tls`             | `{ enabled, ca, rejectUnauthorized }`                        |
 *
 * @example
 * ```ts
 * import 'traceandtrace/adapters/skywalking';
 * const tracer = createTracer({ serviceName: 'orders', backend: 'skywalking', endpoint: '127.0.0.1:11800' });
 * ```
 * @packageDocumentation
 */
import { registerBackend, type BackendFactory } from '../../src';
import { SkyWalkingExporter } from './SkyWalkingExporter';

export { SkyWalkingExporter } from './SkyWalkingExporter';
export type { SkyWalkingExporterOptions, SkyWalkingExporterStats } from './SkyWalkingExporter';
export { SegmentAssembler } from './SegmentAssembler';
export type { SegmentAssemblerOptions, Assembly } from './SegmentAssembler';
export { parseSkyWalkingEndpoint, DEFAULT_SKYWALKING_ENDPOINT } from './endpoint';
export type { SkyWalkingEndpoint } from './endpoint';
export { componentIdFor, spanTypeFor, spanLayerFor, mapTags, toSegmentObject, type TagPairCache } from './segmentMapping';

/**
 * Builds the `skywalking` backend from a tracer's config: a {@link SkyWalkingExporter} for
 * `endpoint`/`reporter`, and the default propagation `sw8` + `w3c` injected, `sw8`, `w3c`,
 * `b3multi`, `b3`, `jaeger` accepted (a parent from a foreign format keeps its trace id).
 *
 * @throws ConfigError (`key` `endpoint` or `reporter.headers`) on bad config.
 * @example
 * ```ts
 * registerBackend('skywalking', skywalkingBackend);
 * ```
 */
export const skywalkingBackend: BackendFactory = ({ config, resource, logger }) => {
  const reporter = config.reporter ?? {};
  const exporter = new SkyWalkingExporter({
    endpoint: config.endpoint,
    resource,
    logger,
    token: reporter.token,
    headers: reporter.headers,
    timeoutMs: reporter.timeout,
    tls: reporter.tls,
  });
  return {
    exporter,
    defaultPropagation: { inject: ['sw8', 'w3c'], extract: ['sw8', 'w3c', 'b3multi', 'b3', 'jaeger'] },
  };
};

registerBackend('skywalking', skywalkingBackend);
