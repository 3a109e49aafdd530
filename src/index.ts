/**
 * traceandtrace — one vendor-neutral distributed-tracing API for Node.js.
 *
 * - Tracer and spans: {@link createTracer}, {@link init}, {@link getTracer}, {@link Span}.
 * - Context: {@link currentSpan}, {@link withSpan}, {@link bind}, {@link bindEmitter}.
 * - go2sky style: {@link createEntrySpan}, {@link createExitSpan}, {@link createLocalSpan}.
 * - Integrations: {@link addHttpTracing}, {@link httpServerTracing}, {@link tracedFetch},
 *   {@link addRpcClientTracing}, {@link addRpcServerTracing}, {@link traceLogFields}.
 * - Extension points: {@link registerBackend}, {@link SpanExporter}, {@link Propagator}, {@link Sampler}.
 *
 * @packageDocumentation
 */
export * from './api/types';
export * from './config';
export { registerBackend, getBackendFactory, listBackends } from './export/BackendRegistry';
export type { Backend, BackendContext, BackendFactory } from './export/BackendRegistry';

export { Span } from './trace/Span';
export { Tracer, createTracer, VERSION, DEFAULT_REDACTED_NAMES, type SpanOptions } from './trace/Tracer';
export { init, getTracer, flush, shutdown, flushOnExit, createEntrySpan, createExitSpan, createLocalSpan } from './trace/globalTracer';
export { nowUs } from './trace/clock';
export { newTraceId, newSpanId } from './trace/ids';
export { currentSpan, withSpan, bind, bindEmitter } from './context/ContextManager';

export { BatchSpanProcessor, type BatchSpanProcessorOptions, type ShutdownResult } from './export/BatchSpanProcessor';
export { MemoryExporter } from './export/MemoryExporter';
export { ConsoleExporter, formatWaterfall } from './export/ConsoleExporter';
export { NoopExporter } from './export/NoopExporter';
export { ReusableBuffer, DEFAULT_MAX_RETAINED_BYTES } from './export/ReusableBuffer';
export { RateLimitedLogger } from './export/RateLimitedLogger';
export { parseRetryAfter, grpcRetryPushbackMs, withRetryAfter } from './export/retryAfter';
export { secretVariants, collectorReason } from './export/collectorText';

export * from './propagation';
export * from './sampling';

export {
  addHttpTracing,
  httpServerTracing,
  traceHttpHandler,
  koaTracing,
  tracedFetch,
  tracedRequest,
  sanitizeUrl,
  type HttpTracing,
  type HttpTracingOptions,
} from './integrations/http';
export { addRpcClientTracing, addRpcServerTracing, type RpcClientTracing, type RpcServerTracing, type RpcTracingOptions } from './integrations/grpc';
export { traceLogFields } from './integrations/logCorrelation';
