import { z } from 'zod';
import { BOUNDS, boundedInt, boundedNumber } from './bounds.ts';

/**
 * Run rules (DESIGN §6): warmup by count, then measure until BOTH minCount and minTimeS are met,
 * capped by maxCount and maxTimeS. Times count timed windows only (t_submit → last token of each
 * measured request): untimed work (KV context fill for @d shapes, tokenization, cooldown) is not
 * counted. With targetCiPct the cell also keeps measuring past the minimums until the 95 % CI of
 * its headline metric is that tight (src/measure/stopping.ts), looking every checkEvery requests.
 */
export const RepetitionPolicy = z
  .strictObject({
    warmup: boundedInt(0, BOUNDS.requests, 'warmup').default(1),
    minCount: boundedInt(1, BOUNDS.requests, 'minCount').default(5),
    minTimeS: boundedNumber(0, BOUNDS.seconds, 'minTimeS').default(10),
    maxCount: boundedInt(1, BOUNDS.requests, 'maxCount').default(200),
    maxTimeS: z
      .number()
      .positive('maxTimeS must be more than 0')
      .max(BOUNDS.seconds, `maxTimeS must be at most ${BOUNDS.seconds}`)
      .default(300),
    cooldownS: boundedNumber(0, BOUNDS.seconds, 'cooldownS').default(0),
    /** stop once the 95 % CI half-width of the headline metric is ≤ this % of its median; absent = fixed counts */
    targetCiPct: z.number().positive().max(100).optional(),
    /** look at the CI only every k measured requests (fewer looks, less optional-stopping bias); default 5 */
    checkEvery: z.number().int().positive().max(1000).optional(),
  })
  .refine((p) => p.maxCount >= p.minCount, { message: 'maxCount must be ≥ minCount', path: ['maxCount'] })
  .refine((p) => p.maxTimeS >= p.minTimeS, { message: 'maxTimeS must be ≥ minTimeS', path: ['maxTimeS'] });
export type RepetitionPolicy = z.infer<typeof RepetitionPolicy>;
