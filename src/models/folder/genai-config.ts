import { z } from 'zod';
import { HF_DECODER_IO, type DecoderIoNames } from './decoder-io.ts';
import { zodToError } from '../../errors.ts';

const posInt = z.number().int().positive();

/** onnxruntime-genai's genai_config.json: the parts edgebench reads; everything else passes through. */
export const GenaiConfigSchema = z.looseObject({
  model: z.looseObject({
    type: z.string(),
    context_length: posInt.optional(),
    vocab_size: posInt.optional(),
    bos_token_id: z.number().int().optional(),
    eos_token_id: z.union([z.number().int(), z.array(z.number().int())]).optional(),
    decoder: z.looseObject({
      filename: z.string().min(1),
      head_size: posInt.optional(),
      hidden_size: posInt.optional(),
      num_attention_heads: posInt.optional(),
      num_hidden_layers: posInt,
      num_key_value_heads: posInt.optional(),
      inputs: z.record(z.string(), z.string()).optional(),
      outputs: z.record(z.string(), z.string()).optional(),
    }),
  }),
  search: z.looseObject({}).optional(),
});
export type GenaiConfig = z.infer<typeof GenaiConfigSchema>;

export function parseGenaiConfig(raw: unknown, where: string): GenaiConfig {
  const r = GenaiConfigSchema.safeParse(raw);
  if (!r.success) throw zodToError('MODEL_INVALID', where, r.error, 'genai_config.json must follow the onnxruntime-genai layout (model.decoder.filename, …)');
  return r.data;
}

/** Graph input/output names genai declares (defaults are the HF names edgebench expects). */
export function genaiIoNames(g: GenaiConfig): DecoderIoNames {
  const i = g.model.decoder.inputs ?? {};
  const o = g.model.decoder.outputs ?? {};
  return {
    inputIds: i.input_ids ?? HF_DECODER_IO.inputIds,
    attentionMask: i.attention_mask ?? HF_DECODER_IO.attentionMask,
    pastKey: i.past_key_names ?? HF_DECODER_IO.pastKey,
    pastValue: i.past_value_names ?? HF_DECODER_IO.pastValue,
    presentKey: o.present_key_names ?? HF_DECODER_IO.presentKey,
    presentValue: o.present_value_names ?? HF_DECODER_IO.presentValue,
    logits: o.logits ?? HF_DECODER_IO.logits,
  };
}
