/**
 * The tensors of a synthetic GGUF: llama.cpp's names (llama-arch.cpp: token_embd, blk.N.attn_q, …,
 * output_norm, output), ggml dims ([in, out] for a HF [out, in] weight) and, for each, which seeded
 * HF weight (src/models/build/weights.ts) fills it — the same numbers as the ONNX builder's.
 * As convert_hf_to_gguf.py does, Llama/Mistral q/k rows are permuted for llama.cpp's interleaved
 * RoPE, Phi-3 keeps its fused attn_qkv / ffn_up (gate+up) tensors, and Llama-3 rope scaling becomes
 * a rope_freqs tensor.
 */
import type { ArchFamily, ModelArch } from '../arch.ts';
import { fillRows, weightSpecs, type WeightSpec } from '../build/weights.ts';
import { ropeInvFreq } from '../build/rope.ts';
import type { GgmlTypeName, GgufDtype } from './format.ts';
import type { GgufTensorPlan } from './writer.ts';

/** general.architecture of each family, as llama.cpp names them. */
export const GGUF_ARCH: Record<ArchFamily, string> = { llama: 'llama', mistral: 'llama', qwen2: 'qwen2', qwen3: 'qwen3', phi3: 'phi3' };

/** HF weight name suffix (after model.layers.N.) → llama.cpp tensor name suffix (after blk.N.). */
const LAYER_NAMES: Record<string, string> = {
  'input_layernorm.weight': 'attn_norm.weight',
  'self_attn.q_proj.weight': 'attn_q.weight',
  'self_attn.k_proj.weight': 'attn_k.weight',
  'self_attn.v_proj.weight': 'attn_v.weight',
  'self_attn.qkv_proj.weight': 'attn_qkv.weight',
  'self_attn.q_proj.bias': 'attn_q.bias',
  'self_attn.k_proj.bias': 'attn_k.bias',
  'self_attn.v_proj.bias': 'attn_v.bias',
  'self_attn.q_norm.weight': 'attn_q_norm.weight',
  'self_attn.k_norm.weight': 'attn_k_norm.weight',
  'self_attn.o_proj.weight': 'attn_output.weight',
  'post_attention_layernorm.weight': 'ffn_norm.weight',
  'mlp.gate_proj.weight': 'ffn_gate.weight',
  'mlp.up_proj.weight': 'ffn_up.weight',
  'mlp.gate_up_proj.weight': 'ffn_up.weight', // Phi-3: gate and up stacked, llama.cpp splits it
  'mlp.down_proj.weight': 'ffn_down.weight',
};

export function ggufTensorName(hfName: string): string {
  if (hfName === 'model.embed_tokens.weight') return 'token_embd.weight';
  if (hfName === 'model.norm.weight') return 'output_norm.weight';
  if (hfName === 'lm_head.weight') return 'output.weight';
  const m = /^model\.layers\.(\d+)\.(.+)$/.exec(hfName);
  const suffix = m?.[2] ? LAYER_NAMES[m[2]] : undefined;
  if (!m || !suffix) throw new Error(`no GGUF name for ${hfName}`);
  return `blk.${m[1]}.${suffix}`;
}

/** llama-quantize's use_more_bits: the layers Q4_K_M keeps at Q6_K for attn_v and ffn_down. */
function useMoreBits(layer: number, n: number): boolean {
  const eighth = Math.floor(n / 8); // C integer division, as in llama-quant.cpp
  return layer < eighth || layer >= Math.floor((7 * n) / 8) || (layer - eighth) % 3 === 2;
}

/** The ggml type of a 2-D weight for a file dtype (1-D tensors are always F32). */
export function weightType(dtype: GgufDtype, name: string, rowLen: number, layer: number | null, numLayers: number, outputIsEmbedding: boolean): GgmlTypeName {
  switch (dtype) {
    case 'f32':
      return 'F32';
    case 'f16':
      return 'F16';
    case 'q8_0':
      return rowLen % 32 === 0 ? 'Q8_0' : 'F16';
    case 'q4_0': // every 2-D weight, embedding included (llama-quantize --pure)
      return rowLen % 32 === 0 ? 'Q4_0' : 'F16';
    case 'q4_k_m': {
      if (rowLen % 256 !== 0) return rowLen % 32 === 0 ? 'Q8_0' : 'F16'; // llama.cpp's fallback for odd widths
      const isOutput = name === 'output.weight' || (outputIsEmbedding && name === 'token_embd.weight');
      const more = layer !== null && useMoreBits(layer, numLayers) && (name.endsWith('.attn_v.weight') || name.endsWith('.ffn_down.weight'));
      return isOutput || more ? 'Q6_K' : 'Q4_K';
    }
  }
}

/** Row r of the permuted q/k weight comes from HF row src(r): (head, pair, half) → (head, half, pair). */
function permutedRow(r: number, headDim: number): number {
  const h = Math.floor(r / headDim);
  const w = r % headDim;
  return h * headDim + (w % 2) * (headDim / 2) + Math.floor(w / 2);
}

function planFor(spec: WeightSpec, arch: ModelArch, dtype: GgufDtype, seed: number): GgufTensorPlan {
  const name = ggufTensorName(spec.name);
  const layerMatch = /^blk\.(\d+)\./.exec(name);
  const layer = layerMatch ? Number(layerMatch[1]) : null;
  if (spec.shape.length === 1) {
    return { name, dims: [spec.shape[0]!], type: 'F32', fill: (_r0, _rows, out) => fillRows(spec, seed, 0, 1, out) };
  }
  const [out, inp] = [spec.shape[0]!, spec.shape[1]!];
  const type = weightType(dtype, name, inp, layer, arch.numLayers, arch.tieWordEmbeddings);
  const permute = GGUF_ARCH[arch.family] === 'llama' && (name.endsWith('.attn_q.weight') || name.endsWith('.attn_k.weight'));
  const fill = permute
    ? (row0: number, rows: number, o: Float32Array) => {
        for (let r = 0; r < rows; r++) fillRows(spec, seed, permutedRow(row0 + r, arch.headDim), 1, o.subarray(r * inp, (r + 1) * inp));
      }
    : (row0: number, rows: number, o: Float32Array) => fillRows(spec, seed, row0, rows, o);
  return { name, dims: [inp, out], type, fill };
}

/** Llama-3 rope scaling as llama.cpp wants it: per-frequency divisors in a rope_freqs tensor. */
function ropeFreqsPlan(arch: ModelArch): GgufTensorPlan | null {
  if (!arch.ropeScaling || GGUF_ARCH[arch.family] !== 'llama') return null;
  const scaled = ropeInvFreq(arch);
  const base = ropeInvFreq({ ...arch, ropeScaling: null });
  const factors = new Float32Array(arch.headDim / 2);
  for (let i = 0; i < factors.length; i++) factors[i] = base[i]! / scaled[i]!;
  return { name: 'rope_freqs.weight', dims: [factors.length], type: 'F32', fill: (_r0, _rows, out) => out.set(factors) };
}

/** Every tensor of the GGUF, in llama.cpp's usual order (embedding, layers, output). */
export function ggufTensorPlans(arch: ModelArch, dtype: GgufDtype, seed: number): GgufTensorPlan[] {
  const specs = weightSpecs(arch);
  const plans = specs.map((s) => planFor(s, arch, dtype, seed));
  const rope = ropeFreqsPlan(arch);
  if (rope) plans.splice(1, 0, rope);
  return plans;
}
