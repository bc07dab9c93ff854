import { describe, expect, it } from 'vitest';
import { clearEpCache, EXECUTION_PROVIDERS, probeExecutionProviders, summarizeEpError } from '../src/probes/execution-providers.ts';

describe('probeExecutionProviders', () => {
  it('cpu works; every unavailable EP says why and how to fix it; nothing hangs', async () => {
    clearEpCache();
    const t0 = performance.now();
    const eps = await probeExecutionProviders();
    expect(performance.now() - t0).toBeLessThan(60_000);
    expect(eps.map((e) => e.ep)).toEqual([...EXECUTION_PROVIDERS]);
    expect(eps.find((e) => e.ep === 'cpu')).toMatchObject({ ok: true, listed: true, bundled: true });
    for (const e of eps.filter((x) => !x.ok)) {
      expect(e.reason, e.ep).toMatch(/\S/);
      expect(e.hint, e.ep).toMatch(/\S/);
      expect(e.reason?.includes('\n')).toBe(false);
    }
    if (process.platform !== 'darwin') expect(eps.find((e) => e.ep === 'coreml')?.ok).toBe(false);
    if (process.platform !== 'win32') expect(eps.find((e) => e.ep === 'dml')?.ok).toBe(false);
    // cached per process: the same objects come back
    const again = await probeExecutionProviders();
    expect(again[0]).toBe(eps[0]);
  });

  it('a probe that does not answer in time is killed and reported, not awaited forever', async () => {
    clearEpCache();
    const [cpu] = await probeExecutionProviders({ eps: ['cpu'], timeoutMs: 1 });
    expect(cpu).toMatchObject({ ep: 'cpu', ok: false });
    expect(cpu?.reason).toMatch(/no answer within 1 ms/);
    clearEpCache();
  });
});

describe('summarizeEpError', () => {
  it('strips ORT source locations and names missing shared libraries', () => {
    const err =
      '/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 onnxruntime::webgpu::WebGpuContext::Initialize() ' +
      'adapter_result.status == wgpu::RequestAdapterStatus::Success was false. Failed to get a WebGPU adapter: No supported adapters\nmore';
    const stderr = "Warning: Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file: No such file or directory";
    expect(summarizeEpError(err, stderr)).toBe('Failed to get a WebGPU adapter: No supported adapters (missing libvulkan.so.1)');
    expect(summarizeEpError('plain failure\nsecond line')).toBe('plain failure');
  });
});
