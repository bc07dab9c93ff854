/**
 * `optimum` style: the graph torch.onnx/optimum export produces for a decoder-only LLM, in standard
 * ONNX ops — RMSNorm as Pow/ReduceMean/Add/Sqrt/Div/Mul (fp32 inside, like HF's LlamaRMSNorm),
 * RoPE from cos/sin tables gathered by position_ids with rotate_half (Slice/Neg/Concat),
 * attention as MatMul/Softmax with a causal + attention_mask bias, GQA by expanding KV heads,
 * SwiGLU MLP. Linear layers per dtype (see linear.ts).
 */
import type { ModelArch, ModelDtype } from '../arch.ts';
import { attr, DT, GraphBuilder } from './onnx-graph.ts';
import { addBias, floatType, linear, vectorInit, type LinearCtx } from './linear.ts';
import { declareIO, embed, lmHead, splitLast, type GraphIO } from './graph-common.ts';
import { layerPrefix, specByName, usesFusedProjections } from './weights.ts';
import { ropeTableInit } from './rope.ts';

const FP16_MIN = -65504;
const FP32_MIN = -3.4028234663852886e38;

export function buildOptimumGraph(arch: ModelArch, dtype: ModelDtype, seed: number, accuracyLevel: number): GraphBuilder {
  const g = new GraphBuilder();
  const ctx: LinearCtx = { g, dtype, seed, accuracyLevel };
  const io = declareIO(g, arch, dtype);
  const ft = floatType(dtype);
  g.scope = '/model';
  let x = embed(ctx, arch, io.inputIds);
  const bias = maskBias(g, io, ft);
  const rope = ropeCosSin(g, arch, io, ft);
  for (let i = 0; i < arch.numLayers; i++) {
    g.scope = `/model/layers.${i}`;
    const p = layerPrefix(i);
    const h = rmsNorm(ctx, x, `${p}.input_layernorm.weight`, arch);
    x = g.op1('Add', [x, attention(ctx, arch, io, i, h, bias, rope)]);
    const h2 = rmsNorm(ctx, x, `${p}.post_attention_layernorm.weight`, arch);
    x = g.op1('Add', [x, mlp(ctx, arch, i, h2)]);
  }
  g.scope = '/model';
  lmHead(ctx, arch, rmsNorm(ctx, x, 'model.norm.weight', arch));
  return g;
}

/** HF LlamaRMSNorm: x * rsqrt(mean(x²) + eps) in fp32, cast back, times weight. */
export function rmsNorm(ctx: LinearCtx, x: string, weightName: string, arch: ModelArch): string {
  const { g } = ctx;
  const half = ctx.dtype === 'fp16';
  const x32 = half ? g.op1('Cast', [x], { to: attr.i(DT.FLOAT) }) : x;
  const sq = g.op1('Pow', [x32, g.scalar(2, DT.FLOAT)]);
  const mean = g.op1('ReduceMean', [sq], { axes: attr.ints([-1]), keepdims: attr.i(1) });
  const std = g.op1('Sqrt', [g.op1('Add', [mean, g.scalar(arch.rmsNormEps, DT.FLOAT)])]);
  let y = g.op1('Div', [x32, std]);
  if (half) y = g.op1('Cast', [y], { to: attr.i(DT.FLOAT16) });
  return g.op1('Mul', [y, vectorInit(ctx, specByName(arch, weightName))]);
}

