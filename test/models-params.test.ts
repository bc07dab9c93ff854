/**
 * countParams(arch) equals the exact parameter count of every real architecture in
 * models/configs.json (param_count.architecture_exact, computed there from the config and
 * cross-checked against official figures). Gemma is excluded: the builder has no Gemma family.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { countParams, type ArchFamily, type ModelArch } from '../src/models/arch.ts';
import { PROJECT_ROOT } from '../src/version.ts';

const Entry = z.looseObject({
  model_id: z.string(),
  config: z.looseObject({
    model_type: z.string(),
    hidden_size: z.number().int(),
    intermediate_size: z.number().int(),
    num_hidden_layers: z.number().int(),
    num_attention_heads: z.number().int(),
    num_key_value_heads: z.number().int().nullish(),
    head_dim: z.number().int().nullish(),
    vocab_size: z.number().int(),
    tie_word_embeddings: z.unknown(),
  }),
  param_count: z.looseObject({ architecture_exact: z.number().int() }),
});

const entries = z.array(Entry).parse(JSON.parse(readFileSync(join(PROJECT_ROOT, 'models/configs.json'), 'utf8')));
const supported = entries.filter((e) => !e.config.model_type.startsWith('gemma'));

function toArch(c: z.infer<typeof Entry>['config']): ModelArch {
  const family = c.model_type as ArchFamily;
  return {
    family,
    hiddenSize: c.hidden_size,
    intermediateSize: c.intermediate_size,
    numLayers: c.num_hidden_layers,
    numHeads: c.num_attention_heads,
    numKvHeads: c.num_key_value_heads ?? c.num_attention_heads,
    headDim: c.head_dim ?? c.hidden_size / c.num_attention_heads,
    vocabSize: c.vocab_size,
    maxPositionEmbeddings: 1,
    rmsNormEps: 1e-6,
    ropeTheta: 1e4,
    ropeScaling: null,
    tieWordEmbeddings: c.tie_word_embeddings === true,
    qkvBias: family === 'qwen2',
    qkNorm: family === 'qwen3',
    bosTokenId: null,
    eosTokenId: null,
  };
}

describe('countParams against models/configs.json', () => {
  it('covers every non-Gemma entry', () => {
    expect(supported.length).toBeGreaterThanOrEqual(20);
    expect(new Set(supported.map((e) => e.config.model_type))).toEqual(new Set(['llama', 'qwen2', 'qwen3', 'phi3', 'mistral']));
  });

  it.each(supported.map((e) => [e.model_id, e] as const))('%s', (_id, e) => {
    expect(countParams(toArch(e.config))).toBe(e.param_count.architecture_exact);
  });
});
