import type { RequestTrace } from '../../results/schema.ts';
import type { PooledMetric } from './types.ts';

/** Inter-token latencies t_i − t_{i−1} for i ≥ 2, kept raw and pooled over requests. */
export function itlMs(trace: RequestTrace): number[] {
  const t = trace.tokenTimesMs;
  const out: number[] = [];
  for (let i = 1; i < t.length; i++) out.push(t[i]! - t[i - 1]!);
  return out;
}

export const itl: PooledMetric<'itlMs'> = {
  kind: 'pooled',
  name: 'itlMs',
  unit: 'ms',
  direction: 'lower-is-better',
  definition:
    't_i − t_{i−1} for i ≥ 2, every gap kept raw and pooled over measured requests; 95 % CI by cluster bootstrap (whole requests resampled)',
  sample: (trace) => itlMs(trace),
};
