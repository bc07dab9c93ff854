import type { RequestTrace } from '../../results/schema.ts';
import type { RequestMetric } from './types.ts';

/** Time to first token: t_1 − t_submit (token times are already relative to t_submit). */
export function ttftMs(trace: RequestTrace): number | null {
  return trace.tokenTimesMs[0] ?? null;
}

export const ttft: RequestMetric<'ttftMs'> = {
  kind: 'per-request',
  name: 'ttftMs',
  unit: 'ms',
  direction: 'lower-is-better',
  definition: 't_1 − t_submit: time from handing the token ids to the runner (model already loaded) to the first emitted token',
  sample: (trace) => ttftMs(trace),
};
