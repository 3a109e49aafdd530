/**
 * Summary statistics for benchmark rounds: median and min–max over the rounds of one
 * implementation, plus the formatting helpers the tables use.
 *
 * @packageDocumentation
 */

/**
 * Median, minimum and maximum of a set of per-round figures (same unit as the input).
 */
export interface Summary {
  /** Median of the rounds (mean of the two middle values for an even count). */
  median: number;
  /** Smallest round. */
  min: number;
  /** Largest round. */
  max: number;
  /** Number of rounds summarised. */
  n: number;
  /** The per-round values in round order (for paired ratios, see {@link pairedRatio}). */
  values?: number[];
}

/**
 * Summarise per-round values. Non-finite values are ignored; an empty input yields NaNs
 * (printed as `n/a`). Never throws.
 *
 * @example
 * ```ts
 * summarize([3, 1, 2]); // → { median: 2, min: 1, max: 3, n: 3 }
 * ```
 */
export function summarize(values: readonly number[]): Summary {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0, values: [...values] };
  const mid = v.length >> 1;
  const median = v.length % 2 === 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return { median, min: v[0], max: v[v.length - 1], n: v.length, values: [...values] };
}

/**
 * The q-quantile (0..1) of a sample by nearest rank on a sorted copy; NaN when empty.
 *
 * @example
 * ```ts
 * quantile([5, 1, 9, 3], 0.5); // → 3
 * ```
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const v = Float64Array.from(values).sort();
  const idx = Math.min(v.length - 1, Math.max(0, Math.ceil(q * v.length) - 1));
  return v[idx];
}

/**
 * Format a number with a sensible number of significant digits ("n/a" for NaN).
 *
 * @example
 * ```ts
 * fmt(0.123456); // → '0.123'
 * fmt(12345.6);  // → '12,346'
 * ```
 */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toFixed(3);
}

/**
 * Format a summary as `median (min–max)`.
 *
 * @example
 * ```ts
 * fmtSummary({ median: 1.5, min: 1.2, max: 2, n: 5 }); // → '1.50 (1.20–2.00)'
 * ```
 */
