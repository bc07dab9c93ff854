import type { ModelArch } from './arch.ts';
import { paramGroups } from './estimate-bytes.ts';

/**
 * Weight bytes streamed from memory per decoded token (the roofline's denominator): every linear
 * weight and the lm_head once, at the stored precision. The embedding lookup reads one row and the
 * KV cache (depth-dependent, ~2·layers·kvHeads·headDim·4 B per cached token) is not counted, so the
 * roofline is slightly optimistic at large depths. Unknown dtypes → null.
 */
export function decodeBytesPerToken(a: ModelArch, dtype: string): number | null {
  const g = paramGroups(a);
  const matmul = g.linear + a.vocabSize * a.hiddenSize;
  const perParam: Record<string, number> = { fp32: 4, fp16: 2, q8: 1 + 4 / a.hiddenSize, q4: 0.5 + 4 / 32, q4f16: 0.5 + 2 / 32 };
  const bpp = perParam[dtype];
  if (bpp === undefined) return null;
  const vectorBytes = dtype === 'fp16' ? 2 : 4;
  return matmul * bpp + g.vectors * vectorBytes;
}
