import { z } from 'zod';
import type { RunnerInfo } from '../types.ts';

/** transformers.js is run as applications ship it: no settings of its own (threads and device come from the matrix). */
export const TransformersJsSettings = z.strictObject({});

export const transformersJsInfo = {
  id: 'transformers-js',
  boundary: 'runtime-api',
  description: 'transformers.js v4 (@huggingface/transformers): AutoModelForCausalLM.generate with a token streamer',
  settings: TransformersJsSettings,
} as const satisfies RunnerInfo;
