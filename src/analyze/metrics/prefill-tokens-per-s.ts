import type { CellResult, RequestTrace } from '../../results/schema.ts';
import { servedFromCache } from '../prompt-cache.ts';
import { finiteOrNull, type RequestMetric } from './types.ts';

/**
 * Prefill throughput: prompt tokens / ttft, in tokens per second. TTFT also contains the first
 * decode step, so this slightly understates pure prefill speed. Null for generate-only shapes
 * (promptTokens 0: the runner feeds a single seed token, which is not a prefill measurement), and for
 * a request the server answered from its prompt cache (prompt-cache.ts: that TTFT prefilled nothing).
 */
export function prefillTokensPerS(trace: RequestTrace, cell: Pick<CellResult, 'key' | 'extra'>): number | null {
  const ttft = trace.tokenTimesMs[0];
  if (cell.key.shape.promptTokens === 0 || trace.promptTokens === 0 || ttft === undefined || ttft <= 0) return null;
  if (servedFromCache(trace, cell)) return null;
  return finiteOrNull(trace.promptTokens / (ttft / 1000));
}

export const prefillThroughput: RequestMetric<'prefillTokensPerS'> = {
  kind: 'per-request',
  name: 'prefillTokensPerS',
  unit: 'tokens/s',
  direction: 'higher-is-better',
  definition: 'prompt tokens / ttft (includes one decode step)',
  note: 'includes one decode step',
  sample: (trace, cell) => prefillTokensPerS(trace, cell),
};
