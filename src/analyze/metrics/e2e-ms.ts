import type { RequestTrace } from '../../results/schema.ts';
import type { RequestMetric } from './types.ts';

/** End-to-end latency: t_N − t_submit. */
export function e2eMs(trace: RequestTrace): number | null {
  return trace.tokenTimesMs.at(-1) ?? null;
}

export const e2e: RequestMetric<'e2eMs'> = {
  kind: 'per-request',
  name: 'e2eMs',
  unit: 'ms',
  direction: 'lower-is-better',
  definition: 't_N − t_submit: the whole request',
  sample: (trace) => e2eMs(trace),
};
