/**
 * The real dependencies of `runSuite`: memory checks before loading, the memory-bandwidth probe for
 * rooflines, and build progress for presets a runner builds on first use (each runner resolves its
 * own models).
 */
import { freemem } from 'node:os';
import { EdgebenchError } from '../errors.ts';
import type { BuildProgress } from '../models/build/build-folder.ts';
import type { Environment } from '../results/schema.ts';
import type { ResolvedModel } from '../runners/types.ts';
import type { RunDeps } from './run-suite.ts';

/** Refuse before loading when the weights alone would not fit in free memory (with the numbers). */
export function checkMemory(m: ResolvedModel, free = freemem()): void {
  const need = m.info.bytes;
  if (need === null) return;
  const estimate = need * 1.2; // weights + arena, KV cache and activations at small depths
  if (estimate > free) {
    const gb = (n: number) => (n / 1e9).toFixed(1);
    throw new EdgebenchError(
      'OUT_OF_MEMORY',
      `${m.info.id} needs about ${gb(estimate)} GB (weights ${gb(need)} GB × 1.2) but only ${gb(free)} GB of memory is free`,
      'close other programs, or pick a smaller model or a 4-bit dtype (--dtype q4)',
    );
  }
}

export function realRunDeps(
  environment: Environment,
  opts: { bandwidth: boolean; log: (m: string) => void; onBuildProgress?: (p: BuildProgress) => void },
): RunDeps {
  return {
    environment,
    ...(opts.onBuildProgress && { onBuildProgress: opts.onBuildProgress }),
    checkMemory: (m) => checkMemory(m),
    async measureBandwidth(threads) {
      if (!opts.bandwidth) return null;
      opts.log(`measuring memory bandwidth (${threads ?? 'default'} threads) for the roofline…`);
      try {
        // onnxruntime is loaded only when the roofline needs it (not for --no-bandwidth or a fake run)
        const { probeOrtBandwidth } = await import('../probes/memory-bandwidth.ts');
        const r = await probeOrtBandwidth(threads ? { threads } : {});
        return r.bytesPerS;
      } catch (e) {
        opts.log(`memory-bandwidth probe failed (${(e as Error).message.split('\n')[0]}); rooflineFraction will be n/a`);
        return null;
      }
    },
  };
}
