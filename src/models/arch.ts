/**
 * The architecture of a decoder-only LLM, reduced to what decides its cost and its graph.
 * Shared contract between presets, the ONNX builder, the pure-TS reference forward pass,
 * the folder loader and the runners. Field names follow Hugging Face config.json semantics.
 */
export type ArchFamily = 'llama' | 'qwen2' | 'qwen3' | 'phi3' | 'mistral';

export interface ModelArch {
  family: ArchFamily;
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  /** per-head size; may differ from hiddenSize/numHeads (Qwen3, Llama-3.2-3B) */
  headDim: number;
  vocabSize: number;
  maxPositionEmbeddings: number;
  rmsNormEps: number;
  ropeTheta: number;
  /** Llama-3 style rope scaling (factor, low/high freq factors, original context) or null */
  ropeScaling: RopeScaling | null;
  tieWordEmbeddings: boolean;
  /** q/k/v projections carry a bias (Qwen2) */
  qkvBias: boolean;
  /** per-head RMSNorm on q and k before RoPE (Qwen3) */
  qkNorm: boolean;
  bosTokenId: number | null;
  eosTokenId: number | number[] | null;
}

export interface RopeScaling {
  ropeType: 'llama3';
  factor: number;
  lowFreqFactor: number;
  highFreqFactor: number;
  originalMaxPositionEmbeddings: number;
}

/** Weight dtypes the builder writes; file names follow transformers.js conventions. */
export type ModelDtype = 'fp32' | 'fp16' | 'q8' | 'q4';
export const DTYPE_FILE: Record<ModelDtype, string> = {
  fp32: 'model.onnx',
  fp16: 'model_fp16.onnx',
  q8: 'model_quantized.onnx',
  q4: 'model_q4.onnx',
};

/** `genai`: GroupQueryAttention/SkipSimplifiedLayerNormalization/RotaryEmbedding/MatMulNBits
 *  (onnxruntime-genai model builder); `optimum`: standard ONNX ops for attention and norms
 *  + MatMulNBits for q4 (transformers.js / onnx-community exports). */
export type GraphStyle = 'genai' | 'optimum';

/** Exact parameter count from the architecture (embedding + layers + final norm + untied head). */
export function countParams(a: ModelArch): number {
  const qOut = a.numHeads * a.headDim;
  const kvOut = a.numKvHeads * a.headDim;
  const attn = a.hiddenSize * qOut + 2 * a.hiddenSize * kvOut + qOut * a.hiddenSize;
  const bias = a.qkvBias ? qOut + 2 * kvOut : 0;
  const qkNorm = a.qkNorm ? 2 * a.headDim : 0;
  const mlp = 3 * a.hiddenSize * a.intermediateSize;
  const norms = 2 * a.hiddenSize;
  const layer = attn + bias + qkNorm + mlp + norms;
  const embed = a.vocabSize * a.hiddenSize;
  return embed + a.numLayers * layer + a.hiddenSize + (a.tieWordEmbeddings ? 0 : embed);
}
