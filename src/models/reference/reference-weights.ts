/**
 * The weights the ONNX graph of a given dtype actually computes with, in HF naming/layout:
 * q4 → linear weights through MatMulNBits quantize/dequantize; q8 → per-channel int8
 * round trip; fp16 → every tensor rounded to float16. Tied q4/q8 models get `lm_head.weight`
 * = the quantized embedding (the graph stores a quantized copy for the head, floats for Gather).
 */
import type { ModelArch, ModelDtype } from '../arch.ts';
import { generateWeights, type WeightTensor } from '../build/weights.ts';
import { dequantizeQ4, quantizeQ4 } from '../quant/q4.ts';
import { dequantizeQ8, quantizeQ8 } from '../quant/q8.ts';
import { roundToFloat16 } from '../build/float16.ts';

export type WeightMap = Map<string, Float32Array>;

function quantRoundTrip(w: WeightTensor, dtype: ModelDtype): Float32Array {
  const [N = 1, K = 1] = w.shape;
  if (dtype === 'q4') return dequantizeQ4(quantizeQ4(w.data, N, K), N, K);
  if (dtype === 'q8') return dequantizeQ8(quantizeQ8(w.data, N, K), N, K);
  return w.data;
}

const isLinear = (name: string): boolean => name.endsWith('_proj.weight') || name === 'lm_head.weight';

export function referenceWeights(arch: ModelArch, seed: number, dtype: ModelDtype): WeightMap {
  const m: WeightMap = new Map();
  for (const w of generateWeights(arch, seed)) {
    if (dtype === 'fp16') m.set(w.name, roundToFloat16(w.data));
    else if (isLinear(w.name)) m.set(w.name, quantRoundTrip(w, dtype));
    else m.set(w.name, w.data);
    if (w.name === 'model.embed_tokens.weight' && arch.tieWordEmbeddings) {
      m.set('lm_head.weight', dtype === 'q4' || dtype === 'q8' ? quantRoundTrip(w, dtype) : (m.get(w.name) ?? w.data));
    }
  }
  return m;
}
