/**
 * llama-cpp runner settings (suite `runnerSettings: { llama-cpp: {…} }`), validated; unknown keys
 * are errors. The defaults are the llama-bench defaults, so that a cell measures what llama.cpp's
 * own benchmark measures: flash attention `auto`, 512-token micro-batches, a context sized to the
 * request (llama-bench sizes n_ctx = depth + prompt + generated for each test).
 */
import { z } from 'zod';
import { parseRunnerSettings } from '../settings.ts';
import { MAX_PARALLEL_SEQUENCES } from './sequence-pool.ts';

/** llama-bench's defaults at the llama.cpp commit node-llama-cpp 3.21.1 bundles (tools/llama-bench/llama-bench.cpp). */
export const LLAMA_BENCH_DEFAULTS = { flashAttention: 'auto', nBatch: 2048, nUbatch: 512 } as const;

/** The context used when the harness does not say how many tokens a request needs (serve, scripts). */
export const FALLBACK_CONTEXT = 4096;

/** Which llama.cpp binary runs on the CPU: the local OpenMP build if there is one (auto), only it (local), or node-llama-cpp's prebuilt one. */
export const LLAMA_CPP_BINARIES = ['auto', 'prebuilt', 'local'] as const;
export type LlamaCppBinary = (typeof LLAMA_CPP_BINARIES)[number];

export const LlamaCppSettings = z.strictObject({
  /** KV cache length in tokens; 'auto' = what the load group's largest request needs; a request needing more is refused with a hint */
  contextSize: z
    .union([
      z
        .number()
        .int()
        .min(16)
        .max(1 << 20),
      z.literal('auto'),
    ])
    .default('auto'),
  /**
   * tokens per llama_decode call. node-llama-cpp ties n_ubatch to n_batch, so 512 reproduces
   * llama-bench's `-b 2048 -ub 512`: both compute a prompt in 512-token micro-batches
   */
  batchSize: z.number().int().min(1).max(65536).default(LLAMA_BENCH_DEFAULTS.nUbatch),
  /** 'auto' (llama-bench's default: on where the backend supports it, recorded as resolved), true or false */
  flashAttention: z.union([z.boolean(), z.literal('auto')]).default(LLAMA_BENCH_DEFAULTS.flashAttention),
  /** layers offloaded to the GPU: 'max' (default on a GPU backend), 'auto' (what fits) or a number; always 0 on CPU */
  gpuLayers: z.union([z.number().int().min(0).max(100000), z.literal('max'), z.literal('auto')]).default('max'),
  useMmap: z.boolean().default(true),
  /**
   * the CPU binary: 'auto' (default) = the local build (`npm run build:llamacpp-local`: GGML_NATIVE +
   * OpenMP, whose persistent thread team spares every llama_decode node-llama-cpp's thread start-up)
   * when it exists, else the prebuilt one; 'local' = only the local build; 'prebuilt' = only
   * node-llama-cpp's prebuilt binaries. GPUs always use the prebuilt ones. Recorded as resolved.
   */
  binary: z.enum(LLAMA_CPP_BINARIES).default('auto'),
  /** sequences of the one context, for parallel requests batched together (the load ladder asks for as many as its top level) */
  parallelSequences: z.number().int().min(1).max(MAX_PARALLEL_SEQUENCES).default(1),
});
export type LlamaCppSettings = z.infer<typeof LlamaCppSettings>;

export function parseLlamaCppSettings(raw: Record<string, string | number | boolean>): LlamaCppSettings {
  return parseRunnerSettings('llama-cpp', LlamaCppSettings, raw);
}

/**
 * The context to create: the setting when it is a number; for 'auto' the tokens the harness says
 * the largest request needs (at least 16, llama.cpp pads it further), else FALLBACK_CONTEXT.
 */
export function contextSizeFor(setting: LlamaCppSettings['contextSize'], kvTokens: number | undefined): number {
  if (setting !== 'auto') return setting;
  return kvTokens !== undefined && kvTokens > 0 ? Math.max(16, kvTokens) : FALLBACK_CONTEXT;
}
