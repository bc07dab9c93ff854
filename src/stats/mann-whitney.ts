/**
 * Mann–Whitney U test (Wilcoxon rank-sum) for "do samples a and b come from the same
 * distribution?" — the test `compare` uses for noisy latency samples (no normality assumed).
 *
 * U_a = R_a − n_a(n_a + 1)/2, where R_a is the sum of a's ranks in the pooled sample (tied
 * values get their average rank); U_a counts pairs (a_i > b_j) plus ½ per tie, U_b = n_a·n_b − U_a.
 * - exact: the null distribution of U by counting arrangements (no ties, n_a, n_b ≤ 50);
 * - normal: z with tie correction σ² = n_a·n_b/12 · ((n+1) − Σ(t³ − t)/(n(n − 1))) and a 0.5
 *   continuity correction, as in scipy.stats.mannwhitneyu(method='asymptotic').
 */
import { normalSf } from './distributions.ts';

export type Alternative = 'two-sided' | 'less' | 'greater';

export interface MannWhitneyResult {
  nA: number;
  nB: number;
  uA: number;
  uB: number;
  /** U_a / (n_a·n_b): estimated P(a > b) + ½·P(a = b); 0.5 means no shift */
  probabilityAGreater: number;
  method: 'exact' | 'normal';
  alternative: Alternative;
  /** normal approximation only */
  z: number | null;
  pValue: number;
}

export const EXACT_MAX_N = 50;

/** Average ranks (1-based) of `values` and the tie-group sizes. */
export function averageRanks(values: readonly number[]): { ranks: number[]; tieSizes: number[] } {
  const order = values.map((v, i) => ({ v, i })).sort((x, y) => x.v - y.v);
  const ranks = new Array<number>(values.length);
  const tieSizes: number[] = [];
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.v === order[start]!.v) end++;
    const avg = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[order[k]!.i] = avg;
    if (end > start) tieSizes.push(end - start + 1);
    start = end + 1;
  }
  return { ranks, tieSizes };
}

/** counts[u] = number of orderings of nA a's and nB b's (no ties) in which U_a = u. */
export function exactUCounts(nA: number, nB: number): Float64Array {
  // f(i, j, u) = f(i−1, j, u − j) + f(i, j−1, u): the largest element is an a (beating all j b's) or a b
  let prev: Float64Array[] = Array.from({ length: nB + 1 }, () => Float64Array.of(1)); // i = 0
  for (let i = 1; i <= nA; i++) {
    const cur: Float64Array[] = [Float64Array.of(1)]; // j = 0
    for (let j = 1; j <= nB; j++) {
      const row = new Float64Array(i * j + 1);
      const fromA = prev[j]!;
      for (let u = 0; u < fromA.length; u++) row[u + j]! += fromA[u]!;
      const fromB = cur[j - 1]!;
      for (let u = 0; u < fromB.length; u++) row[u]! += fromB[u]!;
      cur.push(row);
    }
    prev = cur;
  }
  return prev[nB]!;
}

export function mannWhitneyU(
  a: readonly number[],
  b: readonly number[],
  opts: { alternative?: Alternative; method?: 'auto' | 'exact' | 'normal' } = {},
): MannWhitneyResult {
  const alternative = opts.alternative ?? 'two-sided';
  const nA = a.length;
  const nB = b.length;
  if (nA === 0 || nB === 0) throw new RangeError('mannWhitneyU: both samples need at least one value');
  if ([...a, ...b].some((x) => !Number.isFinite(x))) throw new RangeError('mannWhitneyU: samples must be finite numbers');
  const { ranks, tieSizes } = averageRanks([...a, ...b]);
  const rankSumA = ranks.slice(0, nA).reduce((s, r) => s + r, 0);
  const uA = rankSumA - (nA * (nA + 1)) / 2;
  const uB = nA * nB - uA;
  const canExact = tieSizes.length === 0 && nA <= EXACT_MAX_N && nB <= EXACT_MAX_N;
  const method = opts.method ?? 'auto';
  if (method === 'exact' && !canExact) {
    throw new RangeError(`mannWhitneyU: exact method needs no ties and n ≤ ${EXACT_MAX_N} per sample`);
  }
  const base = { nA, nB, uA, uB, probabilityAGreater: uA / (nA * nB), alternative };

  if (method === 'exact' || (method === 'auto' && canExact)) {
    const counts = exactUCounts(nA, nB);
    const total = counts.reduce((s, c) => s + c, 0);
    let le = 0;
    let ge = 0;
    counts.forEach((c, u) => {
      if (u <= uA) le += c;
      if (u >= uA) ge += c;
    });
    const pLe = le / total;
    const pGe = ge / total;
    const pValue = alternative === 'greater' ? pGe : alternative === 'less' ? pLe : Math.min(1, 2 * Math.min(pLe, pGe));
    return { ...base, method: 'exact', z: null, pValue };
  }

  const n = nA + nB;
  const mu = (nA * nB) / 2;
  const tieTerm = tieSizes.reduce((s, t) => s + t ** 3 - t, 0) / (n * (n - 1));
  const sigma = Math.sqrt(((nA * nB) / 12) * (n + 1 - tieTerm));
  if (sigma === 0) return { ...base, method: 'normal', z: 0, pValue: 1 };
  const u = alternative === 'greater' ? uA : alternative === 'less' ? uB : Math.max(uA, uB);
  const z = (u - mu - 0.5) / sigma;
  const pValue = Math.min(1, (alternative === 'two-sided' ? 2 : 1) * normalSf(z));
  return { ...base, method: 'normal', z, pValue };
}
