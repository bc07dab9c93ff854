/**
 * Holm–Bonferroni step-down adjustment (Holm 1979). Sort the m p-values ascending; the i-th
 * smallest (1-based) becomes max over j ≤ i of min(1, (m − j + 1)·p_(j)). Returned in the
 * original order; reject H_k at level α when adjusted[k] ≤ α.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  pValues.forEach((p, i) => {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`holmAdjust: p-value ${i} is not in [0, 1] (${p})`);
  });
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p || a.i - b.i);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
