import type { ModelArch } from '../models/arch.ts';

/** Llama-3.2-1B (meta-llama/Llama-3.2-1B-Instruct config.json): the doctor's default kernel shapes. */
export const LLAMA_3_2_1B: ModelArch = {
  family: 'llama',
  hiddenSize: 2048,
  intermediateSize: 8192,
  numLayers: 16,
  numHeads: 32,
  numKvHeads: 8,
  headDim: 64,
  vocabSize: 128256,
  maxPositionEmbeddings: 131072,
  rmsNormEps: 1e-5,
  ropeTheta: 500000,
  ropeScaling: { ropeType: 'llama3', factor: 32, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 },
  tieWordEmbeddings: true,
  qkvBias: false,
  qkNorm: false,
  bosTokenId: 128000,
  eosTokenId: [128001, 128008, 128009],
};
