/**
 * The matmuls a decoder layer runs, taken from its ModelArch, and single-kernel ONNX graphs
 * that time them: fp32 `MatMul` or 4-bit `MatMulNBits` (block 32, fp32 scales, no zero points).
 */
import type { ModelArch } from '../models/arch.ts';
import { buildModel, type GraphNode, type Initializer } from './onnx-graph.ts';

export type KernelVariant = 'fp32' | 'q4-acc4' | 'q4-acc0';
export const KERNEL_VARIANTS: readonly KernelVariant[] = ['fp32', 'q4-acc4', 'q4-acc0'];

export interface MatmulKernel {
  /** projection name as in Hugging Face checkpoints: q_proj … down_proj, lm_head */
  name: string;
  /** input features (K) and output features (N) */
  k: number;
  n: number;
  /** executions per decoded token: numLayers for layer projections, 1 for lm_head */
  perToken: number;
}

const Q4_BLOCK = 32;

/** The model's matmul shapes (attention q/k/v/o, MLP gate/up/down, lm_head). */
export function matmulKernels(a: ModelArch): MatmulKernel[] {
  const q = a.numHeads * a.headDim;
  const kv = a.numKvHeads * a.headDim;
  const L = a.numLayers;
  return [
    { name: 'q_proj', k: a.hiddenSize, n: q, perToken: L },
    { name: 'k_proj', k: a.hiddenSize, n: kv, perToken: L },
    { name: 'v_proj', k: a.hiddenSize, n: kv, perToken: L },
    { name: 'o_proj', k: q, n: a.hiddenSize, perToken: L },
    { name: 'gate_proj', k: a.hiddenSize, n: a.intermediateSize, perToken: L },
    { name: 'up_proj', k: a.hiddenSize, n: a.intermediateSize, perToken: L },
    { name: 'down_proj', k: a.intermediateSize, n: a.hiddenSize, perToken: L },
    { name: 'lm_head', k: a.hiddenSize, n: a.vocabSize, perToken: 1 },
  ];
}

/** Bytes of weights one execution reads: fp32 4·K·N; q4 ½ byte per weight + one fp32 scale per 32. */
export function weightBytes(variant: KernelVariant, k: number, n: number): number {
  if (variant === 'fp32') return 4 * k * n;
  const blocks = Math.ceil(k / Q4_BLOCK);
  return n * blocks * (Q4_BLOCK / 2) + n * blocks * 4;
}

function copyWeights(variant: KernelVariant, k: number, n: number, c: number): { node: GraphNode; inits: Initializer[] } {
  const y = `y${c}`;
  if (variant === 'fp32') {
    // distinct contents per copy so no optimizer can share them
    const w = new Float32Array(k * n).fill(0.001 * (1 + c / 1024));
    return {
      node: { op: 'MatMul', inputs: ['a', `w${c}`], outputs: [y] },
      inits: [{ name: `w${c}`, type: 'float32', dims: [k, n], data: w }],
    };
  }
  const blocks = Math.ceil(k / Q4_BLOCK);
  const b = new Uint8Array(n * blocks * (Q4_BLOCK / 2)).fill(0x98 ^ (c & 0x0f));
  const scales = new Float32Array(n * blocks).fill(0.01 * (1 + c / 1024));
  return {
    node: {
      op: 'MatMulNBits',
      domain: 'com.microsoft',
      inputs: ['a', `b${c}`, `s${c}`],
      outputs: [y],
      attrs: { K: k, N: n, bits: 4, block_size: Q4_BLOCK, accuracy_level: variant === 'q4-acc4' ? 4 : 0 },
    },
    inits: [
      { name: `b${c}`, type: 'uint8', dims: [n, blocks, Q4_BLOCK / 2], data: b },
      { name: `s${c}`, type: 'float32', dims: [n * blocks], data: scales },
    ],
  };
}

/**
 * `copies` independent copies of one kernel sharing the input a[M, K] (M dynamic), summed into
 * y[M, N]. Several copies make the weights exceed the last-level cache, as in a real decode step,
 * where every weight comes from DRAM; time per kernel = time per run ÷ copies.
 */
export function buildKernelModel(variant: KernelVariant, k: number, n: number, copies: number): Uint8Array {
  const nodes: GraphNode[] = [];
  const initializers: Initializer[] = [];
  for (let c = 0; c < copies; c++) {
    const { node, inits } = copyWeights(variant, k, n, c);
    nodes.push(node);
    initializers.push(...inits);
  }
  if (copies > 1) nodes.push({ op: 'Sum', inputs: nodes.map((nd) => nd.outputs[0] ?? ''), outputs: ['y'] });
  else if (nodes[0]) nodes[0].outputs = ['y'];
  return buildModel({
    nodes,
    inputs: [{ name: 'a', type: 'float32', dims: ['M', k] }],
    outputs: [{ name: 'y', type: 'float32', dims: ['M', n] }],
    initializers,
  });
}
