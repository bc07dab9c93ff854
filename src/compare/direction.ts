/** Which way is better for each metric, and how a change is expressed so that positive = worse. */
import type { MetricName } from '../results/schema.ts';
import type { Direction } from '../analyze/metrics/index.ts';

/** From the metric records (src/analyze/metrics). */
export { METRIC_DIRECTION, type Direction } from '../analyze/metrics/index.ts';

/**
 * Compared by default: the per-request metrics. itlMs pools every token gap of a request, so its
 * samples are not independent (a rank test on them would be over-confident); rooflineFraction is
 * decode tok/s rescaled by a constant. Both can still be asked for with --metrics.
 */
export const DEFAULT_COMPARE_METRICS: readonly MetricName[] = ['ttftMs', 'tpotMs', 'e2eMs', 'decodeTokensPerS', 'prefillTokensPerS'];

/**
 * Ratio head/baseline → "regression %", positive when head is worse: for lower-is-better metrics
 * (ratio − 1)·100 (ms went up), for higher-is-better (1 − ratio)·100 (tok/s went down).
 */
export function regressionPct(ratio: number, direction: Direction): number {
  return direction === 'lower-is-better' ? (ratio - 1) * 100 : (1 - ratio) * 100;
}

/** The same mapping for an interval of ratios; returns [lo, hi] in regression % (lo ≤ hi). */
export function regressionInterval(ratioLo: number, ratioHi: number, direction: Direction): { lo: number; hi: number } {
  const a = regressionPct(ratioLo, direction);
  const b = regressionPct(ratioHi, direction);
  return { lo: Math.min(a, b), hi: Math.max(a, b) };
}
