import type { CellResult, RequestTrace } from '../../results/schema.ts';
import { decodeTokensPerS } from './decode-tokens-per-s.ts';
import { finiteOrNull, type RequestMetric } from './types.ts';

/**
 * Fraction of the memory-bandwidth roofline reached while decoding:
 * decode tok/s ÷ (measured memory bandwidth ÷ bytes read per token). Null when either the
 * bandwidth or the model's bytes per token is unknown.
 */
export function rooflineFraction(trace: RequestTrace, cell: Pick<CellResult, 'memoryBandwidthBytesPerS' | 'model'>): number | null {
  const bw = cell.memoryBandwidthBytesPerS;
  const bytesPerToken = cell.model?.bytesPerToken ?? null;
  const tps = decodeTokensPerS(trace);
  if (bw === null || !(bw > 0) || bytesPerToken === null || !(bytesPerToken > 0) || tps === null) return null;
  return finiteOrNull(tps / (bw / bytesPerToken));
}

export const roofline: RequestMetric<'rooflineFraction'> = {
  kind: 'per-request',
  name: 'rooflineFraction',
  unit: 'fraction',
  direction: 'higher-is-better',
  definition: 'decode tok/s ÷ (measured memory bandwidth ÷ bytes read per token)',
  sample: (trace, cell) => rooflineFraction(trace, cell),
};
