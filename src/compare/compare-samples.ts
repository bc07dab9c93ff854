/**
 * One metric, two sample sets: the ratio of medians (head / baseline) with a bootstrap CI, a
 * Mann–Whitney U test on the raw samples, and the verdict rule.
 *
 * Verdict (α after Holm correction, default 0.01, band = noise band in %; "regression %" is positive when head
 * is worse, see direction.ts):
 *   regressed     p_holm < α  and  regression % >  band   (point estimate)
 *   improved      p_holm < α  and  regression % < −band
 *   unchanged     otherwise, when the whole CI of the change lies inside [−band, +band]
 *   inconclusive  otherwise (the data cannot rule out a change beyond the band), or n < MIN_SAMPLES
 * The regressed/improved rule does not use the bootstrap at all; only unchanged vs inconclusive does.
 */
import { bootstrapMedians, mannWhitneyU, percentileSorted } from '../stats/index.ts';
import { regressionInterval, regressionPct, type Direction } from './direction.ts';

export type Verdict = 'improved' | 'regressed' | 'unchanged' | 'inconclusive';

/** Fewer samples than this on either side and the comparison is inconclusive by rule. */
export const MIN_SAMPLES = 5;

/**
 * Default significance level (after Holm). 0.01 rather than 0.05: a regression gate runs on every
 * pull request, and with i.i.d. noise a false "significantly worse" then happens in at most
 * α/2 = 0.5 % of comparisons however many cells there are, before the noise band even applies.
 */
export const DEFAULT_ALPHA = 0.01;

/** Up to this many samples on the smaller side the exact U distribution is used (when there are no ties). */
export const EXACT_UP_TO = 20;

export interface SampleComparison {
  nBaseline: number;
  nHead: number;
  baselineMedian: number;
  headMedian: number;
  /** head median / baseline median; null when the baseline median is 0 */
  ratio: number | null;
  ratioCi: { lo: number; hi: number } | null;
  /** positive = head is worse */
  regressionPct: number | null;
  regressionCi: { lo: number; hi: number } | null;
  /** two-sided Mann–Whitney U p-value (before correction) */
  pValue: number;
  test: 'mann-whitney-u-exact' | 'mann-whitney-u-normal';
}

export interface CompareSamplesOptions {
  seed: number;
  resamples: number;
  confidence: number;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function compareSamples(
  baseline: readonly number[],
  head: readonly number[],
  direction: Direction,
  opts: CompareSamplesOptions,
): SampleComparison {
  if (baseline.length === 0 || head.length === 0) throw new RangeError('compareSamples: both sides need samples');
  const bMed = median(baseline);
  const hMed = median(head);
  // exact for small samples, else the normal approximation with tie and continuity correction (as scipy)
  const method = Math.min(baseline.length, head.length) <= EXACT_UP_TO ? 'auto' : 'normal';
  const mw = mannWhitneyU(head, baseline, { alternative: 'two-sided', method });
  const base = {
    nBaseline: baseline.length,
    nHead: head.length,
    baselineMedian: bMed,
    headMedian: hMed,
    pValue: mw.pValue,
    test: mw.method === 'exact' ? ('mann-whitney-u-exact' as const) : ('mann-whitney-u-normal' as const),
  };
  if (bMed === 0) return { ...base, ratio: null, ratioCi: null, regressionPct: null, regressionCi: null };
  const ratio = hMed / bMed;
  // independent bootstrap of each median; the ratio of paired draws gives the ratio's distribution
  const bm = bootstrapMedians(baseline, { seed: opts.seed, resamples: opts.resamples });
  const hm = bootstrapMedians(head, { seed: opts.seed + 1, resamples: opts.resamples });
  const ratios = Array.from(hm, (h, i) => h / bm[i]!)
    .filter((r) => !Number.isNaN(r))
    .sort((a, b) => a - b);
  const alpha = 1 - opts.confidence;
  const ratioCi = ratios.length
    ? { lo: percentileSorted(ratios, (alpha / 2) * 100), hi: percentileSorted(ratios, (1 - alpha / 2) * 100) }
    : { lo: ratio, hi: ratio };
  return {
    ...base,
    ratio,
    ratioCi,
    regressionPct: regressionPct(ratio, direction),
    regressionCi: regressionInterval(ratioCi.lo, ratioCi.hi, direction),
  };
}

export interface VerdictInput {
  nBaseline: number;
  nHead: number;
  regressionPct: number | null;
  regressionCi: { lo: number; hi: number } | null;
  pAdjusted: number;
}

export function decideVerdict(c: VerdictInput, opts: { alpha: number; noiseBandPct: number }): { verdict: Verdict; reason: string } {
  const band = opts.noiseBandPct;
  if (c.nBaseline < MIN_SAMPLES || c.nHead < MIN_SAMPLES) {
    return { verdict: 'inconclusive', reason: `too few samples (baseline ${c.nBaseline}, head ${c.nHead}; need ≥ ${MIN_SAMPLES} each)` };
  }
  if (c.regressionPct === null || c.regressionCi === null) return { verdict: 'inconclusive', reason: 'baseline median is 0: no ratio' };
  const significant = c.pAdjusted < opts.alpha;
  const pct = `${Math.abs(c.regressionPct).toFixed(1)} %`;
  if (significant && c.regressionPct > band)
    return { verdict: 'regressed', reason: `worse by ${pct}: significant and beyond the ±${band} % noise band` };
  if (significant && c.regressionPct < -band)
    return { verdict: 'improved', reason: `better by ${pct}: significant and beyond the ±${band} % noise band` };
  if (c.regressionCi.lo >= -band && c.regressionCi.hi <= band) {
    return {
      verdict: 'unchanged',
      reason: significant
        ? `a significant but small change, inside the ±${band} % noise band`
        : `the CI lies inside the ±${band} % noise band`,
    };
  }
  return {
    verdict: 'inconclusive',
    reason: significant
      ? `significant, within the ±${band} % band, but the CI reaches beyond it: measure more`
      : `not significant (p=${c.pAdjusted.toPrecision(2)}) and the CI reaches beyond the ±${band} % band: measure more`,
  };
}
