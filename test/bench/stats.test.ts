import { pairedRatio, ratio, summarize } from '../../bench/stats';

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
