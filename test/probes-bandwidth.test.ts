import { describe, expect, it } from 'vitest';
import { cpuShare } from '../src/probes/timing.ts';
import { probeJsBandwidth, probeMemoryBandwidth, probeOrtBandwidth } from '../src/probes/memory-bandwidth.ts';

const small = { bufferBytes: 4 * 1024 * 1024, timeMs: 20, iterations: 3, warmupIterations: 1, warmupMs: 0 };

describe('memory bandwidth probes (small test buffers)', () => {
  it('JS sum, 1 and 2 threads: positive finite rates over the whole buffer', async () => {
    for (const threads of [1, 2]) {
      const r = await probeJsBandwidth({ ...small, threads });
      expect(r.method).toBe('js-f64-sum');
      expect(r.threads).toBe(threads);
      expect(r.bufferBytes).toBe(small.bufferBytes);
      expect(r.samples).toBeGreaterThanOrEqual(3);
      expect(Number.isFinite(r.bytesPerS) && r.bytesPerS > 0).toBe(true);
      expect(r.bytesPerS).toBeGreaterThanOrEqual(r.medianBytesPerS);
      expect(r.bytesPerS).toBeCloseTo(r.bufferBytes / (r.summary.minMs / 1000), 0);
      expect(r.cpuShare).toBeGreaterThan(0);
    }
  });

  it('ORT GEMV: positive finite rate; the combined probe uses ORT as the roofline figure', async () => {
    const r = await probeOrtBandwidth({ ...small, threads: 1 });
    expect(r.method).toBe('ort-matmul-gemv');
    expect(Number.isFinite(r.bytesPerS) && r.bytesPerS > 0).toBe(true);
    expect(Math.abs(r.bufferBytes - small.bufferBytes) / small.bufferBytes).toBeLessThan(0.01);
    const both = await probeMemoryBandwidth({ ...small, threads: 2 });
    expect(both.source).toBe('ort-matmul-gemv');
    expect(both.memoryBandwidthBytesPerS).toBe(both.ort.bytesPerS);
    expect(both.js.threads).toBe(2);
    expect(both.ort.threads).toBe(2);
  });
});

describe('cpuShare', () => {
  it('is process CPU time over wall time × threads', () => {
    const s = { n: 1, medianMs: 1, meanMs: 1, minMs: 1, maxMs: 1, sdMs: 0, rmePct: 0, wallMs: 100, cpuMs: 150 };
    expect(cpuShare(s, 2)).toBeCloseTo(0.75, 12);
    expect(cpuShare({ ...s, wallMs: 0 }, 1)).toBe(0);
  });
});
