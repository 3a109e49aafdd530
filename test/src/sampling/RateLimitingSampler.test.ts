import { RateLimitingSampler } from '../../../src/sampling/RateLimitingSampler';
import { RateLimiter } from '../../../src/sampling/RateLimiter';

const ID = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('RateLimitingSampler', () => {
  it('allows a burst of max(1, rate), then rate per second', () => {
    let now = 0;
    const s = new RateLimitingSampler(5, () => now);
    const burst = Array.from({ length: 20 }, () => s.shouldSample('op', undefined, ID)).filter(Boolean).length;
    expect(burst).toBe(5);
    now += 1000;
    expect(Array.from({ length: 20 }, () => s.shouldSample('op', undefined, ID)).filter(Boolean).length).toBe(5);
    now += 200; // one credit
    expect(s.shouldSample('op', undefined, ID)).toBe(true);
    expect(s.shouldSample('op', undefined, ID)).toBe(false);
  });

  it('samples close to rate × seconds over a simulated minute of 100 requests/s', () => {
    let now = 0;
    const s = new RateLimitingSampler(10, () => now);
    let n = 0;
    for (let i = 0; i < 6000; i++) {
      now += 10; // 100 requests per second
      if (s.shouldSample('op', undefined, ID)) n++;
    }
    expect(n).toBeGreaterThanOrEqual(600);
    expect(n).toBeLessThanOrEqual(611); // 60 s × 10 + the initial burst of 10 + rounding
  });

  it('caps banked credit: a long idle period does not allow a big burst', () => {
    let now = 0;
    const s = new RateLimitingSampler(2, () => now);
    now += 3_600_000;
    expect(Array.from({ length: 100 }, () => s.shouldSample('op', undefined, ID)).filter(Boolean).length).toBe(2);
  });

  it('supports fractional rates (capped at one credit) and 0', () => {
    let now = 0;
    const s = new RateLimitingSampler(0.5, () => now);
    expect(s.shouldSample('op', undefined, ID)).toBe(true);
    expect(s.shouldSample('op', undefined, ID)).toBe(false);
    now += 1000;
    expect(s.shouldSample('op', undefined, ID)).toBe(false);
    now += 1000;
    expect(s.shouldSample('op', undefined, ID)).toBe(true);
    const zero = new RateLimitingSampler(0, () => now);
    expect(zero.shouldSample('op', undefined, ID)).toBe(false);
    expect(String(new RateLimitingSampler(3))).toBe('RateLimitingSampler{3}');
  });

  it('a clock going backwards grants nothing extra', () => {
    let now = 10_000;
    const rl = new RateLimiter(1, 1, () => now);
    expect(rl.checkCredit(1)).toBe(true);
    now = 0;
    expect(rl.checkCredit(1)).toBe(false);
    now = 500;
    expect(rl.checkCredit(1)).toBe(false);
    now = 1000;
    expect(rl.checkCredit(1)).toBe(true);
  });
});