export function fmtSummary(s: Summary | undefined): string {
  if (!s || s.n === 0) return 'n/a';
  return `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;
}

/**
 * Ours / theirs: the median of the per-round ratios when both were measured in the same
 * interleaved rounds ({@link pairedRatio}), else the ratio of the two medians; NaN when either
 * is missing.
 *
 * @example
 * ```ts
 * ratio({ median: 1, min: 1, max: 1, n: 5 }, { median: 4, min: 4, max: 4, n: 5 }); // → 0.25
 * ```
 */
export function ratio(ours: Summary | undefined, theirs: Summary | undefined): number {
  const paired = pairedRatio(ours, theirs);
  if (Number.isFinite(paired)) return paired;
  if (!ours || !theirs || ours.n === 0 || theirs.n === 0 || theirs.median === 0) return NaN;
  return ours.median / theirs.median;
}

/**
 * Median of the per-round ratios `ours[i] / theirs[i]` (rounds interleaved, so round i of
 * both ran seconds apart under the same machine load: a burst of host load moves both values
 * of a pair, not the ratio). NaN unless both have per-round values of the same length.
 *
 * @example
 * ```ts
 * pairedRatio(summarize([2, 4, 6]), summarize([1, 4, 3])); // → 2 (ratios 2, 1, 2)
 * ```
 */
export function pairedRatio(ours: Summary | undefined, theirs: Summary | undefined): number {
  const a = ours?.values;
  const b = theirs?.values;
  if (!a || !b || a.length !== b.length || a.length === 0) return NaN;
  const r: number[] = [];
  for (let i = 0; i < a.length; i++) if (b[i] !== 0) r.push(a[i] / b[i]);
  return summarize(r).median;
}

/**
 * A distribution-free confidence interval for a median, from order statistics: the largest
 * `k` with P(Binomial(n, ½) < k) ≤ (1 − `level`)/2 gives the narrowest [x₍ₖ₎, x₍ₙ₊₁₋ₖ₎] of the
 * sorted sample that covers the population median with probability 1 − 2·P(Binomial(n, ½) < k)
 * (the `confidence` returned, at least `level` when `n` allows it). When `n` is too small for
 * `level` (n < 6 for 95 %), the interval is min–max and `confidence` says how much less it
 * is (e.g. 0.9375 for n = 5). Assumes independent rounds. `undefined` for an empty sample.
 *
 * @param values - per-round figures (non-finite values ignored)
 * @param level - the confidence wanted, 0 < level < 1 (default 0.95)
 * @example
 * ```ts
 * medianInterval([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]); // → { lo: 3, hi: 10, confidence: 0.961… }
 * ```
 */
export function medianInterval(values: readonly number[], level = 0.95): { lo: number; hi: number; confidence: number } | undefined {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const n = v.length;
  if (n === 0) return undefined;
  // [x₍ₖ₎, x₍ₙ₊₁₋ₖ₎] covers the median with probability 1 − 2·F(k − 1), F the Binomial(n, ½) CDF.
  let k = 1;
  let p = Math.pow(0.5, n); // P(B = k − 1)
  let f = p; // F(k − 1)
  for (;;) {
    const pNext = (p * (n - k + 1)) / k; // P(B = k)
    const fNext = f + pNext; // F(k)
    if (k + 1 > n - k || 2 * fNext > 1 - level) break;
    k++;
    p = pNext;
    f = fNext;
  }
  return { lo: v[k - 1], hi: v[n - k], confidence: 1 - 2 * f };
}

/**
 * {@link medianInterval} of the per-round ratios `ours[i] / theirs[i]` whose median
 * {@link pairedRatio} reports: a range that holds the true median ratio with the returned
 * confidence (assuming independent rounds). `undefined` unless both have per-round values of
 * the same length.
 *
 * @example
 * ```ts
 * pairedRatioInterval(summarize([2, 4, 6, 8, 10, 12]), summarize([2, 2, 2, 2, 2, 2])); // → { lo: 1, hi: 6, confidence: 0.96875 }
 * ```
 */
export function pairedRatioInterval(ours: Summary | undefined, theirs: Summary | undefined, level = 0.95): { lo: number; hi: number; confidence: number } | undefined {
  const a = ours?.values;
  const b = theirs?.values;
  if (!a || !b || a.length !== b.length || a.length === 0) return undefined;
  const r: number[] = [];
  for (let i = 0; i < a.length; i++) if (b[i] !== 0) r.push(a[i] / b[i]);
  return medianInterval(r, level);
}

/**
 * The confidence of a table's intervals for its note: `96.1 %`, or `93.7–96.1 %` when its rows
 * had different confidences (rows with fewer rounds); `n/a` when there were none. Rounded
 * down: never more confidence than the intervals have.
 *
 * @example
 * ```ts
 * confidenceLabel([0.96142578125, 0.9375]); // → '93.7–96.1 %'
 * ```
 */
export function confidenceLabel(confidences: readonly number[]): string {
  if (confidences.length === 0) return 'n/a';
  const pct = (c: number): string => (Math.floor(c * 1000) / 10).toFixed(1);
  const lo = Math.min(...confidences);
  const hi = Math.max(...confidences);
  return lo === hi ? `${pct(lo)} %` : `${pct(lo)}–${pct(hi)} %`;
}

/**
 * A ratio cell with its interval: `0.958 [0.851–1.10]` ({@link ratio} and
 * {@link pairedRatioInterval}), or the ratio alone when the rounds do not pair up. Pushes the
 * interval's confidence onto `confidences` (for {@link confidenceLabel}).
 *
 * @example
 * ```ts
 * fmtRatioWithInterval(summarize([2, 4, 6, 8, 10, 12]), summarize([2, 2, 2, 2, 2, 2]), []); // → '3.50 [1.00–6.00]'
 * ```
 */
export function fmtRatioWithInterval(ours: Summary | undefined, theirs: Summary | undefined, confidences: number[]): string {
  const ci = pairedRatioInterval(ours, theirs);
  if (ci !== undefined) confidences.push(ci.confidence);
  return fmtWithInterval(ratio(ours, theirs), ci);
}

/**
 * A figure and its interval as one cell: `0.823 [0.776–0.871]`; the figure alone without one.
 *
 * @example
 * ```ts
 * fmtWithInterval(0.823, { lo: 0.776, hi: 0.871 }); // → '0.823 [0.776–0.871]'
 * ```
 */
export function fmtWithInterval(x: number, ci: { lo: number; hi: number } | undefined): string {
  return ci === undefined ? fmt(x) : `${fmt(x)} [${fmt(ci.lo)}–${fmt(ci.hi)}]`;
}
