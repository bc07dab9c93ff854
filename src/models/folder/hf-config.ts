import { z } from 'zod';
import type { ArchFamily, ModelArch, RopeScaling } from '../arch.ts';
import { EdgebenchError, zodToError } from '../../errors.ts';
import { ARCH_BOUNDS, boundedInt } from '../../config/bounds.ts';

const posInt = z.number().int().positive();
const tokenId = z.number().int().nonnegative();

/** The subset of a Hugging Face config.json that decides shapes and cost; unknown keys pass through. */
export const HfConfigSchema = z.looseObject({
  model_type: z.string().min(1),
  // bounded: a config of 1e9 layers would otherwise be built or counted until memory runs out
  hidden_size: boundedInt(1, ARCH_BOUNDS.hiddenSize, 'hidden_size'),
  intermediate_size: boundedInt(1, ARCH_BOUNDS.intermediateSize, 'intermediate_size'),
  num_hidden_layers: boundedInt(1, ARCH_BOUNDS.numLayers, 'num_hidden_layers'),
  num_attention_heads: boundedInt(1, ARCH_BOUNDS.numHeads, 'num_attention_heads'),
  num_key_value_heads: boundedInt(1, ARCH_BOUNDS.numKvHeads, 'num_key_value_heads').nullish(),
  head_dim: boundedInt(1, ARCH_BOUNDS.headDim, 'head_dim').nullish(),
  vocab_size: boundedInt(1, ARCH_BOUNDS.vocabSize, 'vocab_size'),
  max_position_embeddings: boundedInt(1, ARCH_BOUNDS.maxPositionEmbeddings, 'max_position_embeddings').nullish(),
  rms_norm_eps: z.number().positive().nullish(),
  rope_theta: z.number().positive().nullish(),
  rope_scaling: z.looseObject({ rope_type: z.string().optional(), type: z.string().optional() }).nullish(),
  tie_word_embeddings: z.boolean().nullish(),
  attention_bias: z.boolean().nullish(),
  mlp_bias: z.boolean().nullish(),
  bos_token_id: tokenId.nullish(),
  eos_token_id: z.union([tokenId, z.array(tokenId).min(1)]).nullish(),
});
export type HfConfig = z.infer<typeof HfConfigSchema>;

const Llama3RopeSchema = z.object({
  factor: z.number().positive(),
  low_freq_factor: z.number().positive(),
  high_freq_factor: z.number().positive(),
  original_max_position_embeddings: posInt,
});

const FAMILY_BY_MODEL_TYPE: Record<string, ArchFamily> = {
  llama: 'llama',
  qwen2: 'qwen2',
  qwen3: 'qwen3',
  phi3: 'phi3',
  mistral: 'mistral',
};

export const SUPPORTED_MODEL_TYPES = Object.keys(FAMILY_BY_MODEL_TYPE);

/** Model types that are known but whose graph edgebench does not build (and why). */
const UNSUPPORTED_WHY: Record<string, string> = {
  gemma: 'Gemma adds extra norms, scaled embeddings and logit soft-capping',
  gemma2: 'Gemma 2 adds pre/post-FFN norms, logit soft-capping and sliding-window layers',
  gemma3_text: 'Gemma 3 adds pre/post-FFN norms, q/k norms and interleaved local/global attention',
};

/** Unsupported families fail on model_type first: that message helps more than field errors. */
function assertSupportedModelType(modelType: string, where: string): ArchFamily {
  const family = FAMILY_BY_MODEL_TYPE[modelType];
  if (family) return family;
  const why = UNSUPPORTED_WHY[modelType] ?? 'its graph is not a Llama-style decoder edgebench knows';
  throw new EdgebenchError(
    'MODEL_INVALID',
    `${where}: model_type '${modelType}' is not supported (${why})`,
    `supported model types: ${SUPPORTED_MODEL_TYPES.join(', ')}`,
  );
}

