import type { RequestTrace } from '../results/schema.ts';
import type { RequestMetric } from './metric.ts';

/** Time to first token: t_1 − t_submit (token times are already relative to t_submit). */
export function ttftMs(trace: RequestTrace): number | null {
  return trace.tokenTimesMs[0] ?? null;
}

export const ttft: RequestMetric = {
  kind: 'per-request',
  name: 'ttftMs',
  unit: 'ms',
  definition: 't_1 − t_submit',
  sample: (trace) => ttftMs(trace),
};
