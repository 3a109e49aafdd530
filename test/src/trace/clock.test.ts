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

  it('resolves below a millisecond (unlike Date.now())', () => {
    // A count of reads, not a time window: a process paused for the whole window would see one value.
    const seen = new Set<number>();
    for (let i = 0; i < 1_000_000 && seen.size <= 10; i++) seen.add(nowUs() % 1000);
    expect(seen.size).toBeGreaterThan(10);
  });
});
