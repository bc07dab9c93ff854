/** Tiny architectures, one per family, for fast real-ORT tests (a few hundred KB each). */
import type { ModelArch } from '../../src/models/arch.ts';

export const TINY_BASE: ModelArch = {
  family: 'llama',
  hiddenSize: 64,
  intermediateSize: 128,
  numLayers: 2,
  numHeads: 4,
  numKvHeads: 2,
  headDim: 16,
  vocabSize: 256,
  maxPositionEmbeddings: 128,
  rmsNormEps: 1e-5,
  ropeTheta: 10000,
  ropeScaling: null,
  tieWordEmbeddings: false,
  qkvBias: false,
  qkNorm: false,
  bosTokenId: 1,
  eosTokenId: 2,
};

export const TINY_ARCHS = {
  /** Llama-3 style: tied embeddings, llama3 rope scaling */
  llama: {
    ...TINY_BASE,
    tieWordEmbeddings: true,
    ropeTheta: 500000,
    ropeScaling: { ropeType: 'llama3', factor: 32, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 64 },
  },
  /** Qwen2: q/k/v bias, tied */
  qwen2: { ...TINY_BASE, family: 'qwen2', qkvBias: true, tieWordEmbeddings: true, numKvHeads: 1, ropeTheta: 1000000, rmsNormEps: 1e-6 },
  /** Qwen3: per-head q/k RMSNorm, headDim != hidden/heads, untied */
  qwen3: { ...TINY_BASE, family: 'qwen3', qkNorm: true, headDim: 32, numHeads: 4, numKvHeads: 2, ropeTheta: 1000000, rmsNormEps: 1e-6 },
  /** Phi-3: fused qkv / gate_up projections, MHA (kv heads = heads), untied */
  phi3: { ...TINY_BASE, family: 'phi3', numKvHeads: 4, intermediateSize: 96 },
  /** Mistral: plain GQA (4 query heads per KV head), heads × headDim (128) ≠ hidden (64), untied */
  mistral: { ...TINY_BASE, family: 'mistral', numHeads: 8, numKvHeads: 2, headDim: 16, ropeTheta: 1000000 },
} satisfies Record<string, ModelArch>;

export type TinyArchName = keyof typeof TINY_ARCHS;
export const TINY_ARCH_NAMES = Object.keys(TINY_ARCHS) as TinyArchName[];
