/**
 * One linear layer y = x W^T (+ b) in the operator form each dtype's real exports use:
 * fp32/fp16 MatMul with a transposed [in, out] initializer; q4 MatMulNBits (bits 4, block 32,
 * symmetric, accuracy_level recorded); q8 DynamicQuantizeLinear → MatMulInteger (uint8 × int8)
 * → Cast → Mul(scale) as in onnxruntime's quantize_dynamic output (transformers.js
 * model_quantized.onnx). Biases stay float and are added after.
 */
import type { ModelDtype } from '../arch.ts';
import { attr, DT, MS_DOMAIN, type GraphBuilder } from './onnx-graph.ts';
import { concatVectorInit, q4Inits, q8Inits, rowMajorInit, transposedInit, type FloatType } from './initializers.ts';
import { linearSource, type WeightSpec } from './weights.ts';
import { Q4_BLOCK } from '../quant/q4.ts';

export interface LinearCtx {
  g: GraphBuilder;
  dtype: ModelDtype;
  seed: number;
  accuracyLevel: number;
}

export function floatType(dtype: ModelDtype): FloatType {
  return dtype === 'fp16' ? DT.FLOAT16 : DT.FLOAT;
}

/**
 * Emits the linear layer for `spec` ([out, in]) — or several specs stacked along the output axis
 * (packed QKV); `initBase` names its initializers.
 */
export function linear(ctx: LinearCtx, x: string, spec: WeightSpec | WeightSpec[], initBase?: string, outName?: string): string {
  const { g } = ctx;
  const specs = Array.isArray(spec) ? spec : [spec];
  const base = initBase ?? specs[0]?.name ?? 'linear';
  const src = linearSource(specs, ctx.seed);
  const out = outName ? { outputs: [outName] } : {};
  const { N, K } = src;
  switch (ctx.dtype) {
    case 'fp32':
    case 'fp16':
      return g.op1('MatMul', [x, g.lazy(transposedInit(base, src, floatType(ctx.dtype)))], {}, out);
    case 'q4': {
      const { b, scales } = q4Inits(base, src);
      return g.op1(
        'MatMulNBits',
        [x, g.lazy(b), g.lazy(scales)],
        { K: attr.i(K), N: attr.i(N), bits: attr.i(4), block_size: attr.i(Q4_BLOCK), accuracy_level: attr.i(ctx.accuracyLevel) },
        { domain: MS_DOMAIN, ...out },
      );
    }
    case 'q8': {
      const { b, scales } = q8Inits(base, src);
      const [xq, xScale, xZero] = g.op('DynamicQuantizeLinear', [x], {}, { outputs: 3 });
      if (!xq || !xScale || !xZero) throw new Error('DynamicQuantizeLinear outputs');
      const acc = g.op1('MatMulInteger', [xq, g.lazy(b), xZero]);
      const accF = g.op1('Cast', [acc], { to: attr.i(DT.FLOAT) });
      const scale = g.op1('Mul', [xScale, g.lazy(scales)]);
      return g.op1('Mul', [accF, scale], {}, out);
    }
  }
}

export function addBias(ctx: LinearCtx, y: string, spec: WeightSpec | WeightSpec[], name?: string): string {
  const specs = Array.isArray(spec) ? spec : [spec];
  const init =
    specs.length === 1 && specs[0]
      ? rowMajorInit(name ?? specs[0].name, specs[0], ctx.seed, floatType(ctx.dtype))
      : concatVectorInit(name ?? `${specs[0]?.name ?? 'bias'}_packed`, specs, ctx.seed, floatType(ctx.dtype));
  return ctx.g.op1('Add', [y, ctx.g.lazy(init)]);
}

/** A norm/bias vector initializer in the activation dtype. */
export function vectorInit(ctx: LinearCtx, spec: WeightSpec): string {
  return ctx.g.lazy(rowMajorInit(spec.name, spec, ctx.seed, floatType(ctx.dtype)));
}
