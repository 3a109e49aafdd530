import { confidenceLabel, fmtRatioWithInterval, fmtWithInterval, medianInterval, pairedRatio, pairedRatioInterval, ratio, summarize } from '../../bench/stats';

describe('bench statistics', () => {
  it('summarize keeps the rounds in order and ignores non-finite values for the median', () => {
    const s = summarize([3, NaN, 1, 2]);
    expect(s).toMatchObject({ median: 2, min: 1, max: 3, n: 3 });
    expect(s.values).toEqual([3, NaN, 1, 2]);
  });

  it('ratio pairs rounds measured together: a burst of load in some rounds does not move it', () => {
    // rounds 3-5 ran under host load that doubled both figures
    const ours = summarize([10, 10, 20, 20, 20]);
    const theirs = summarize([8, 8, 16, 16, 16]);
    expect(pairedRatio(ours, theirs)).toBeCloseTo(1.25);
    expect(ratio(ours, theirs)).toBeCloseTo(1.25);
    // the same values unpaired (ours' load burst in other rounds than theirs): medians 20 vs 8
    const shifted = summarize([20, 20, 20, 10, 10]);
    expect(ratio(shifted, { ...theirs, values: undefined })).toBeCloseTo(20 / 16);
    expect(pairedRatio(shifted, theirs)).toBeCloseTo(1.25);
  });

  it('falls back to the ratio of medians when the rounds do not pair up', () => {
    expect(ratio(summarize([2, 2, 2]), summarize([1, 1]))).toBe(2);
    expect(pairedRatio(summarize([2, 2, 2]), summarize([1, 1]))).toBeNaN();
    expect(ratio(undefined, summarize([1]))).toBeNaN();
  });
});

describe('medianInterval / pairedRatioInterval', () => {
  const oneTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

  it('takes the order statistics the binomial distribution gives for 95 %', () => {
    // n = 12: [x3, x10], 1 − 2·P(B(12, ½) ≤ 2) = 1 − 2·79/4096
    expect(medianInterval(oneTo(12).reverse())).toEqual({ lo: 3, hi: 10, confidence: 1 - (2 * 79) / 4096 });
    // n = 20: [x6, x15], the textbook interval (95.9 %)
    const i20 = medianInterval(oneTo(20))!;
    expect([i20.lo, i20.hi]).toEqual([6, 15]);
    expect(i20.confidence).toBeCloseTo(0.9586, 4);
    // n = 9: [x2, x8]
    expect(medianInterval(oneTo(9))).toMatchObject({ lo: 2, hi: 8 });
  });

  it('says how much less than asked a sample too small for it covers', () => {
    // n = 5 (a --quick run): min–max covers the median with 1 − 2/32 only
    expect(medianInterval([5, 1, 4, 2, 3])).toEqual({ lo: 1, hi: 5, confidence: 0.9375 });
    expect(medianInterval([7])).toEqual({ lo: 7, hi: 7, confidence: 0 });
    expect(medianInterval([NaN, Infinity])).toBeUndefined();
  });

  it('a lower level narrows the interval', () => {
    const i = medianInterval(oneTo(12), 0.8)!;
    expect(i.lo).toBeGreaterThan(3);
    expect(i.hi).toBeLessThan(10);
    expect(i.confidence).toBeGreaterThanOrEqual(0.8);
  });

  it('pairs rounds as pairedRatio does, and gives nothing when they do not pair up', () => {
    const ours = summarize([10, 12, 20, 22, 18, 9]);
    const theirs = summarize([10, 10, 20, 20, 20, 10]);
    // ratios 1, 1.2, 1, 1.1, 0.9, 0.9 → n = 6: min–max at 96.9 %
    expect(pairedRatioInterval(ours, theirs)).toEqual({ lo: 0.9, hi: 1.2, confidence: 1 - 2 / 64 });
    expect(pairedRatioInterval(summarize([1, 2]), summarize([1]))).toBeUndefined();
    expect(pairedRatioInterval(undefined, theirs)).toBeUndefined();
  });
});

describe('confidenceLabel / fmtRatioWithInterval', () => {
  it('labels a table\'s confidence rounded down, as a range when rows differ', () => {
    expect(confidenceLabel([0.96142578125, 0.96142578125])).toBe('96.1 %');
    expect(confidenceLabel([0.96142578125, 0.9375])).toBe('93.7–96.1 %');
    expect(confidenceLabel([0.99999])).toBe('99.9 %');
    expect(confidenceLabel([])).toBe('n/a');
  });

  it('prints the paired ratio with its interval and records the confidence', () => {
    const confidences: number[] = [];
    expect(fmtRatioWithInterval(summarize([2, 4, 6, 8, 10, 12]), summarize([2, 2, 2, 2, 2, 2]), confidences)).toBe('3.50 [1.00–6.00]');
    expect(confidences).toEqual([1 - 2 / 64]);
    // rounds that do not pair up: the ratio of the medians alone, nothing recorded
    expect(fmtRatioWithInterval(summarize([4, 4]), summarize([2]), confidences)).toBe('2.00');
    expect(confidences).toHaveLength(1);
  });
});

describe('fmtWithInterval', () => {
  it('prints a figure with its interval, or alone', () => {
    expect(fmtWithInterval(0.8234, { lo: 0.7761, hi: 0.8712 })).toBe('0.823 [0.776–0.871]');
    expect(fmtWithInterval(1.5, undefined)).toBe('1.50');
  });
});