/** [B, 1, S, T] additive bias: 0 where key j is visible to query i (j ≤ past + i and mask[j] = 1). */
function maskBias(g: GraphBuilder, io: GraphIO, ft: number): string {
  const one = g.int64([1], []);
  const S = g.op1('Gather', [g.op1('Shape', [io.inputIds]), one], { axis: attr.i(0) });
  const T = g.op1('Gather', [g.op1('Shape', [io.attentionMask]), one], { axis: attr.i(0) });
  const past = g.op1('Sub', [T, S]);
  const rows = g.op1('Range', [past, T, one]);
  const cols = g.op1('Range', [g.int64([0], []), T, one]);
  const causal = g.op1('LessOrEqual', [g.op1('Unsqueeze', [cols, g.int64([0])]), g.op1('Unsqueeze', [rows, g.int64([1])])]);
  const am = g.op1('Unsqueeze', [g.op1('Cast', [io.attentionMask], { to: attr.i(DT.BOOL) }), g.int64([1, 2])]);
  const allowed = g.op1('And', [causal, am]);
  const dt = ft === DT.FLOAT16 ? DT.FLOAT16 : DT.FLOAT;
  return g.op1('Where', [allowed, g.scalar(0, dt), g.scalar(dt === DT.FLOAT16 ? FP16_MIN : FP32_MIN, dt)]);
}

interface Rope {
  cos: string;
  sin: string;
}

/** cos/sin [B, 1, S, headDim] for the given position_ids (tables hold headDim/2, duplicated like HF's cat(freqs, freqs)). */
function ropeCosSin(g: GraphBuilder, arch: ModelArch, io: GraphIO, ft: number): Rope {
  const dt = ft === DT.FLOAT16 ? DT.FLOAT16 : DT.FLOAT;
  const one = (fn: 'cos' | 'sin'): string => {
    const table = g.lazy(ropeTableInit(`rotary_emb.${fn}_cached`, arch, fn, dt));
    const half = g.op1('Gather', [table, io.positionIds], { axis: attr.i(0) });
    const full = g.op1('Concat', [half, half], { axis: attr.i(-1) });
    return g.op1('Unsqueeze', [full, g.int64([1])]);
  };
  return { cos: one('cos'), sin: one('sin') };
}

function applyRope(g: GraphBuilder, x: string, rope: Rope, headDim: number): string {
  const h = headDim / 2;
  const axes = g.int64([-1]);
  const x1 = g.op1('Slice', [x, g.int64([0]), g.int64([h]), axes]);
  const x2 = g.op1('Slice', [x, g.int64([h]), g.int64([headDim]), axes]);
  const rotated = g.op1('Concat', [g.op1('Neg', [x2]), x1], { axis: attr.i(-1) });
  return g.op1('Add', [g.op1('Mul', [x, rope.cos]), g.op1('Mul', [rotated, rope.sin])]);
}

function projections(ctx: LinearCtx, arch: ModelArch, i: number, h: string): [string, string, string] {
  const p = `${layerPrefix(i)}.self_attn`;
  const qOut = arch.numHeads * arch.headDim;
  const kvOut = arch.numKvHeads * arch.headDim;
  let q: string, k: string, v: string;
  if (usesFusedProjections(arch)) {
    const qkv = linear(ctx, h, specByName(arch, `${p}.qkv_proj.weight`));
    [q = '', k = '', v = ''] = splitLast(ctx.g, qkv, [qOut, kvOut, kvOut]);
  } else {
    q = linear(ctx, h, specByName(arch, `${p}.q_proj.weight`));
    k = linear(ctx, h, specByName(arch, `${p}.k_proj.weight`));
    v = linear(ctx, h, specByName(arch, `${p}.v_proj.weight`));
  }
  if (arch.qkvBias) {
    q = addBias(ctx, q, specByName(arch, `${p}.q_proj.bias`));
    k = addBias(ctx, k, specByName(arch, `${p}.k_proj.bias`));
    v = addBias(ctx, v, specByName(arch, `${p}.v_proj.bias`));
  }
  return [q, k, v];
}

/** [B, S, n*hd] → [B, n, S, hd], with Qwen3's per-head RMSNorm before the transpose. */
function toHeads(ctx: LinearCtx, arch: ModelArch, x: string, n: number, normName: string | null): string {
  const { g } = ctx;
  let y = g.op1('Reshape', [x, g.int64([0, 0, n, arch.headDim])]);
  if (normName) y = rmsNorm(ctx, y, normName, arch);
  return g.op1('Transpose', [y], { perm: attr.ints([0, 2, 1, 3]) });
}

