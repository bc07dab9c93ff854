import type { RunnerInfo } from '../types.ts';
import { LlamaCppSettings } from './settings.ts';

export const llamaCppInfo = {
  id: 'llama-cpp',
  boundary: 'runtime-api',
  description:
    'llama.cpp (node-llama-cpp prebuilt binaries: CPU, CUDA, Vulkan, Metal; or a local OpenMP CPU build) with greedy sampling in its own evaluation loop',
  settings: LlamaCppSettings,
  roles: ['gguf'],
} as const satisfies RunnerInfo;
