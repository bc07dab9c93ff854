/** Graph parts shared by both styles: transformers.js-compatible I/O, embedding, final head. */
import type { ModelArch, ModelDtype } from '../arch.ts';
import { attr, DT, type GraphBuilder } from './onnx-graph.ts';
import { floatType, linear, type LinearCtx } from './linear.ts';
import { rowMajorInit } from './initializers.ts';
import { specByName } from './weights.ts';

export interface GraphIO {
  inputIds: string;
  attentionMask: string;
  positionIds: string;
  pastKey: (i: number) => string;
  pastValue: (i: number) => string;
  presentKey: (i: number) => string;
  presentValue: (i: number) => string;
}

export function declareIO(g: GraphBuilder, arch: ModelArch, dtype: ModelDtype): GraphIO {
  const ft = floatType(dtype);
  const kv = (t: string): (string | number)[] => ['batch_size', arch.numKvHeads, t, arch.headDim];
  const io: GraphIO = {
    inputIds: g.input('input_ids', DT.INT64, ['batch_size', 'sequence_length']),
    attentionMask: g.input('attention_mask', DT.INT64, ['batch_size', 'total_sequence_length']),
    positionIds: g.input('position_ids', DT.INT64, ['batch_size', 'sequence_length']),
    pastKey: (i) => `past_key_values.${i}.key`,
    pastValue: (i) => `past_key_values.${i}.value`,
    presentKey: (i) => `present.${i}.key`,
    presentValue: (i) => `present.${i}.value`,
  };
  for (let i = 0; i < arch.numLayers; i++) {
    g.input(io.pastKey(i), ft, kv('past_sequence_length'));
    g.input(io.pastValue(i), ft, kv('past_sequence_length'));
  }
  g.output('logits', ft, ['batch_size', 'sequence_length', arch.vocabSize]);
  for (let i = 0; i < arch.numLayers; i++) {
    g.output(io.presentKey(i), ft, kv('total_sequence_length'));
    g.output(io.presentValue(i), ft, kv('total_sequence_length'));
  }
  return io;
}

export const EMBED = 'model.embed_tokens.weight';

/** Gather from the embedding table (kept in float — real q4/q8 exports do not quantize it). */
export function embed(ctx: LinearCtx, arch: ModelArch, inputIds: string): string {
  const spec = specByName(arch, EMBED);
  const table = ctx.g.lazy(rowMajorInit(EMBED, spec, ctx.seed, floatType(ctx.dtype)));
  return ctx.g.op1('Gather', [table, inputIds], { axis: attr.i(0) });
}

/**
 * lm_head. Untied: its own weight. Tied, float: MatMul with Transpose(embedding) — stored once on
 * disk, ORT constant-folds the transpose at load. Tied, q4/q8: a separately quantized copy of the
 * embedding, as onnxruntime's quantizers produce for real tied exports (the Gather keeps floats).
 */
export function lmHead(ctx: LinearCtx, arch: ModelArch, x: string): void {
  const { g } = ctx;
  if (!arch.tieWordEmbeddings) {
    linear(ctx, x, specByName(arch, 'lm_head.weight'), 'lm_head.weight', 'logits');
  } else if (ctx.dtype === 'fp32' || ctx.dtype === 'fp16') {
    const t = g.op1('Transpose', [EMBED], { perm: attr.ints([1, 0]) });
    g.op1('MatMul', [x, t], {}, { outputs: ['logits'] });
  } else {
    linear(ctx, x, specByName(arch, EMBED), 'lm_head.weight', 'logits');
  }
}

/** Split a fused projection's output along the last axis. */
export function splitLast(g: GraphBuilder, x: string, sizes: number[]): string[] {
  return g.op('Split', [x, g.int64(sizes)], { axis: attr.i(-1) }, { outputs: sizes.length });
}
