import type { Sampler, SpanContext } from '../api/types';
import { RateLimiter } from './RateLimiter';

/**
 * Samples at most `tracesPerSecond` new traces per second with a token bucket (Jaeger's
 * `ratelimiting` sampler): one credit per trace, credit accrues continuously and is capped
 * at `max(1, tracesPerSecond)`, so bursts stay within one second's worth. Rates below 1
 * (e.g. 0.1 = one trace every 10 s) work; 0 samples nothing. Never throws.
 *
 * @see https://www.jaegertracing.io/docs/latest/sampling/#client-sampling-configuration
 * @example
 * ```ts
 * const s = new RateLimitingSampler(10);            // real clock
 * const t = new RateLimitingSampler(2, () => fakeMs); // injected clock (ms) for tests
 * ```
 */
export class RateLimitingSampler implements Sampler {
  /** Traces per second. */
  readonly tracesPerSecond: number;
  private readonly limiter: RateLimiter;

  /**
   * @param tracesPerSecond - ≥ 0; negative or NaN counts as 0
   * @param now - clock in ms (default `performance.now`)
   */
  constructor(tracesPerSecond: number, now?: () => number) {
    this.tracesPerSecond = Number.isFinite(tracesPerSecond) && tracesPerSecond > 0 ? tracesPerSecond : 0;
    this.limiter = new RateLimiter(this.tracesPerSecond, Math.max(1, this.tracesPerSecond), now);
  }

  /**
   * Token bucket (Jaeger `ratelimiting` sampler): at most `tracesPerSecond` new traces per second,
   * with bursts up to max(1, tracesPerSecond). Never throws.
   *
   * @returns true when a credit is available (and spends it).
   * @example
   * ```ts
   * const s = new RateLimitingSampler(2);
   * s.shouldSample('GET /', undefined, traceId); // true, then true, then false until credit accrues
   * ```
   */
  shouldSample(_operationName: string, _parent: SpanContext | undefined, _traceId: string): boolean {
    if (this.tracesPerSecond === 0) return false;
    return this.limiter.checkCredit(1);
  }

  /**
   * Description for logs, e.g. `RateLimitingSampler{10}`.
   *
   * @example
   * ```ts
   * String(new RateLimitingSampler(10)); // 'RateLimitingSampler{10}'
   * ```
   */
  toString(): string {
    return `RateLimitingSampler{${this.tracesPerSecond}}`;
  }
}
