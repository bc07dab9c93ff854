import { z } from 'zod';
import type { RunnerInfo } from '../types.ts';

export const OrtNodeSettings = z.strictObject({
  graphOptimizationLevel: z.enum(['disabled', 'basic', 'extended', 'all']).default('all'),
  /** pre-allocated float32 outputs: no measurable gain on the same session (`npm run bench:decode`), so opt-in */
  preallocateOutputs: z.boolean().default(false),
});

export const ortNodeInfo = {
  id: 'ort-node',
  boundary: 'runtime-api',
  description: 'onnxruntime-node (native) with edgebench’s own greedy KV-cache decode loop',
  settings: OrtNodeSettings,
  roles: ['default'],
} as const satisfies RunnerInfo;
