/**
 * A plain TypeScript forward pass of the decoder-only families (Llama, Mistral, Qwen2, Qwen3,
 * Phi-3): RMSNorm, RoPE (rotate-half, incl. llama3 frequency rescaling), grouped-query attention
 * with a KV cache, SwiGLU MLP, Qwen2 q/k/v bias, Qwen3 per-head q/k norm, tied head. Float64
 * accumulation; batch 1, no padding. Written independently of the graph builder (only the weight
 * values are shared) so that agreement with ONNX Runtime is evidence, not tautology.
 */
import type { ModelArch } from '../arch.ts';
import type { WeightMap } from './reference-weights.ts';

export interface KvCache {
  /** per layer: keys/values of every past position, each [numKvHeads * headDim] */
  keys: Float64Array[][];
  values: Float64Array[][];
}

export function emptyCache(arch: ModelArch): KvCache {
  return { keys: Array.from({ length: arch.numLayers }, () => []), values: Array.from({ length: arch.numLayers }, () => []) };
}

export function referenceInvFreq(arch: ModelArch): number[] {
  const d = arch.headDim;
  const out: number[] = [];
  for (let i = 0; i < d; i += 2) {
    const base = Math.pow(arch.ropeTheta, -i / d);
    const s = arch.ropeScaling;
    if (!s) {
      out.push(base);
      continue;
    }
    const wavelen = (2 * Math.PI) / base;
    const lowW = s.originalMaxPositionEmbeddings / s.lowFreqFactor;
    const highW = s.originalMaxPositionEmbeddings / s.highFreqFactor;
    if (wavelen < highW) out.push(base);
    else if (wavelen > lowW) out.push(base / s.factor);
    else {
      const t = (s.originalMaxPositionEmbeddings / wavelen - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
      out.push((1 - t) * (base / s.factor) + t * base);
    }
  }
  return out;
}

export interface ReferenceOptions {
  /**
   * Model MatMulNBits accuracy_level 4 on CPU: before each linear layer the activation is
   * quantized to int8 per block of this many inputs (scale = max|x| / 127, round half to even,
   * as MLAS QuantizeARow_CompInt8 does). Unset: activations stay exact.
   */
  int8ActivationBlock?: number;
}

export class ReferenceModel {
  private readonly invFreq: number[];
  constructor(
    readonly arch: ModelArch,
    private readonly w: WeightMap,
    private readonly opts: ReferenceOptions = {},
  ) {
    this.invFreq = referenceInvFreq(arch);
  }

  private get(name: string): Float32Array {
    const t = this.w.get(name);
    if (!t) throw new Error(`reference: missing weight ${name}`);
    return t;
  }

  /** y = W x (+ b) with W [out, in] row-major, rows [row0, row0 + out). */
  private matvec(wName: string, x: Float64Array, out: number, row0 = 0, bias?: string): Float64Array {
    const W = this.get(wName);
    if (this.opts.int8ActivationBlock) x = quantizeActivationInt8(x, this.opts.int8ActivationBlock);
    const K = x.length;
    const y = new Float64Array(out);
    for (let o = 0; o < out; o++) {
      let acc = 0;
      const base = (row0 + o) * K;
      for (let k = 0; k < K; k++) acc += (W[base + k] ?? 0) * (x[k] ?? 0);
      y[o] = acc;
    }
    if (bias) {
      const b = this.get(bias);
      for (let o = 0; o < out; o++) y[o] = (y[o] ?? 0) + (b[o] ?? 0);
    }
    return y;
  }

  private rmsNorm(x: Float64Array, wName: string, off = 0, len = x.length): void {
    const w = this.get(wName);
    let ss = 0;
    for (let i = 0; i < len; i++) ss += (x[off + i] ?? 0) ** 2;
    const inv = 1 / Math.sqrt(ss / len + this.arch.rmsNormEps);
    for (let i = 0; i < len; i++) x[off + i] = (x[off + i] ?? 0) * inv * (w[i] ?? 0);
  }

  private rope(x: Float64Array, heads: number, pos: number): void {
    const d = this.arch.headDim;
    const h2 = d / 2;
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < h2; i++) {
        const a = pos * (this.invFreq[i] ?? 0);
        const c = Math.cos(a);
        const s = Math.sin(a);
        const x1 = x[h * d + i] ?? 0;
        const x2 = x[h * d + h2 + i] ?? 0;
        x[h * d + i] = x1 * c - x2 * s;
        x[h * d + h2 + i] = x2 * c + x1 * s;
      }
    }
  }

  private attention(layer: number, h: Float64Array, pos: number, cache: KvCache): Float64Array {
    const a = this.arch;
    const p = `model.layers.${layer}.self_attn`;
    const qOut = a.numHeads * a.headDim;
    const kvOut = a.numKvHeads * a.headDim;
    const fused = a.family === 'phi3';
    const bias = (n: string): string | undefined => (a.qkvBias ? `${p}.${n}_proj.bias` : undefined);
    const q = fused ? this.matvec(`${p}.qkv_proj.weight`, h, qOut, 0) : this.matvec(`${p}.q_proj.weight`, h, qOut, 0, bias('q'));
    const k = fused ? this.matvec(`${p}.qkv_proj.weight`, h, kvOut, qOut) : this.matvec(`${p}.k_proj.weight`, h, kvOut, 0, bias('k'));
    const v = fused ? this.matvec(`${p}.qkv_proj.weight`, h, kvOut, qOut + kvOut) : this.matvec(`${p}.v_proj.weight`, h, kvOut, 0, bias('v'));
    if (a.qkNorm) {
      for (let hh = 0; hh < a.numHeads; hh++) this.rmsNorm(q, `${p}.q_norm.weight`, hh * a.headDim, a.headDim);
      for (let hh = 0; hh < a.numKvHeads; hh++) this.rmsNorm(k, `${p}.k_norm.weight`, hh * a.headDim, a.headDim);
    }
    this.rope(q, a.numHeads, pos);
    this.rope(k, a.numKvHeads, pos);
    const keys = cache.keys[layer] ?? [];
    const values = cache.values[layer] ?? [];
    keys.push(k);
    values.push(v);
    const T = keys.length;
    const out = new Float64Array(qOut);
    const groups = a.numHeads / a.numKvHeads;
    const scale = 1 / Math.sqrt(a.headDim);
    const scores = new Float64Array(T);
    for (let hh = 0; hh < a.numHeads; hh++) {
      const kvh = Math.floor(hh / groups);
      let max = -Infinity;
      for (let t = 0; t < T; t++) {
        const kt = keys[t] ?? new Float64Array(kvOut);
        let dot = 0;
        for (let i = 0; i < a.headDim; i++) dot += (q[hh * a.headDim + i] ?? 0) * (kt[kvh * a.headDim + i] ?? 0);
        scores[t] = dot * scale;
        max = Math.max(max, dot * scale);
      }
      let sum = 0;
      for (let t = 0; t < T; t++) {
        scores[t] = Math.exp((scores[t] ?? 0) - max);
        sum += scores[t] ?? 0;
      }
      for (let t = 0; t < T; t++) {
        const vt = values[t] ?? new Float64Array(kvOut);
        const pr = (scores[t] ?? 0) / sum;
        for (let i = 0; i < a.headDim; i++) out[hh * a.headDim + i] = (out[hh * a.headDim + i] ?? 0) + pr * (vt[kvh * a.headDim + i] ?? 0);
      }
    }
    return this.matvec(`${p}.o_proj.weight`, out, a.hiddenSize);
  }

  private mlp(layer: number, h: Float64Array): Float64Array {
    const a = this.arch;
    const p = `model.layers.${layer}.mlp`;
    const I = a.intermediateSize;
    const fused = a.family === 'phi3';
    const gate = fused ? this.matvec(`${p}.gate_up_proj.weight`, h, I, 0) : this.matvec(`${p}.gate_proj.weight`, h, I);
    const up = fused ? this.matvec(`${p}.gate_up_proj.weight`, h, I, I) : this.matvec(`${p}.up_proj.weight`, h, I);
    const act = new Float64Array(I);
    for (let i = 0; i < I; i++) {
      const g = gate[i] ?? 0;
      act[i] = (g / (1 + Math.exp(-g))) * (up[i] ?? 0);
    }
    return this.matvec(`${p}.down_proj.weight`, act, a.hiddenSize);
  }

  /** Runs `tokens` after whatever `cache` holds; returns the logits of every new position. */
  forward(tokens: number[], cache: KvCache = emptyCache(this.arch)): { logits: Float64Array[]; cache: KvCache } {
    const a = this.arch;
    const E = this.get('model.embed_tokens.weight');
    const head = a.tieWordEmbeddings && !this.w.has('lm_head.weight') ? 'model.embed_tokens.weight' : 'lm_head.weight';
    const logits: Float64Array[] = [];
    for (const tok of tokens) {
      const pos = cache.keys[0]?.length ?? 0;
      const x = Float64Array.from(E.subarray(tok * a.hiddenSize, (tok + 1) * a.hiddenSize));
      for (let l = 0; l < a.numLayers; l++) {
        const h = Float64Array.from(x);
        this.rmsNorm(h, `model.layers.${l}.input_layernorm.weight`);
        const att = this.attention(l, h, pos, cache);
        for (let i = 0; i < x.length; i++) x[i] = (x[i] ?? 0) + (att[i] ?? 0);
        const h2 = Float64Array.from(x);
        this.rmsNorm(h2, `model.layers.${l}.post_attention_layernorm.weight`);
        const m = this.mlp(l, h2);
        for (let i = 0; i < x.length; i++) x[i] = (x[i] ?? 0) + (m[i] ?? 0);
      }
      this.rmsNorm(x, 'model.norm.weight');
      logits.push(this.matvec(head, x, a.vocabSize));
    }
    return { logits, cache };
  }

  /** Greedy decoding: `maxNewTokens` argmax tokens after the prompt (no EOS stop). */
  greedy(prompt: number[], maxNewTokens: number): number[] {
    const out: number[] = [];
    let { logits, cache } = this.forward(prompt);
    for (let i = 0; i < maxNewTokens; i++) {
      const last = logits[logits.length - 1] ?? new Float64Array(0);
      const next = argmax(last);
      out.push(next);
      if (i + 1 < maxNewTokens) ({ logits, cache } = this.forward([next], cache));
    }
    return out;
  }
}

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function quantizeActivationInt8(x: Float64Array, block: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let b0 = 0; b0 < x.length; b0 += block) {
    const end = Math.min(x.length, b0 + block);
    let amax = 0;
    for (let i = b0; i < end; i++) amax = Math.max(amax, Math.abs(Math.fround(x[i] ?? 0)));
    const scale = Math.fround(amax / 127);
    const inv = scale === 0 ? 0 : Math.fround(1 / scale);
    for (let i = b0; i < end; i++) {
      const q = Math.min(127, Math.max(-128, roundHalfEven(Math.fround(Math.fround(x[i] ?? 0) * inv))));
      out[i] = q * scale;
    }
  }
  return out;
}

export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if ((v[i] ?? -Infinity) > (v[best] ?? -Infinity)) best = i;
  return best;
}
