import { ProbabilisticSampler } from '../../../src/sampling/ProbabilisticSampler';
import { traceIds } from './helpers';

describe('ProbabilisticSampler', () => {
  const ids = traceIds(20000, 7);

  it.each([0.001, 0.01, 0.1, 0.25, 0.5, 0.9])('samples about %p of 20,000 random trace ids', (rate) => {
    const s = new ProbabilisticSampler(rate);
    const n = ids.filter((id) => s.shouldSample('op', undefined, id)).length;
    // 4 standard deviations of a binomial, plus 2 for the tiny rates
    const sd = Math.sqrt(ids.length * rate * (1 - rate));
    expect(Math.abs(n - ids.length * rate)).toBeLessThanOrEqual(4 * sd + 2);
  });

  it('samples nothing at 0 and everything at 1', () => {
    const zero = new ProbabilisticSampler(0);
    const one = new ProbabilisticSampler(1);
    expect(ids.some((id) => zero.shouldSample('op', undefined, id))).toBe(false);
    expect(ids.every((id) => one.shouldSample('op', undefined, id))).toBe(true);
    expect(one.shouldSample('op', undefined, 'ffffffffffffffffffffffffffffffff')).toBe(true);
    expect(new ProbabilisticSampler(0.999999).shouldSample('op', undefined, '0000000000000000ffffffffffffffff')).toBe(false);
  });

  it('is deterministic per trace id and consistent across services', () => {
    const a = new ProbabilisticSampler(0.3);
    const b = new ProbabilisticSampler(0.3);
    for (const id of ids.slice(0, 2000)) expect(a.shouldSample('x', undefined, id)).toBe(b.shouldSample('y', undefined, id));
  });

  it('decides from the low 64 bits (64-bit Jaeger/B3 ids decide the same as their padded form)', () => {
    const s = new ProbabilisticSampler(0.5);
    expect(s.shouldSample('op', undefined, '00000000000000000000000000000001')).toBe(true);
    expect(s.shouldSample('op', undefined, 'ffffffffffffffff0000000000000001')).toBe(true);
    expect(s.shouldSample('op', undefined, '0000000000000001')).toBe(true);
    // bit 63 is ignored, 0x7fff... is the largest value: above the 0.5 boundary
    expect(s.shouldSample('op', undefined, '00000000000000007fffffffffffffff')).toBe(false);
    expect(s.shouldSample('op', undefined, '0000000000000000ffffffffffffffff')).toBe(false);
    expect(s.shouldSample('op', undefined, '00000000000000003ffffffff0000000')).toBe(true);
    expect(s.shouldSample('op', undefined, '00000000000000004000000100000000')).toBe(false);
  });

  it('a larger rate samples a superset (monotonic in the rate)', () => {
    const lo = new ProbabilisticSampler(0.2);
    const hi = new ProbabilisticSampler(0.6);
    for (const id of ids) if (lo.shouldSample('op', undefined, id)) expect(hi.shouldSample('op', undefined, id)).toBe(true);
  });

  it('never throws on a malformed trace id and clamps the rate', () => {
    const s = new ProbabilisticSampler(0.5);
    expect(() => s.shouldSample('op', undefined, 'not-hex-at-all!!')).not.toThrow();
    expect(() => s.shouldSample('op', undefined, '')).not.toThrow();
    expect(new ProbabilisticSampler(7).rate).toBe(1);
    expect(new ProbabilisticSampler(-1).rate).toBe(0);
    expect(new ProbabilisticSampler(NaN).rate).toBe(0);
    expect(String(new ProbabilisticSampler(0.1))).toBe('ProbabilisticSampler{0.1}');
  });
});