export function parseHfConfig(raw: unknown, where: string): HfConfig {
  const head = z.looseObject({ model_type: z.string() }).safeParse(raw);
  if (head.success) assertSupportedModelType(head.data.model_type, where);
  const r = HfConfigSchema.safeParse(raw);
  if (!r.success) throw zodToError('MODEL_INVALID', where, r.error, 'config.json must be a Hugging Face decoder config (hidden_size, num_hidden_layers, …)');
  return r.data;
}

export interface ArchFromConfig {
  arch: ModelArch;
  /** config features that edgebench does not model; they change values, not shapes or cost */
  caveats: string[];
}

/** Map a Hugging Face config to the ModelArch contract (head_dim absent → hidden / heads). */
export function archFromHfConfig(c: HfConfig, where = 'config.json'): ArchFromConfig {
  const family = assertSupportedModelType(c.model_type, where);
  const numKvHeads = c.num_key_value_heads ?? c.num_attention_heads;
  if (c.num_attention_heads % numKvHeads !== 0) {
    throw new EdgebenchError('MODEL_INVALID', `${where}: num_attention_heads ${c.num_attention_heads} is not a multiple of num_key_value_heads ${numKvHeads}`, 'check config.json');
  }
  if (c.head_dim == null && c.hidden_size % c.num_attention_heads !== 0) {
    throw new EdgebenchError('MODEL_INVALID', `${where}: hidden_size ${c.hidden_size} is not divisible by num_attention_heads ${c.num_attention_heads} and head_dim is absent`, 'add head_dim to config.json');
  }
  if (c.mlp_bias === true || (c.attention_bias === true && family !== 'qwen2')) {
    throw new EdgebenchError('MODEL_INVALID', `${where}: attention_bias/mlp_bias on a ${c.model_type} model is not supported`, 'edgebench models biases only on Qwen2 q/k/v projections');
  }
  const caveats: string[] = [];
  const ropeScaling = ropeScalingOf(c, where, caveats);
  if (typeof c.partial_rotary_factor === 'number' && c.partial_rotary_factor !== 1) {
    caveats.push(`partial_rotary_factor ${c.partial_rotary_factor} not modelled (RoPE applied to all head dims; same cost)`);
  }
  const arch: ModelArch = {
    family,
    hiddenSize: c.hidden_size,
    intermediateSize: c.intermediate_size,
    numLayers: c.num_hidden_layers,
    numHeads: c.num_attention_heads,
    numKvHeads,
    headDim: c.head_dim ?? c.hidden_size / c.num_attention_heads,
    vocabSize: c.vocab_size,
    maxPositionEmbeddings: c.max_position_embeddings ?? 2048,
    rmsNormEps: c.rms_norm_eps ?? 1e-6,
    ropeTheta: c.rope_theta ?? 10000,
    ropeScaling,
    tieWordEmbeddings: c.tie_word_embeddings ?? false,
    qkvBias: family === 'qwen2',
    qkNorm: family === 'qwen3',
    bosTokenId: c.bos_token_id ?? null,
    eosTokenId: c.eos_token_id ?? null,
  };
  return { arch, caveats };
}

function ropeScalingOf(c: HfConfig, where: string, caveats: string[]): RopeScaling | null {
  const rs = c.rope_scaling;
  if (!rs) return null;
  const kind = rs.rope_type ?? rs.type ?? 'unknown';
  if (kind !== 'llama3') {
    caveats.push(`rope_scaling '${kind}' not modelled (changes RoPE frequencies, not shapes or cost)`);
    return null;
  }
  const r = Llama3RopeSchema.safeParse(rs);
  if (!r.success) throw zodToError('MODEL_INVALID', `${where} rope_scaling`, r.error, 'llama3 rope_scaling needs factor, low_freq_factor, high_freq_factor, original_max_position_embeddings');
  return {
    ropeType: 'llama3',
    factor: r.data.factor,
    lowFreqFactor: r.data.low_freq_factor,
    highFreqFactor: r.data.high_freq_factor,
    originalMaxPositionEmbeddings: r.data.original_max_position_embeddings,
  };
}
