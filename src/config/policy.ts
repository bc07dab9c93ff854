import { z } from 'zod';

/** Run rules (DESIGN §6): warmup by count, then measure until BOTH minCount and minTimeS are met, capped. */
export const RepetitionPolicy = z.strictObject({
  warmup: z.number().int().nonnegative().default(1),
  minCount: z.number().int().positive().default(5),
  minTimeS: z.number().nonnegative().default(10),
  maxCount: z.number().int().positive().default(200),
  maxTimeS: z.number().positive().default(300),
  cooldownS: z.number().nonnegative().default(0),
}).refine((p) => p.maxCount >= p.minCount, { message: 'maxCount must be ≥ minCount', path: ['maxCount'] })
  .refine((p) => p.maxTimeS >= p.minTimeS, { message: 'maxTimeS must be ≥ minTimeS', path: ['maxTimeS'] });
export type RepetitionPolicy = z.infer<typeof RepetitionPolicy>;
