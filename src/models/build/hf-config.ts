/** config.json / generation_config.json of a synthetic model, with real Hugging Face keys. */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ArchFamily, ModelArch, ModelDtype, GraphStyle } from '../arch.ts';
import { countParams, DTYPE_FILE } from '../arch.ts';
import { INIT_STD } from './weights.ts';
import { Q4_BLOCK } from '../quant/q4.ts';

const ARCH_CLASS: Record<ArchFamily, string> = {
  llama: 'LlamaForCausalLM',
  qwen2: 'Qwen2ForCausalLM',
  qwen3: 'Qwen3ForCausalLM',
  phi3: 'Phi3ForCausalLM',
  mistral: 'MistralForCausalLM',
};

export interface SyntheticFileInfo {
  dtype: ModelDtype;
  style: GraphStyle;
  accuracyLevel: number | null;
  externalData: boolean;
}

export interface ConfigInput {
  arch: ModelArch;
  dtype: ModelDtype;
  style: GraphStyle;
  seed: number;
  accuracyLevel: number | null;
  externalData: boolean;
  hfConfigExtra?: Record<string, unknown>;
}

/** What an earlier build left in the same folder (other dtypes' files), so their entries survive. */
const previousSchema = z.looseObject({
  'transformers.js_config': z.looseObject({ use_external_data_format: z.record(z.string(), z.number()).optional() }).optional(),
  edgebench: z
    .looseObject({
      files: z.record(z.string(), z.looseObject({})).optional(),
    })
    .optional(),
});

function previousConfig(path: string): z.infer<typeof previousSchema> {
  if (!existsSync(path)) return {};
  try {
    const parsed = previousSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

export function hfConfig(c: ConfigInput, existingPath: string): Record<string, unknown> {
  const { arch } = c;
  const file = DTYPE_FILE[c.dtype];
  const prev = previousConfig(existingPath);
  const external: Record<string, number> = { ...(prev['transformers.js_config']?.use_external_data_format ?? {}) };
  if (c.externalData) external[file] = 1;
  else delete external[file];
  const files: Record<string, unknown> = { ...(prev.edgebench?.files ?? {}) };
  files[file] = { dtype: c.dtype, style: c.style, accuracyLevel: c.accuracyLevel, externalData: c.externalData } satisfies SyntheticFileInfo;
  return {
    architectures: [ARCH_CLASS[arch.family]],
    model_type: arch.family,
    hidden_size: arch.hiddenSize,
    intermediate_size: arch.intermediateSize,
    num_hidden_layers: arch.numLayers,
    num_attention_heads: arch.numHeads,
    num_key_value_heads: arch.numKvHeads,
    head_dim: arch.headDim,
    vocab_size: arch.vocabSize,
    max_position_embeddings: arch.maxPositionEmbeddings,
    rms_norm_eps: arch.rmsNormEps,
    rope_theta: arch.ropeTheta,
    rope_scaling: arch.ropeScaling
      ? {
          rope_type: arch.ropeScaling.ropeType,
          factor: arch.ropeScaling.factor,
          low_freq_factor: arch.ropeScaling.lowFreqFactor,
          high_freq_factor: arch.ropeScaling.highFreqFactor,
          original_max_position_embeddings: arch.ropeScaling.originalMaxPositionEmbeddings,
        }
      : null,
    tie_word_embeddings: arch.tieWordEmbeddings,
    attention_bias: arch.qkvBias,
    hidden_act: 'silu',
    initializer_range: INIT_STD,
    // linear layers actually use std 1/sqrt(fan_in); see weights.ts
    use_cache: true,
    bos_token_id: arch.bosTokenId,
    eos_token_id: arch.eosTokenId,
    torch_dtype: c.dtype === 'fp16' ? 'float16' : 'float32',
    ...(c.hfConfigExtra ?? {}),
    'transformers.js_config': {
      dtype: c.dtype,
      ...(Object.keys(external).length > 0 ? { use_external_data_format: external } : {}),
    },
    edgebench: {
      synthetic: true,
      seed: c.seed,
      style: c.style,
      dtype: c.dtype,
      accuracyLevel: c.accuracyLevel,
      blockSize: Q4_BLOCK,
      params: countParams(arch),
      files,
    },
  };
}

export function generationConfig(arch: ModelArch): Record<string, unknown> {
  return {
    bos_token_id: arch.bosTokenId,
    eos_token_id: arch.eosTokenId,
    do_sample: false,
    max_length: arch.maxPositionEmbeddings,
  };
}
