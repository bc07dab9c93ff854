import type { ModelArch, ModelDtype } from './arch.ts';

const Q4_BLOCK = 32;

/** Parameter groups as the builder stores them. */
export function paramGroups(a: ModelArch): { linear: number; linearOutRows: number; embedding: number; lmHead: number; vectors: number } {
  const qOut = a.numHeads * a.headDim;
  const kvOut = a.numKvHeads * a.headDim;
  const H = a.hiddenSize;
  const I = a.intermediateSize;
  const linear = a.numLayers * (H * qOut + 2 * H * kvOut + qOut * H + 3 * H * I);
  const linearOutRows = a.numLayers * (qOut + 2 * kvOut + H + 2 * I + H);
  const bias = a.qkvBias ? qOut + 2 * kvOut : 0;
  const qkNorm = a.qkNorm ? 2 * a.headDim : 0;
  const vectors = a.numLayers * (2 * H + bias + qkNorm) + H;
  const embedding = a.vocabSize * H;
  return { linear, linearOutRows, embedding, lmHead: a.tieWordEmbeddings ? 0 : embedding, vectors };
}

/**
 * Estimated weight bytes on disk for a dtype, following what the builder (and real
 * transformers.js exports) store:
 * - fp32 4 B/param, fp16 2 B/param (a tied lm_head reuses the embedding);
 * - q4: linear weights 0.5 B + one fp32 scale per 32 weights; the embedding stays fp32 and a
 *   tied lm_head gets its own q4 copy; norms/biases fp32;
 * - q8: linear weights 1 B + one fp32 scale per output row; embedding fp32; tied lm_head gets
 *   its own q8 copy.
 * Plus the RoPE cos/sin tables ([maxPositionEmbeddings, headDim/2] each, fp16 in fp16 models,
 * else fp32). Other graph constants (shapes, a few hundred bytes) are not counted.
 */
export function estimateWeightBytes(a: ModelArch, dtype: ModelDtype): number {
  const g = paramGroups(a);
  const all = g.linear + g.embedding + g.lmHead + g.vectors;
  const rope = (elem: number): number => 2 * a.maxPositionEmbeddings * (a.headDim / 2) * elem;
  switch (dtype) {
    case 'fp32':
      return 4 * all + rope(4);
    case 'fp16':
      return 2 * all + rope(2);
    case 'q4': {
      const q = g.linear + g.embedding; // untied lm_head or the tied copy: both vocab × hidden
      return q / 2 + (q / Q4_BLOCK) * 4 + 4 * g.embedding + 4 * g.vectors + rope(4);
    }
    case 'q8': {
      const q = g.linear + g.embedding;
      return q + 4 * (g.linearOutRows + a.vocabSize) + 4 * g.embedding + 4 * g.vectors + rope(4);
    }
  }
}

export const ESTIMATE_DTYPES: ModelDtype[] = ['fp32', 'fp16', 'q8', 'q4'];
