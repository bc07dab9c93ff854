/**
 * `genai` style: the graph onnxruntime-genai's model builder writes for CPU — residual adds fused
 * into SkipSimplifiedLayerNormalization, GroupQueryAttention with rotary inside (do_rotary=1,
 * cos/sin caches [max_pos, headDim/2]) fed by a packed QKV MatMul, and seqlens_k /
 * total_sequence_length derived in-graph from attention_mask (ReduceSum − 1, Shape → Cast int32).
 * Qwen3's per-head q/k norm needs q and k apart, so it uses separate projections + SimplifiedLayerNormalization.
 * position_ids stays a declared input (unused) so both styles keep transformers.js' I/O.
 */
import type { ModelArch, ModelDtype } from '../arch.ts';
import { attr, DT, GraphBuilder, MS_DOMAIN } from './onnx-graph.ts';
import { addBias, floatType, linear, vectorInit, type LinearCtx } from './linear.ts';
import { declareIO, embed, lmHead, type GraphIO } from './graph-common.ts';
import { layerPrefix, specByName, usesFusedProjections, type WeightSpec } from './weights.ts';
import { ropeTableInit } from './rope.ts';
import { mlp } from './optimum-graph.ts';

export function buildGenaiGraph(arch: ModelArch, dtype: ModelDtype, seed: number, accuracyLevel: number): GraphBuilder {
  const g = new GraphBuilder();
  const ctx: LinearCtx = { g, dtype, seed, accuracyLevel };
  const io = declareIO(g, arch, dtype);
  g.scope = '/model';
  let residual = embed(ctx, arch, io.inputIds);
  const attnInputs = gqaInputs(g, arch, io, floatType(dtype));
  let h = simplifiedNorm(ctx, arch, residual, `${layerPrefix(0)}.input_layernorm.weight`);
  for (let i = 0; i < arch.numLayers; i++) {
    g.scope = `/model/layers.${i}`;
    const p = layerPrefix(i);
    const attnOut = attention(ctx, arch, io, i, h, attnInputs);
    [h, residual] = skipNorm(ctx, arch, attnOut, residual, `${p}.post_attention_layernorm.weight`);
    const mlpOut = mlp(ctx, arch, i, h);
    const next = i + 1 < arch.numLayers ? `${layerPrefix(i + 1)}.input_layernorm.weight` : 'model.norm.weight';
    [h, residual] = skipNorm(ctx, arch, mlpOut, residual, next);
  }
  g.scope = '/model';
  lmHead(ctx, arch, h);
  return g;
}

function simplifiedNorm(ctx: LinearCtx, arch: ModelArch, x: string, weightName: string): string {
  return ctx.g.op1('SimplifiedLayerNormalization', [x, vectorInit(ctx, specByName(arch, weightName))], {
    axis: attr.i(-1),
    epsilon: attr.f(arch.rmsNormEps),
    stash_type: attr.i(1),
  });
}

/** (normed, residual sum) = SkipSimplifiedLayerNormalization(x, skip). */
function skipNorm(ctx: LinearCtx, arch: ModelArch, x: string, skip: string, weightName: string): [string, string] {
  const { g } = ctx;
  const base = `${g.scope}/SkipLayerNorm_${g.nodes.length}`;
  const [normed = '', , , sum = ''] = g.op(
    'SkipSimplifiedLayerNormalization',
    [x, skip, vectorInit(ctx, specByName(arch, weightName))],
    { epsilon: attr.f(arch.rmsNormEps) },
    { domain: MS_DOMAIN, outputs: [`${base}/output_0`, '', '', `${base}/output_3`] },
  );
  return [normed, sum];
}

interface GqaInputs {
  seqlensK: string;
  totalSeqLen: string;
  cos: string;
  sin: string;
}

function gqaInputs(g: GraphBuilder, arch: ModelArch, io: GraphIO, ft: number): GqaInputs {
  const dt = ft === DT.FLOAT16 ? DT.FLOAT16 : DT.FLOAT;
  const sum = g.op1('ReduceSum', [io.attentionMask, g.int64([1])], { keepdims: attr.i(0) });
  const seqlensK = g.op1('Cast', [g.op1('Sub', [sum, g.int64([1], [])])], { to: attr.i(DT.INT32) });
  const total = g.op1('Gather', [g.op1('Shape', [io.attentionMask]), g.int64([1], [])], { axis: attr.i(0) });
  const totalSeqLen = g.op1('Cast', [total], { to: attr.i(DT.INT32) });
  return {
    seqlensK,
    totalSeqLen,
    cos: g.lazy(ropeTableInit('cos_cache', arch, 'cos', dt)),
    sin: g.lazy(ropeTableInit('sin_cache', arch, 'sin', dt)),
  };
}

/** [B, S, n*hd] → per-head SimplifiedLayerNormalization → [B, S, n*hd] (Qwen3 q_norm / k_norm). */
function headNorm(ctx: LinearCtx, arch: ModelArch, x: string, n: number, weightName: string): string {
  const { g } = ctx;
  const heads = g.op1('Reshape', [x, g.int64([0, 0, n, arch.headDim])]);
  const normed = simplifiedNorm(ctx, arch, heads, weightName);
  return g.op1('Reshape', [normed, g.int64([0, 0, n * arch.headDim])]);
}

function attention(ctx: LinearCtx, arch: ModelArch, io: GraphIO, i: number, h: string, gi: GqaInputs): string {
  const { g } = ctx;
  const p = `${layerPrefix(i)}.self_attn`;
  const spec = (n: string): WeightSpec => specByName(arch, `${p}.${n}`);
  let qkvIn: string[];
  if (arch.qkNorm) {
    const proj = (n: 'q' | 'k' | 'v'): string => {
      const y = linear(ctx, h, spec(`${n}_proj.weight`));
      return arch.qkvBias ? addBias(ctx, y, spec(`${n}_proj.bias`)) : y;
    };
    const q = headNorm(ctx, arch, proj('q'), arch.numHeads, `${p}.q_norm.weight`);
    const k = headNorm(ctx, arch, proj('k'), arch.numKvHeads, `${p}.k_norm.weight`);
    qkvIn = [q, k, proj('v')];
  } else {
    const weights = usesFusedProjections(arch) ? [spec('qkv_proj.weight')] : [spec('q_proj.weight'), spec('k_proj.weight'), spec('v_proj.weight')];
    let qkv = linear(ctx, h, weights, `${p}.qkv_proj.weight`);
    if (arch.qkvBias) qkv = addBias(ctx, qkv, [spec('q_proj.bias'), spec('k_proj.bias'), spec('v_proj.bias')], `${p}.qkv_proj.bias`);
    qkvIn = [qkv, '', ''];
  }
  const [out = ''] = g.op(
    'GroupQueryAttention',
    [...qkvIn, io.pastKey(i), io.pastValue(i), gi.seqlensK, gi.totalSeqLen, gi.cos, gi.sin],
    {
      num_heads: attr.i(arch.numHeads),
      kv_num_heads: attr.i(arch.numKvHeads),
      do_rotary: attr.i(1),
      rotary_interleaved: attr.i(0),
      scale: attr.f(1 / Math.sqrt(arch.headDim)),
    },
    { domain: MS_DOMAIN, outputs: [`${g.scope}/GroupQueryAttention/output_0`, io.presentKey(i), io.presentValue(i)] },
  );
  return linear(ctx, out, spec('o_proj.weight'));
}
