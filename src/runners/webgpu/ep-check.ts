/**
 * What an onnxruntime session on a non-CPU execution provider records: the WebGPU adapter
 * (vendor, architecture, software or not) and where the nodes really ran (silent-fallback check
 * from one profiled warm-up step). Shared by the ort-node and transformers.js runners.
 */
import { adapterSettings, probeWebGpuAdapter, type WebGpuAdapterInfo } from './adapter.ts';
import { fallbackWarning, isSilentFallback, placementSettings, profileTarget } from './placement.ts';

export interface EpCheckResult {
  settings: Record<string, string | number | boolean | null>;
  fallback: boolean;
}

export interface EpCheck {
  /** add to the session options (profiling on, into a private temp folder) */
  sessionOptions: { enableProfiling: true; profileFilePrefix: string };
  /** run `warm` (one short step), stop profiling, and read the placement */
  finish(endProfiling: () => void, warm: () => Promise<void>): Promise<EpCheckResult>;
}

/** null for the CPU EP (nothing to check). */
export async function startEpCheck(ep: string): Promise<EpCheck | null> {
  if (ep === 'cpu') return null;
  let adapter: WebGpuAdapterInfo | null = null;
  if (ep === 'webgpu') {
    const probe = await probeWebGpuAdapter();
    if (probe.ok) adapter = probe.adapter;
  }
  const target = profileTarget();
  return {
    sessionOptions: { enableProfiling: true, profileFilePrefix: target.prefix },
    async finish(endProfiling, warm) {
      let placement = null;
      try {
        await warm();
      } finally {
        endProfiling();
        placement = target.read();
      }
      const settings: EpCheckResult['settings'] = adapter ? { ...adapterSettings(adapter) } : {};
      let fallback = false;
      if (placement) {
        Object.assign(settings, placementSettings(placement, ep));
        fallback = isSilentFallback(placement, ep);
        if (fallback) settings.fallbackWarning = fallbackWarning(ep, placement);
      } else {
        settings.placement = 'unknown (no onnxruntime profile was written)';
      }
      return { settings, fallback };
    },
  };
}
