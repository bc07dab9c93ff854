import { mean, median, medianAbsoluteDeviation, sampleStandardDeviation } from 'simple-statistics';
import { bootstrapMedianCI, type BootstrapCI } from './bootstrap.ts';
import { outlierIndices } from './outliers.ts';
import { percentileOrNull } from './percentile.ts';

/**
 * The statistics edgebench reports for one metric (DESIGN §6).
 * - sd: sample standard deviation (n − 1); null for n < 2. cv = sd / |mean| (a fraction, 0.05 = 5 %).
 * - p90 / p99: nearest-rank; null unless n ≥ 10 / n ≥ 100 (see minSamplesForPercentile).
 * - ci95: bootstrap percentile 95 % CI of the median, seeded.
 * - mad: raw median absolute deviation; outliers: indices into the input with |modified z| > 3.5.
 */
export interface SampleSummary {
  n: number;
  median: number;
  mean: number;
  sd: number | null;
  cv: number | null;
  p90: number | null;
  p99: number | null;
  min: number;
  max: number;
  ci95: BootstrapCI;
  mad: number;
  outliers: number[];
}

export function summarize(samples: readonly number[], opts: { seed: number; confidence?: 0.95; resamples?: number }): SampleSummary {
  if (samples.length === 0) throw new RangeError('summarize: no samples');
  const bad = samples.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new RangeError(`summarize: sample ${bad} is not a finite number (${samples[bad]})`);
  const sorted = [...samples].sort((a, b) => a - b);
  const n = samples.length;
  const m = mean(samples);
  const sd = n >= 2 ? sampleStandardDeviation(samples) : null;
  return {
    n,
    median: median(sorted),
    mean: m,
    sd,
    cv: sd !== null && m !== 0 ? sd / Math.abs(m) : null,
    p90: percentileOrNull(sorted, 90),
    p99: percentileOrNull(sorted, 99),
    min: sorted[0]!,
    max: sorted[n - 1]!,
    ci95: bootstrapMedianCI(samples, {
      seed: opts.seed,
      confidence: opts.confidence ?? 0.95,
      ...(opts.resamples !== undefined && { resamples: opts.resamples }),
    }),
    mad: medianAbsoluteDeviation(samples),
    outliers: outlierIndices(samples),
  };
}
