import { z } from 'zod';

/**
 * Run rules (DESIGN §6): warmup by count, then measure until BOTH minCount and minTimeS are met,
 * capped by maxCount and maxTimeS. Times count timed windows only (t_submit → last token of each
 * measured request): untimed work (KV context fill for @d shapes, tokenization, cooldown) is not
 * counted. With targetCiPct the cell also keeps measuring past the minimums until the 95 % CI of
 * its headline metric is that tight (src/measure/stopping.ts), looking every checkEvery requests.
 */
export const RepetitionPolicy = z.strictObject({
  warmup: z.number().int().nonnegative().max(10_000).default(1),
  minCount: z.number().int().positive().max(1_000_000).default(5),
  minTimeS: z.number().nonnegative().max(86_400).default(10),
  maxCount: z.number().int().positive().max(1_000_000).default(200),
  maxTimeS: z.number().positive().max(86_400).default(300),
  cooldownS: z.number().nonnegative().max(3600).default(0),
  /** stop once the 95 % CI half-width of the headline metric is ≤ this % of its median; absent = fixed counts */
  targetCiPct: z.number().positive().max(100).optional(),
  /** look at the CI only every k measured requests (fewer looks, less optional-stopping bias); default 5 */
  checkEvery: z.number().int().positive().max(1000).optional(),
}).refine((p) => p.maxCount >= p.minCount, { message: 'maxCount must be ≥ minCount', path: ['maxCount'] })
  .refine((p) => p.maxTimeS >= p.minTimeS, { message: 'maxTimeS must be ≥ minTimeS', path: ['maxTimeS'] });
export type RepetitionPolicy = z.infer<typeof RepetitionPolicy>;
