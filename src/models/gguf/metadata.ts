/**
 * GGUF metadata of a synthetic model: general.* and the `{arch}.*` hyper-parameters llama.cpp reads
 * (llama-model.cpp load_hparams; key names from gguf-py constants.py), plus edgebench.* keys that
 * mark the file as synthetic (llama.cpp ignores keys it does not know).
 */
import type { ModelArch } from '../arch.ts';
import { GGUF_ARCH } from './arch-tensors.ts';
import { LlamaFileType, type GgufDtype } from './format.ts';
import type { GgufValue } from './writer.ts';

const FILE_TYPE: Record<GgufDtype, number> = {
  f32: LlamaFileType.ALL_F32,
  f16: LlamaFileType.MOSTLY_F16,
  q4_0: LlamaFileType.MOSTLY_Q4_0,
  q8_0: LlamaFileType.MOSTLY_Q8_0,
  q4_k_m: LlamaFileType.MOSTLY_Q4_K_M,
};

export interface ModelMetaInput {
  arch: ModelArch;
  dtype: GgufDtype;
  name: string;
  seed: number;
  presetId: string;
}

export function modelMetadata(m: ModelMetaInput): Map<string, GgufValue> {
  const a = m.arch;
  const g = GGUF_ARCH[a.family];
  const kv = new Map<string, GgufValue>();
  const u32 = (k: string, v: number) => kv.set(k, { t: 'u32', v });
  kv.set('general.architecture', { t: 'str', v: g });
  kv.set('general.type', { t: 'str', v: 'model' });
  // llama.cpp sets Phi-3 token attributes by model name and then needs <s>, </s> and <unk>, which the
  // synthetic fallback tokenizer does not have: keep "phi-3"/"phi3" out of the name
  kv.set('general.name', { t: 'str', v: m.name.replace(/phi-?3/gi, 'Phi 3') });
  u32('general.file_type', FILE_TYPE[m.dtype]);
  u32('general.quantization_version', 2);
  u32(`${g}.context_length`, a.maxPositionEmbeddings);
  u32(`${g}.embedding_length`, a.hiddenSize);
  u32(`${g}.block_count`, a.numLayers);
  u32(`${g}.feed_forward_length`, a.intermediateSize);
  u32(`${g}.attention.head_count`, a.numHeads);
  u32(`${g}.attention.head_count_kv`, a.numKvHeads);
  u32(`${g}.attention.key_length`, a.headDim);
  u32(`${g}.attention.value_length`, a.headDim);
  kv.set(`${g}.attention.layer_norm_rms_epsilon`, { t: 'f32', v: a.rmsNormEps });
  kv.set(`${g}.rope.freq_base`, { t: 'f32', v: a.ropeTheta });
  u32(`${g}.rope.dimension_count`, a.headDim);
  u32(`${g}.vocab_size`, a.vocabSize);
  kv.set('edgebench.synthetic', { t: 'bool', v: true });
  kv.set('edgebench.preset', { t: 'str', v: m.presetId });
  u32('edgebench.seed', m.seed);
  kv.set('edgebench.note', { t: 'str', v: 'SYNTHETIC: seeded random weights with the real architecture (edgebench models build --format gguf); shapes and cost are real, outputs are not' });
  return kv;
}
