/**
 * Outlier detection by modified z-score (Iglewicz & Hoaglin 1993; also hyperfine's
 * outlier_detection.rs): z_i = 0.6745 · (x_i − median) / MAD, outlier when |z_i| > 3.5.
 * MAD is the raw median absolute deviation (not scaled to σ). When MAD = 0 (over half the values
 * identical) the score falls back to the mean absolute deviation: z_i = (x_i − median) /
 * (1.253314 · meanAD), as in IBM's definition; when that is 0 too, nothing is an outlier.
 */
import { median, medianAbsoluteDeviation } from 'simple-statistics';

export const MODIFIED_Z_THRESHOLD = 3.5;

export function modifiedZScores(values: readonly number[]): number[] {
  if (values.length === 0) return [];
  const med = median(values);
  const mad = medianAbsoluteDeviation(values);
  if (mad > 0) return values.map((x) => (0.6745 * (x - med)) / mad);
  const meanAd = values.reduce((s, x) => s + Math.abs(x - med), 0) / values.length;
  if (meanAd > 0) return values.map((x) => (x - med) / (1.253314 * meanAd));
  return values.map(() => 0);
}

/** Indices (into `values`) whose |modified z| exceeds the threshold (default 3.5). */
export function outlierIndices(values: readonly number[], threshold = MODIFIED_Z_THRESHOLD): number[] {
  const out: number[] = [];
  modifiedZScores(values).forEach((z, i) => {
    if (Math.abs(z) > threshold) out.push(i);
  });
  return out;
}
