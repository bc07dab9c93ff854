/** llama-cpp runner settings (suite `runnerSettings: { llama-cpp: {…} }`), validated; unknown keys are errors. */
import { z } from 'zod';
import { parseRunnerSettings } from '../settings.ts';

export const LlamaCppSettings = z.strictObject({
  /** KV cache length in tokens; a request needing more is refused with a hint (never silently shifted) */
  contextSize: z.number().int().min(16).default(4096),
  /** tokens per llama_decode call (n_batch = n_ubatch); 512 = llama-bench's ubatch default */
  batchSize: z.number().int().min(1).default(512),
  flashAttention: z.union([z.boolean(), z.literal('auto')]).default(false),
  /** layers offloaded to the GPU: 'max' (default on a GPU backend), 'auto' (what fits) or a number; always 0 on CPU */
  gpuLayers: z.union([z.number().int().min(0), z.literal('max'), z.literal('auto')]).default('max'),
  useMmap: z.boolean().default(true),
});
export type LlamaCppSettings = z.infer<typeof LlamaCppSettings>;

export function parseLlamaCppSettings(raw: Record<string, string | number | boolean>): LlamaCppSettings {
  return parseRunnerSettings('llama-cpp', LlamaCppSettings, raw);
}
