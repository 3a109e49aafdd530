/**
 * traceandtrace — one vendor-neutral distributed-tracing API for Node.js.
 *
 * @packageDocumentation
 */
export * from './api/types';
export type { TracerConfig, SamplerConfig, ReporterConfig, LimitsConfig } from './config/TracerConfig';
export { registerBackend, getBackendFactory, listBackends } from './export/BackendRegistry';
export type { Backend, BackendContext, BackendFactory } from './export/BackendRegistry';
