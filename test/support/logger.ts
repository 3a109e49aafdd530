/**
 * A logger for tests that must not print (the tracer's own diagnostics would clutter jest's output).
 *
 * @packageDocumentation
 */
import type { Logger } from '../../src';

/**
 * A {@link Logger} whose `debug`, `info`, `warn` and `error` discard their message. Also fits
 * jaeger-client's `{ info, error }` logger option.
 *
 * @example
 * ```ts
 * const tracer = createTracer({ serviceName: 'orders', backend: 'jaeger', logger: silentLogger });
 * ```
 */
export const silentLogger: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
