/**
 * Nearest-rank percentiles (no interpolation): the p-th percentile of n sorted values is the value
 * at rank ⌈p/100 · n⌉ (1-based); p = 0 gives the minimum. Every reported percentile is therefore a
 * value that was actually observed.
 */

/** Rank (1-based) of the p-th percentile among n values. */
export function nearestRank(p: number, n: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${p}`);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`need at least one value, got n=${n}`);
  // round away float noise such as 0.29 * 100 = 28.999999999999996 before taking the ceiling
  const exact = Math.round((p / 100) * n * 1e9) / 1e9;
  return Math.max(1, Math.ceil(exact));
}

/** Nearest-rank percentile of values that are already sorted ascending. */
export function percentileSorted(sorted: readonly number[], p: number): number {
  const v = sorted[nearestRank(p, sorted.length) - 1];
  if (v === undefined) throw new RangeError('percentileSorted: empty input');
  return v;
}

/** Nearest-rank percentile of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  return percentileSorted(
    [...values].sort((a, b) => a - b),
    p,
  );
}

/**
 * Smallest n for which the p-th percentile can differ from the maximum, i.e. its nearest rank is
 * below n: ⌈p·n/100⌉ < n ⇔ n ≥ 100/(100−p). p90 needs n ≥ 10, p99 needs n ≥ 100. With fewer
 * samples edgebench reports the percentile as null instead of silently repeating the maximum.
 */
export function minSamplesForPercentile(p: number): number {
  if (!(p >= 0 && p < 100)) throw new RangeError(`percentile must be in [0, 100), got ${p}`);
  let n = 1;
  while (nearestRank(p, n) >= n && n < 1e7) n++;
  return n;
}

/** The p-th percentile, or null when n is too small for it to be distinct from the maximum. */
export function percentileOrNull(sorted: readonly number[], p: number): number | null {
  return sorted.length >= minSamplesForPercentile(p) ? percentileSorted(sorted, p) : null;
}
