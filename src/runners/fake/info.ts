import { z } from 'zod';
import type { RunnerInfo } from '../types.ts';

/** Scripted timings (ms) for harness tests; failOn makes loading or generating fail on purpose. */
export const FakeSettings = z.strictObject({
  prefillMsPerToken: z.number().nonnegative().max(10_000).default(0.01),
  decodeMs: z.number().nonnegative().max(60_000).default(1),
  loadMs: z.number().nonnegative().max(600_000).default(1),
  /** ± fraction of each sleep, drawn from a seeded generator */
  jitter: z.number().min(0).max(1).default(0),
  failOn: z.enum(['load', 'generate']).optional(),
  seed: z.number().int().default(1),
  /** NAME=value the process must start with (exercises the CLI's restart, src/cli/restart.ts); the value seen is recorded */
  startEnv: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]*=[\w.-]*$/, 'expected NAME=value, e.g. EDGEBENCH_FAKE=1')
    .optional(),
});

export const fakeInfo = {
  id: 'fake',
  boundary: 'engine',
  description: 'scripted timings for harness tests (no model)',
  settings: FakeSettings,
} as const satisfies RunnerInfo;
