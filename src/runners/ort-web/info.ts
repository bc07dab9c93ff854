import { z } from 'zod';
import type { RunnerInfo } from '../types.ts';

export const OrtWebSettings = z.strictObject({
  /** 'fastest': measure the weight variants that exist (q4/q8/fp16/fp32) and run the fastest on wasm */
  wasmDtype: z.enum(['as-requested', 'fastest']).default('as-requested'),
  graphOptimizationLevel: z.enum(['disabled', 'basic', 'extended', 'all']).default('all'),
});

export const ortWebInfo = {
  id: 'ort-web',
  boundary: 'runtime-api',
  description: 'onnxruntime-web (wasm, SIMD, threads) in Node with edgebench’s greedy KV-cache loop, one worker per model',
  settings: OrtWebSettings,
  roles: ['browser'],
} as const satisfies RunnerInfo;
