/**
 * summary.json `sideBySide`: runners (or EPs) measured on the same model and shape, as ratios
 * A ÷ B of medians with a bootstrap 95 % CI from the raw samples, and the conditions that differ.
 */
import { z } from 'zod';

export const CompareSide = z.strictObject({
  cellIndex: z.number().int().nonnegative(),
  runner: z.string(),
  /** execution provider actually used (resolved), e.g. cpu, wasm, webgpu */
  ep: z.string(),
  threads: z.number().int().positive().nullable(),
  /** weights actually run (resolved), e.g. q4 */
  dtype: z.string(),
});

export const RatioEstimate = z.strictObject({
  /** median(A) ÷ median(B) */
  ratio: z.number(),
  ci95: z.strictObject({ lo: z.number(), hi: z.number() }),
  medianA: z.number(),
  medianB: z.number(),
  nA: z.number().int().positive(),
  nB: z.number().int().positive(),
  unit: z.string(),
  higherIsBetter: z.boolean(),
  /** which side is better, or 'inconclusive' when the CI contains 1 */
  verdict: z.enum(['a-better', 'b-better', 'inconclusive']),
});

export const RunnerComparison = z.strictObject({
  model: z.string(),
  shape: z.string(),
  a: CompareSide,
  b: CompareSide,
  metrics: z.record(z.string(), RatioEstimate),
  /** conditions that differ between A and B (dtype, threads, EP, software adapter, fallback, boundary) */
  mismatches: z.array(z.string()),
});

export const SideBySide = z.strictObject({
  method: z.literal('bootstrap-ratio-of-medians'),
  resamples: z.number().int().positive(),
  seed: z.number().int(),
  comparisons: z.array(RunnerComparison),
});

export type CompareSide = z.infer<typeof CompareSide>;
export type RatioEstimate = z.infer<typeof RatioEstimate>;
export type RunnerComparison = z.infer<typeof RunnerComparison>;
export type SideBySide = z.infer<typeof SideBySide>;
