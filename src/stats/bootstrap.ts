/**
 * Bootstrap percentile confidence interval of the median (Efron), seeded, so the same seed gives
 * the same interval everywhere. Bounds are nearest-rank percentiles (α/2, 1 − α/2) of the
 * resampled medians.
 *
 * Speed: resampling n values and taking their median costs O(n) per resample, seconds for the
 * tens of thousands of pooled inter-token latencies of a long run. Instead each resample's median
 * is drawn directly from its exact distribution: resampling from the sorted data x_(1..n) is
 * x_(⌊U·n⌋+1) for uniform U, so the k-th smallest of a resample is x_(⌊U_(k)·n⌋+1), with the k-th
 * uniform order statistic U_(k) ~ Beta(k, n − k + 1); for even n the next one is
 * U_(k+1) = U_(k) + (1 − U_(k))·(1 − V^{1/(n−k)}), V uniform. Same distribution as the naive
 * bootstrap, O(1) per resample.
 */
import { mulberry32, type Rng } from './prng.ts';
import { percentileSorted } from './percentile.ts';

export interface BootstrapCI {
  lo: number;
  hi: number;
  method: 'bootstrap-percentile';
  resamples: number;
  seed: number;
}

export const DEFAULT_RESAMPLES = 10_000;

/** Standard normal by Box–Muller (one of the pair; simplicity over speed). */
function normal(rand: Rng): number {
  const u1 = 1 - rand(); // (0, 1]
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rand());
}

/** Gamma(shape ≥ 1, scale 1) by Marsaglia & Tsang (2000). */
function gamma(shape: number, rand: Rng): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal(rand);
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    if (Math.log(1 - rand()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

function beta(a: number, b: number, rand: Rng): number {
  const x = gamma(a, rand);
  return x / (x + gamma(b, rand));
}

/** Medians of `resamples` bootstrap resamples (in draw order), drawn as described above. */
export function bootstrapMedians(samples: readonly number[], opts: { seed: number; resamples: number }): Float64Array {
  const n = samples.length;
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (u: number) => sorted[Math.min(n - 1, Math.floor(u * n))]!;
  const rand = mulberry32(opts.seed);
  const k = Math.floor((n + 1) / 2); // 1-based rank of the (lower) median
  const medians = new Float64Array(opts.resamples);
  for (let r = 0; r < opts.resamples; r++) {
    const uk = beta(k, n - k + 1, rand);
    if (n % 2 === 1) {
      medians[r] = at(uk);
    } else {
      const next = uk + (1 - uk) * (1 - (1 - rand()) ** (1 / (n - k)));
      medians[r] = (at(uk) + at(next)) / 2;
    }
  }
  return medians;
}

export function bootstrapMedianCI(
  samples: readonly number[],
  opts: { seed: number; confidence?: number; resamples?: number },
): BootstrapCI {
  const n = samples.length;
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES;
  const confidence = opts.confidence ?? 0.95;
  if (n === 0) throw new RangeError('bootstrapMedianCI: no samples');
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  const dist = Array.from(bootstrapMedians(samples, { seed: opts.seed, resamples })).sort((a, b) => a - b);
  const alpha = 1 - confidence;
  return {
    lo: percentileSorted(dist, (alpha / 2) * 100),
    hi: percentileSorted(dist, (1 - alpha / 2) * 100),
    method: 'bootstrap-percentile',
    resamples,
    seed: opts.seed,
  };
}
