import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import type { ModelArch } from '../src/models/arch.ts';
import { buildKernelModel, matmulKernels, weightBytes } from '../src/probes/kernel-graphs.ts';
import { kernelRooflines, probeKernels } from '../src/probes/kernels.ts';
import { createCpuSession } from '../src/probes/ort-session.ts';
import { TINY_BASE } from './helpers/tiny-archs.ts';

// a plain tied-embedding Llama without special tokens
const TINY: ModelArch = { ...TINY_BASE, tieWordEmbeddings: true, bosTokenId: null, eosTokenId: null };

async function runKernel(model: Uint8Array, k: number, n: number): Promise<Float32Array> {
  const s = await createCpuSession(model, 1);
  try {
    const out = await s.run({ a: new ort.Tensor('float32', new Float32Array(k).fill(0.5), [1, k]) });
    expect(out.y?.dims).toEqual([1, n]);
    return out.y?.data as Float32Array;
  } finally {
    await s.release();
  }
}

describe('kernel graphs', () => {
  it('lists the model matmuls with their per-token counts', () => {
    const ks = matmulKernels(TINY);
    expect(ks.map((k) => k.name)).toEqual(['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj', 'lm_head']);
    expect(ks.find((k) => k.name === 'k_proj')).toMatchObject({ k: 64, n: 32, perToken: 2 });
    expect(ks.find((k) => k.name === 'lm_head')).toMatchObject({ k: 64, n: 256, perToken: 1 });
  });

  it('weight bytes: fp32 4 B/weight, q4 0.5 B/weight + one fp32 scale per 32', () => {
    expect(weightBytes('fp32', 64, 128)).toBe(4 * 64 * 128);
    expect(weightBytes('q4-acc4', 64, 128)).toBe(128 * 2 * 16 + 128 * 2 * 4);
  });

  it('fp32 and q4 graphs compute what their weights say (copies summed)', async () => {
    // fp32: every weight 0.001 → y = K·0.5·0.001
    const f = await runKernel(buildKernelModel('fp32', 64, 8, 1), 64, 8);
    expect(f[0]).toBeCloseTo(64 * 0.5 * 0.001, 5);
    // q4 byte 0x98: even k nibble 8 → 0, odd k nibble 9 → +1 (default zero point 8), scale 0.01
    for (const v of ['q4-acc0', 'q4-acc4'] as const) {
      const q = await runKernel(buildKernelModel(v, 64, 8, 1), 64, 8);
      expect(q[0]).toBeCloseTo(32 * 0.5 * 0.01, 2);
    }
    // two copies: copy 1 has byte 0x99 (both nibbles +1) and scale 0.01·(1+1/1024)
    const two = await runKernel(buildKernelModel('q4-acc0', 64, 8, 2), 64, 8);
    expect(two[0]).toBeCloseTo(32 * 0.5 * 0.01 + 64 * 0.5 * 0.01 * (1 + 1 / 1024), 3);
  });
});

describe('probeKernels', () => {
  it('times every kernel of a tiny arch at decode and prefill and sums the roofline', async () => {
    const r = await probeKernels(TINY, {
      threads: 1,
      variants: ['q4-acc4', 'fp32'],
      phases: ['decode', 'prefill'],
      prefillTokens: 8,
      streamBytes: 256 * 1024,
      timeMs: 5,
      iterations: 2,
      warmupIterations: 1,
    });
    expect(r.timings).toHaveLength(8 * 2 * 2);
    for (const t of r.timings) {
      expect(t.ms).toBeGreaterThan(0);
      expect(Number.isFinite(t.gflopPerS) && t.gflopPerS > 0).toBe(true);
      expect(t.m).toBe(t.phase === 'decode' ? 1 : 8);
      if (t.phase === 'prefill') expect(t.copies).toBe(1);
    }
    // k_proj and v_proj share a shape, hence a timing
    const kv = r.timings.filter((t) => t.variant === 'fp32' && t.phase === 'decode' && (t.kernel === 'k_proj' || t.kernel === 'v_proj'));
    expect(kv[0]?.ms).toBe(kv[1]?.ms);
    expect(r.rooflines).toHaveLength(4);
    const roof = r.rooflines.find((x) => x.variant === 'q4-acc4' && x.phase === 'decode');
    const sel = r.timings.filter((t) => t.variant === 'q4-acc4' && t.phase === 'decode');
    const expected = sel.reduce((s, t) => s + (t.kernel === 'lm_head' ? 1 : 2) * t.ms, 0);
    expect(roof?.msPerStep).toBeCloseTo(expected, 9);
    expect(roof?.maxTokensPerS).toBeCloseTo(1000 / expected, 6);
    expect(roof?.partial).toBe(false);
  });

  it('rooflines: hand-computed decode and prefill figures', () => {
    const t = (kernel: string, phase: 'decode' | 'prefill', ms: number, bytes: number) => ({
      kernel,
      variant: 'fp32' as const,
      phase,
      m: 1,
      k: 1,
      n: 1,
      copies: 1,
      ms,
      medianMs: ms,
      gflopPerS: 1,
      weightGBPerS: 1,
      weightBytes: bytes,
      summary: { n: 1, medianMs: ms, meanMs: ms, minMs: ms, maxMs: ms, sdMs: 0, rmePct: 0, wallMs: ms, cpuMs: ms },
    });
    const [dec, pre] = kernelRooflines(
      TINY,
      [t('q_proj', 'decode', 1, 100), t('lm_head', 'decode', 3, 1000), t('q_proj', 'prefill', 10, 100)],
      8,
      true,
    );
    expect(dec).toMatchObject({ phase: 'decode', msPerStep: 5, maxTokensPerS: 200, weightBytesPerStep: 1200, partial: true });
    expect(dec?.effectiveGBPerS).toBeCloseTo(1200 / 5e6, 12);
    expect(pre).toMatchObject({ phase: 'prefill', msPerStep: 20, maxTokensPerS: 400 });
  });
});
