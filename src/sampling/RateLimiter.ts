import { performance } from 'node:perf_hooks';

/**
 * A token bucket: `creditsPerSecond` credits accrue continuously up to `maxBalance`; each
 * granted request spends its cost. Reads its own clock (ms) on every call. Never throws.
 *
 * Same model as Jaeger's `RateLimiter` (utils/rate_limiter.go), except that the bucket
 * starts full so the first trace after start-up is always sampled.
 *
 * @example
 * ```ts
 * const rl = new RateLimiter(2, 2); // 2 credits/s, at most 2 banked
 * rl.checkCredit(1); // true
 * ```
 */
export class RateLimiter {
  /** Credits added per second. */
  readonly creditsPerSecond: number;
  /** Most credits the bucket holds. */
  readonly maxBalance: number;
  private balance: number;
  private last: number;
  private readonly now: () => number;

  /**
   * @param creditsPerSecond - refill rate, ≥ 0
   * @param maxBalance - bucket capacity
   * @param now - clock in ms (default `performance.now`); injectable for tests
   */
  constructor(creditsPerSecond: number, maxBalance: number, now: () => number = () => performance.now()) {
    this.creditsPerSecond = creditsPerSecond;
    this.maxBalance = maxBalance;
    this.balance = maxBalance;
    this.now = now;
    this.last = now();
  }

  /**
   * Refills by the time elapsed since the last call (`creditsPerSecond` per 1000 ms of the clock,
   * capped at `maxBalance`), then spends `cost` if the balance allows. A clock going backwards
   * grants nothing. Never throws.
   *
   * @param cost - credits to spend (1 per trace for the samplers)
   * @returns whether it was spent
   * @example
   * ```ts
   * const limiter = new RateLimiter(1, 1);
   * limiter.checkCredit(1); // true
   * limiter.checkCredit(1); // false until a second has passed
   * ```
   */
  checkCredit(cost: number): boolean {
    const t = this.now();
    const elapsed = t - this.last;
    if (elapsed > 0) {
      this.balance = Math.min(this.maxBalance, this.balance + (elapsed / 1000) * this.creditsPerSecond);
      this.last = t;
    } else if (elapsed < 0) {
      this.last = t; // clock went backwards: restart the measurement, grant nothing extra
    }
    if (this.balance >= cost) {
      this.balance -= cost;
      return true;
    }
    return false;
  }
}
