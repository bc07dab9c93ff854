import type { RequestTrace } from '../../results/schema.ts';
import { finiteOrNull, type RequestMetric } from './types.ts';

/** Decode throughput: (N − 1)/(t_N − t_1), in tokens per second; null for N < 2. */
export function decodeTokensPerS(trace: RequestTrace): number | null {
  const t = trace.tokenTimesMs;
  const n = t.length;
  if (n < 2) return null;
  const spanMs = t[n - 1]! - t[0]!;
  return spanMs > 0 ? finiteOrNull((n - 1) / (spanMs / 1000)) : null;
}

export const decodeThroughput: RequestMetric<'decodeTokensPerS'> = {
  kind: 'per-request',
  name: 'decodeTokensPerS',
  unit: 'tokens/s',
  direction: 'higher-is-better',
  definition: '(N − 1) / (t_N − t_1)',
  sample: (trace) => decodeTokensPerS(trace),
};
