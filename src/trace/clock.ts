import { performance } from 'node:perf_hooks';

/**
 * A monotonic clock anchored to the Unix epoch, in microseconds.
 *
 * `Date.now()` has millisecond resolution (jaeger-client's trap: sub-millisecond spans all
 * last 0 or 1 ms). We read `performance.now()` (monotonic, sub-µs resolution) and add the
 * epoch time of the process's time origin once, so timestamps are comparable across
 * processes to the precision of the system clock.
 */
// perf_hooks' binding, not the global: Node defines `globalThis.performance` as a getter,
// which every read of the global calls (two per span).
const originUs = performance.timeOrigin * 1000;

/**
 * Current time in whole microseconds (µs) since the Unix epoch.
 *
 * @example
 * ```ts
 * const t0 = nowUs(); await work(); const tookUs = nowUs() - t0;
 * ```
 */
export function nowUs(): number {
  return Math.round(originUs + performance.now() * 1000);
}
