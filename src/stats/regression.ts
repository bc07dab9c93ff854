/**
 * Least-squares line y = intercept + slope·x, with the slope's standard error and a one-sided
 * t-test of "slope > 0" (df = n − 2). Used for thermal drift: per-request decode time against
 * the request's offset into the run.
 */
import { linearRegression } from 'simple-statistics';
import { studentTSf } from './distributions.ts';

export interface LinearFit {
  n: number;
  slope: number;
  intercept: number;
  /** null for n < 3 (no residual degrees of freedom) */
  slopeStdErr: number | null;
  /** slope / slopeStdErr; ±Infinity when the points lie exactly on a sloped line */
  t: number | null;
  /** one-sided p-value for H1: slope > 0 */
  pPositive: number | null;
}

/** Returns null when there are fewer than 2 points or every x is the same. */
export function linearSlope(xs: readonly number[], ys: readonly number[]): LinearFit | null {
  if (xs.length !== ys.length) throw new RangeError(`linearSlope: ${xs.length} xs but ${ys.length} ys`);
  const n = xs.length;
  if (n < 2 || xs.every((x) => x === xs[0])) return null;
  const { m: slope, b: intercept } = linearRegression(xs.map((x, i) => [x, ys[i]!]));
  if (n < 3) return { n, slope, intercept, slopeStdErr: null, t: null, pPositive: null };
  const meanX = xs.reduce((s, x) => s + x, 0) / n;
  let sxx = 0;
  let sse = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i]! - meanX) ** 2;
    sse += (ys[i]! - (intercept + slope * xs[i]!)) ** 2;
  }
  const slopeStdErr = Math.sqrt(sse / (n - 2) / sxx);
  const t = slopeStdErr > 0 ? slope / slopeStdErr : slope === 0 ? 0 : slope * Infinity;
  return { n, slope, intercept, slopeStdErr, t, pPositive: studentTSf(t, n - 2) };
}
