/**
 * Registers the vendor adapters — `jaeger`, `zipkin`, `skywalking`, `otlp` — as backends.
 *
 * Registration is lazy: a vendor client is `require`d only when a tracer selects it, so
 * importing this module costs nothing for the backends you do not use.
 *
 * @example
 * ```ts
 * import 'traceandtrace/adapters';
 * import { init } from 'traceandtrace';
 * init({ serviceName: 'orders', backend: 'zipkin', endpoint: 'http://127.0.0.1:9411/api/v2/spans' });
 * ```
 * @packageDocumentation
 */
import { registerBackend, type BackendFactory } from '../src';

registerBackend('jaeger', () => (require('./jaeger') as { jaegerBackend: BackendFactory }).jaegerBackend, true);
registerBackend('zipkin', () => (require('./zipkin') as { zipkinBackend: BackendFactory }).zipkinBackend, true);
registerBackend('skywalking', () => (require('./skywalking') as { skywalkingBackend: BackendFactory }).skywalkingBackend, true);
registerBackend('otlp', () => (require('./otlp') as { otlpBackend: BackendFactory }).otlpBackend, true);
