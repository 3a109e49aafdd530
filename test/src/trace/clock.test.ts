import { nowUs } from '../../../src/trace/clock';

describe('nowUs', () => {
  it('gives whole microseconds since the Unix epoch, close to Date.now() and never going back', () => {
    let last = nowUs();
    expect(Number.isInteger(last)).toBe(true);
    expect(Math.abs(last - Date.now() * 1000)).toBeLessThan(50_000); // same clock within 50 ms
    for (let i = 0; i < 10_000; i++) {
      const t = nowUs();
      expect(t).toBeGreaterThanOrEqual(last);
      last = t;
    }
  });

  it('resolves below a millisecond (unlike Date.now())', async () => {
    const seen = new Set<number>();
    const until = Date.now() + 5;
    while (Date.now() < until) seen.add(nowUs() % 1000);
    expect(seen.size).toBeGreaterThan(10);
  });
});
