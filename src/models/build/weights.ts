/**
 * The logical weights of a synthetic model, in Hugging Face naming and layout (linear weights
 * [out, in]). Values come from the counter-based PRNG, so the builder (streaming, any layout)
 * and the reference forward pass (whole tensors) see exactly the same numbers.
 */
import type { ModelArch } from '../arch.ts';
import { fillValues, tensorKey, type ValueDist } from './prng.ts';

/**
 * Embedding/bias std: HF's `initializer_range` default. Linear weights use 1/sqrt(fan_in) instead
 * (≈ 0.02 at real widths, 0.016 at 4096) so every layer's output stays O(1) at any width; with a
 * flat 0.02, tiny test models are dominated by the embedding on the residual path and greedy
 * decoding just repeats the last token. Norm weights scatter around 1 like trained ones do.
 */
export const INIT_STD = 0.02;
const EMBED: ValueDist = { mean: 0, std: INIT_STD };
const NORM: ValueDist = { mean: 1, std: 0.05 };
const linearDist = (fanIn: number): ValueDist => ({ mean: 0, std: 1 / Math.sqrt(fanIn) });

export type WeightKind = 'embedding' | 'linear' | 'bias' | 'norm';

export interface WeightSpec {
  name: string;
  /** HF shape: [out, in] for linear weights, [vocab, hidden] for the embedding, [n] otherwise */
  shape: number[];
  kind: WeightKind;
  dist: ValueDist;
}

export interface WeightTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

export function layerPrefix(i: number): string {
  return `model.layers.${i}`;
}

/** Phi-3 stores fused qkv_proj and gate_up_proj (HF naming); the other families separate ones. */
export function usesFusedProjections(arch: ModelArch): boolean {
  return arch.family === 'phi3';
}

export function weightSpecs(arch: ModelArch): WeightSpec[] {
  const H = arch.hiddenSize;
  const qOut = arch.numHeads * arch.headDim;
  const kvOut = arch.numKvHeads * arch.headDim;
  const I = arch.intermediateSize;
  const lin = (name: string, out: number, inp: number): WeightSpec => ({ name, shape: [out, inp], kind: 'linear', dist: linearDist(inp) });
  const vec = (name: string, n: number, kind: WeightKind): WeightSpec => ({ name, shape: [n], kind, dist: kind === 'norm' ? NORM : EMBED });
  const specs: WeightSpec[] = [{ name: 'model.embed_tokens.weight', shape: [arch.vocabSize, H], kind: 'embedding', dist: EMBED }];
  for (let i = 0; i < arch.numLayers; i++) {
    const p = layerPrefix(i);
    specs.push(vec(`${p}.input_layernorm.weight`, H, 'norm'));
    if (usesFusedProjections(arch)) {
      specs.push(lin(`${p}.self_attn.qkv_proj.weight`, qOut + 2 * kvOut, H));
    } else {
      specs.push(lin(`${p}.self_attn.q_proj.weight`, qOut, H));
      specs.push(lin(`${p}.self_attn.k_proj.weight`, kvOut, H));
      specs.push(lin(`${p}.self_attn.v_proj.weight`, kvOut, H));
    }
    if (arch.qkvBias) {
      specs.push(vec(`${p}.self_attn.q_proj.bias`, qOut, 'bias'));
      specs.push(vec(`${p}.self_attn.k_proj.bias`, kvOut, 'bias'));
      specs.push(vec(`${p}.self_attn.v_proj.bias`, kvOut, 'bias'));
    }
    if (arch.qkNorm) {
      specs.push(vec(`${p}.self_attn.q_norm.weight`, arch.headDim, 'norm'));
      specs.push(vec(`${p}.self_attn.k_norm.weight`, arch.headDim, 'norm'));
    }
    specs.push(lin(`${p}.self_attn.o_proj.weight`, H, qOut));
    specs.push(vec(`${p}.post_attention_layernorm.weight`, H, 'norm'));
    if (usesFusedProjections(arch)) {
      specs.push(lin(`${p}.mlp.gate_up_proj.weight`, 2 * I, H));
    } else {
      specs.push(lin(`${p}.mlp.gate_proj.weight`, I, H));
      specs.push(lin(`${p}.mlp.up_proj.weight`, I, H));
    }
    specs.push(lin(`${p}.mlp.down_proj.weight`, H, I));
  }
  specs.push(vec('model.norm.weight', H, 'norm'));
  if (!arch.tieWordEmbeddings) specs.push(lin('lm_head.weight', arch.vocabSize, H));
  return specs;
}

