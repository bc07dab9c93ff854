/**
 * How a cell decided to stop measuring (src/measure/stopping.ts), stored with the cell so the
 * rule can be audited and re-checked from the raw traces.
 */
import { z } from 'zod';

export const StopReason = z.enum(['ci-reached', 'min-reached', 'max-count', 'max-time', 'interrupted']);
export type StopReason = z.infer<typeof StopReason>;

export const StoppingLook = z.strictObject({
  /** measured requests at this look */
  n: z.number().int().positive(),
  timedS: z.number().nonnegative(),
  median: z.number(),
  lo: z.number(),
  hi: z.number(),
  /** (hi − lo) / 2 as % of |median|; null when the median is 0 */
  halfWidthPct: z.number().nonnegative().nullable(),
});
export type StoppingLook = z.infer<typeof StoppingLook>;

export const CellStopping = z.strictObject({
  rule: z.enum(['fixed', 'ci-half-width']),
  /** the rule in words, as applied to this cell */
  description: z.string(),
  metric: z.enum(['decodeTokensPerS', 'ttftMs']),
  targetCiPct: z.number().positive().nullable(),
  checkEvery: z.number().int().positive(),
  confidence: z.number().gt(0).lt(1),
  resamples: z.number().int().positive(),
  seed: z.number().int(),
  /** minTimeS/maxTimeS count the sum of timed windows (t_submit → last token), not wall time */
  timeBasis: z.literal('timed-windows'),
  measured: z.number().int().nonnegative(),
  timedS: z.number().nonnegative(),
  /** wall time of the measured phase (timed windows + untimed context fill, cooldown, harness) */
  wallS: z.number().nonnegative(),
  reason: StopReason,
  /** ci-half-width: whether the target was met; null for the fixed rule */
  reached: z.boolean().nullable(),
  /** half-width at the last look (the final one for a fixed rule) */
  halfWidthPct: z.number().nonnegative().nullable(),
  looks: z.array(StoppingLook),
});
export type CellStopping = z.infer<typeof CellStopping>;
