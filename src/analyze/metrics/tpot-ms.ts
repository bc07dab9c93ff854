import type { RequestTrace } from '../../results/schema.ts';
import type { RequestMetric } from './types.ts';

/** Time per output token after the first: (e2e − ttft)/(N − 1); null (n/a) for N < 2, never 0. */
export function tpotMs(trace: RequestTrace): number | null {
  const t = trace.tokenTimesMs;
  const n = t.length;
  if (n < 2) return null;
  return (t[n - 1]! - t[0]!) / (n - 1);
}

export const tpot: RequestMetric<'tpotMs'> = {
  kind: 'per-request',
  name: 'tpotMs',
  unit: 'ms',
  direction: 'lower-is-better',
  definition: '(e2e − ttft) / (N − 1); n/a (never 0) when fewer than 2 tokens are generated',
  sample: (trace) => tpotMs(trace),
};
