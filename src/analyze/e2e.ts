import type { RequestTrace } from '../results/schema.ts';
import type { RequestMetric } from './metric.ts';

/** End-to-end latency: t_N − t_submit. */
export function e2eMs(trace: RequestTrace): number | null {
  return trace.tokenTimesMs.at(-1) ?? null;
}

export const e2e: RequestMetric = {
  kind: 'per-request',
  name: 'e2eMs',
  unit: 'ms',
  definition: 't_N − t_submit',
  sample: (trace) => e2eMs(trace),
};
