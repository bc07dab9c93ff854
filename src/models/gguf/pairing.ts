/**
 * What differs between an ONNX run and a GGUF run of the same preset, in words and in weight bytes
 * read per decoded token (both computed from the architecture), so a reader can tell whether a gap
 * is the runtime or the format.
 */
import type { ModelArch } from '../arch.ts';
import { decodeBytesPerToken } from '../bytes-per-token.ts';
import { ggufTensorPlans } from './arch-tensors.ts';
import type { GgmlTypeName, GgufDtype } from './format.ts';
import { tensorBytes } from './writer.ts';

/** How each ggml weight type stores a block, for result settings and reports. */
export const GGML_TYPE_NOTE: Record<string, string> = {
  F32: 'fp32',
  F16: 'fp16',
  BF16: 'bf16',
  Q4_0: '4-bit, blocks of 32 with one fp16 scale (4.5 bits/weight)',
  Q8_0: '8-bit, blocks of 32 with one fp16 scale (8.5 bits/weight)',
  Q4_K: '4-bit, super-blocks of 256: 8 sub-blocks with 6-bit scales and mins, fp16 super-scales (4.5 bits/weight)',
  Q6_K: '6-bit, super-blocks of 256: 16 int8 sub-block scales, fp16 super-scale (6.56 bits/weight)',
};

/** What the ONNX builder's dtypes store (src/models/quant, MatMulNBits / per-channel int8). */
export const ONNX_DTYPE_NOTE: Record<string, string> = {
  q4: 'MatMulNBits 4-bit, blocks of 32 with one fp32 scale, no zero points (5 bits/weight); embedding table fp32, the tied lm_head a 4-bit copy',
  q8: 'int8 per output channel with fp32 scales (~8 bits/weight); embedding table fp32',
  fp16: 'fp16',
  fp32: 'fp32',
};

/** Weight bytes a decode step streams for a GGUF of this arch (every 2-D weight; the embedding only when it is the output head). */
export function ggufDecodeBytesPerToken(arch: ModelArch, dtype: GgufDtype): number {
  const tied = arch.tieWordEmbeddings;
  return ggufTensorPlans(arch, dtype, 0)
    .filter((t) => t.name !== 'token_embd.weight' || tied)
    .reduce((a, t) => a + tensorBytes(t), 0);
}

export interface Pairing {
  onnx: { dtype: string; format: string; bytesPerToken: number | null };
  gguf: { dtype: GgufDtype; format: string; bytesPerToken: number };
  /** gguf ÷ onnx bytes per token */
  bytesRatio: number | null;
  text: string;
}

export function pairing(arch: ModelArch, onnxDtype: string, ggufDtype: GgufDtype, ggufWeightType: GgmlTypeName = ggufDtype === 'q8_0' ? 'Q8_0' : ggufDtype === 'f16' ? 'F16' : ggufDtype === 'f32' ? 'F32' : ggufDtype === 'q4_k_m' ? 'Q4_K' : 'Q4_0'): Pairing {
  const onnxBytes = decodeBytesPerToken(arch, onnxDtype);
  const ggufBytes = ggufDecodeBytesPerToken(arch, ggufDtype);
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  const onnxFormat = ONNX_DTYPE_NOTE[onnxDtype] ?? onnxDtype;
  const ggufFormat = GGML_TYPE_NOTE[ggufWeightType] ?? ggufWeightType;
  const ratio = onnxBytes ? ggufBytes / onnxBytes : null;
  const text =
    `ONNX ${onnxDtype}: ${onnxFormat}; reads ${onnxBytes ? mb(onnxBytes) : 'n/a'} of weights per decoded token. ` +
    `GGUF ${ggufDtype}: ${ggufFormat}${ggufDtype === 'q4_0' ? ', embedding and head included (llama-quantize --pure)' : ''}; reads ${mb(ggufBytes)} per token` +
    `${ratio ? ` (${ratio.toFixed(2)}× the ONNX bytes)` : ''}. Same architecture, same seeded weights before quantization, same greedy workload.`;
  return { onnx: { dtype: onnxDtype, format: onnxFormat, bytesPerToken: onnxBytes }, gguf: { dtype: ggufDtype, format: ggufFormat, bytesPerToken: ggufBytes }, bytesRatio: ratio, text };
}
