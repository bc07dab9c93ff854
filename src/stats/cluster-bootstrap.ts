/**
 * Cluster bootstrap percentile CI of the median of pooled values (e.g. inter-token gaps pooled
 * over requests). Gaps of one request share its state (cache, frequency, other tenants), so they
 * are not independent; resampling single gaps makes the CI far too narrow. Here each resample
 * draws whole clusters (requests) with replacement, pools their values and takes the median
 * (mean of the two middle values for an even pool), as in Davison & Hinkley (1997) §3.8.
 *
 * Speed: the values are sorted once with their cluster; a resample is a multiplicity per
 * cluster, and its pooled median is found by walking the sorted values accumulating multiplicities
 * (O(total values) per resample, no sort). The resample count is lowered for very large pools so
 * one CI costs at most ~WORK_BUDGET steps; the count used is returned with the interval.
 */
import { mulberry32 } from './prng.ts';
import { percentileSorted } from './percentile.ts';

export interface ClusterBootstrapCI {
  lo: number;
  hi: number;
  method: 'cluster-bootstrap-percentile';
  resamples: number;
  seed: number;
}

/** Most value-steps one CI may cost (≈ 0.5 s of JS); beyond it the resample count shrinks (never below MIN_RESAMPLES). */
export const WORK_BUDGET = 1e8;
export const MIN_RESAMPLES = 1000;

/** Medians of `resamples` cluster-bootstrap resamples, in draw order. */
export function clusterBootstrapMedians(clusters: readonly (readonly number[])[], opts: { seed: number; resamples: number }): Float64Array {
  const k = clusters.length;
  const flat: { v: number; c: number }[] = [];
  clusters.forEach((vals, c) => {
    for (const v of vals) flat.push({ v, c });
  });
  flat.sort((a, b) => a.v - b.v);
  const values = Float64Array.from(flat, (x) => x.v);
  const owner = Int32Array.from(flat, (x) => x.c);
  const sizes = clusters.map((c) => c.length);
  const rand = mulberry32(opts.seed);
  const weight = new Int32Array(k);
  const out = new Float64Array(opts.resamples);
  for (let r = 0; r < opts.resamples; r++) {
    weight.fill(0);
    let total = 0;
    for (let i = 0; i < k; i++) {
      const c = Math.floor(rand() * k);
      weight[c]!++;
      total += sizes[c]!;
    }
    // 0-based ranks of the two middle values of the pooled resample (equal when total is odd)
    const r1 = Math.floor((total - 1) / 2);
    const r2 = Math.floor(total / 2);
    let cum = 0;
    let lo = NaN;
    for (let j = 0; j < values.length; j++) {
      cum += weight[owner[j]!]!;
      if (Number.isNaN(lo) && cum > r1) lo = values[j]!;
      if (cum > r2) {
        out[r] = (lo + values[j]!) / 2;
        break;
      }
    }
  }
  return out;
}

export function clusterBootstrapMedianCI(
  clusters: readonly (readonly number[])[],
  opts: { seed: number; confidence?: number; resamples?: number },
): ClusterBootstrapCI {
  const nonEmpty = clusters.filter((c) => c.length > 0);
  const pooled = nonEmpty.reduce((s, c) => s + c.length, 0);
  if (pooled === 0) throw new RangeError('clusterBootstrapMedianCI: no values');
  const asked = opts.resamples ?? 10_000;
  const confidence = opts.confidence ?? 0.95;
  if (!Number.isInteger(asked) || asked < 1) throw new RangeError(`resamples must be a positive integer, got ${asked}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  const resamples = Math.min(asked, Math.max(MIN_RESAMPLES, Math.floor(WORK_BUDGET / pooled)));
  const dist = Array.from(clusterBootstrapMedians(nonEmpty, { seed: opts.seed, resamples })).sort((a, b) => a - b);
  const alpha = 1 - confidence;
  return {
    lo: percentileSorted(dist, (alpha / 2) * 100),
    hi: percentileSorted(dist, (1 - alpha / 2) * 100),
    method: 'cluster-bootstrap-percentile',
    resamples,
    seed: opts.seed,
  };
}