function attention(ctx: LinearCtx, arch: ModelArch, io: GraphIO, i: number, h: string, bias: string, rope: Rope): string {
  const { g } = ctx;
  const p = `${layerPrefix(i)}.self_attn`;
  const [q, k, v] = projections(ctx, arch, i, h);
  const qh = applyRope(g, toHeads(ctx, arch, q, arch.numHeads, arch.qkNorm ? `${p}.q_norm.weight` : null), rope, arch.headDim);
  const kh = applyRope(g, toHeads(ctx, arch, k, arch.numKvHeads, arch.qkNorm ? `${p}.k_norm.weight` : null), rope, arch.headDim);
  const vh = toHeads(ctx, arch, v, arch.numKvHeads, null);
  const kAll = g.op1('Concat', [io.pastKey(i), kh], { axis: attr.i(2) }, { outputs: [io.presentKey(i)] });
  const vAll = g.op1('Concat', [io.pastValue(i), vh], { axis: attr.i(2) }, { outputs: [io.presentValue(i)] });
  const groups = arch.numHeads / arch.numKvHeads;
  const repeat = (t: string): string =>
    groups === 1
      ? t
      : g.op1('Reshape', [
          g.op1('Expand', [g.op1('Unsqueeze', [t, g.int64([2])]), g.int64([1, 1, groups, 1, 1])]),
          g.int64([0, arch.numHeads, -1, arch.headDim]),
        ]);
  const kT = g.op1('Transpose', [repeat(kAll)], { perm: attr.ints([0, 1, 3, 2]) });
  const ft = floatType(ctx.dtype);
  const scores = g.op1('Mul', [g.op1('MatMul', [qh, kT]), g.scalar(1 / Math.sqrt(arch.headDim), ft)]);
  const masked = g.op1('Add', [scores, bias]);
  let probs: string;
  if (ctx.dtype === 'fp16') {
    const p32 = g.op1('Softmax', [g.op1('Cast', [masked], { to: attr.i(DT.FLOAT) })], { axis: attr.i(-1) });
    probs = g.op1('Cast', [p32], { to: attr.i(DT.FLOAT16) });
  } else {
    probs = g.op1('Softmax', [masked], { axis: attr.i(-1) });
  }
  const ctxh = g.op1('MatMul', [probs, repeat(vAll)]);
  const merged = g.op1('Reshape', [
    g.op1('Transpose', [ctxh], { perm: attr.ints([0, 2, 1, 3]) }),
    g.int64([0, 0, arch.numHeads * arch.headDim]),
  ]);
  return linear(ctx, merged, specByName(arch, `${p}.o_proj.weight`));
}

/** SwiGLU: down(silu(gate(h)) * up(h)); Phi-3 computes gate and up in one fused MatMul. */
export function mlp(ctx: LinearCtx, arch: ModelArch, i: number, h: string): string {
  const { g } = ctx;
  const p = `${layerPrefix(i)}.mlp`;
  let gate: string, up: string;
  if (usesFusedProjections(arch)) {
    const gu = linear(ctx, h, specByName(arch, `${p}.gate_up_proj.weight`));
    [gate = '', up = ''] = splitLast(g, gu, [arch.intermediateSize, arch.intermediateSize]);
  } else {
    gate = linear(ctx, h, specByName(arch, `${p}.gate_proj.weight`));
    up = linear(ctx, h, specByName(arch, `${p}.up_proj.weight`));
  }
  const act = g.op1('Mul', [gate, g.op1('Sigmoid', [gate])]);
  return linear(ctx, g.op1('Mul', [act, up]), specByName(arch, `${p}.down_proj.weight`));
}
