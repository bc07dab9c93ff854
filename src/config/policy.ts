import { z } from 'zod';
import { BOUNDS, boundedInt, boundedNumber } from '../config/bounds.ts';

/** Run rules (DESIGN §6): warmup by count, then measure until BOTH minCount and minTimeS are met, capped. */
export const RepetitionPolicy = z.strictObject({
  warmup: boundedInt(0, BOUNDS.requests, 'warmup').default(1),
  minCount: boundedInt(1, BOUNDS.requests, 'minCount').default(5),
  minTimeS: boundedNumber(0, BOUNDS.seconds, 'minTimeS').default(10),
  maxCount: boundedInt(1, BOUNDS.requests, 'maxCount').default(200),
  maxTimeS: z.number().positive('maxTimeS must be more than 0').max(BOUNDS.seconds, `maxTimeS must be at most ${BOUNDS.seconds}`).default(300),
  cooldownS: boundedNumber(0, BOUNDS.seconds, 'cooldownS').default(0),
}).refine((p) => p.maxCount >= p.minCount, { message: 'maxCount must be ≥ minCount', path: ['maxCount'] })
  .refine((p) => p.maxTimeS >= p.minTimeS, { message: 'maxTimeS must be ≥ minTimeS', path: ['maxTimeS'] });
export type RepetitionPolicy = z.infer<typeof RepetitionPolicy>;
