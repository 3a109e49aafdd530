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