export function specByName(arch: ModelArch, name: string): WeightSpec {
  const s = weightSpecs(arch).find((w) => w.name === name);
  if (!s) throw new Error(`no weight named ${name}`);
  return s;
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Rows [row0, row0 + rows) of a [R, C] weight in HF (row-major) order. */
export function fillRows(spec: WeightSpec, seed: number, row0: number, rows: number, out: Float32Array): void {
  const C = spec.shape.length === 2 ? (spec.shape[1] ?? 1) : numel(spec.shape);
  fillValues(out, 0, rows * C, tensorKey(seed, spec.name), spec.dist, row0 * C, 1);
}

/**
 * Rows [k0, k0 + rows) of the TRANSPOSED [in, out] matrix of a linear weight [out, in] — the
 * layout of an ONNX MatMul initializer — without materialising the [out, in] tensor.
 */
export function fillTransposedRows(spec: WeightSpec, seed: number, k0: number, rows: number, out: Float32Array): void {
  const [N = 1, K = 1] = spec.shape;
  const key = tensorKey(seed, spec.name);
  for (let r = 0; r < rows; r++) fillValues(out, r * N, N, key, spec.dist, k0 + r, K);
}

/**
 * A linear layer's weight as ONNX sees it: one or more HF weights [out_i, in] stacked along the
 * output axis (packed QKV), readable by rows of W [N, K] or rows of W^T [K, N].
 */
export interface LinearSource {
  N: number;
  K: number;
  fillRows(n0: number, rows: number, out: Float32Array): void;
  fillTransposedRows(k0: number, rows: number, out: Float32Array): void;
}

export function linearSource(specs: WeightSpec[], seed: number): LinearSource {
  const parts = specs.map((s) => ({ spec: s, N: s.shape[0] ?? 1, K: s.shape[1] ?? 1, key: tensorKey(seed, s.name) }));
  const K = parts[0]?.K ?? 1;
  if (parts.some((p) => p.K !== K)) throw new Error(`cannot stack weights with different inputs: ${specs.map((s) => s.name).join(', ')}`);
  const N = parts.reduce((a, p) => a + p.N, 0);
  return {
    N,
    K,
    fillRows(n0, rows, out) {
      let pStart = 0;
      for (const p of parts) {
        const lo = Math.max(n0, pStart);
        const hi = Math.min(n0 + rows, pStart + p.N);
        if (lo < hi) fillValues(out, (lo - n0) * K, (hi - lo) * K, p.key, p.spec.dist, (lo - pStart) * K, 1);
        pStart += p.N;
      }
    },
    fillTransposedRows(k0, rows, out) {
      for (let r = 0; r < rows; r++) {
        let col = 0;
        for (const p of parts) {
          fillValues(out, r * N + col, p.N, p.key, p.spec.dist, k0 + r, K);
          col += p.N;
        }
      }
    },
  };
}

export function materialize(spec: WeightSpec, seed: number): Float32Array {
  const data = new Float32Array(numel(spec.shape));
  fillValues(data, 0, data.length, tensorKey(seed, spec.name), spec.dist, 0, 1);
  return data;
}

/** Every logical weight of the model, whole, in HF naming and layout. Memory: one tensor at a time. */
export function* generateWeights(arch: ModelArch, seed: number): Generator<WeightTensor> {
  for (const spec of weightSpecs(arch)) yield { name: spec.name, shape: [...spec.shape], data: materialize(spec, seed) };
}
