/** Pure pieces of the builder against hand-computed values: q4/q8 packing, float16, PRNG, chunked initializers. */
import { describe, expect, it } from 'vitest';
import { dequantizeQ4, quantizeQ4 } from '../src/models/quant/q4.ts';
import { dequantizeQ8, quantizeQ8 } from '../src/models/quant/q8.ts';
import { fromFloat16Bits, toFloat16Bits } from '../src/models/build/float16.ts';
import { generateWeights, linearSource, materialize, specByName, weightSpecs } from '../src/models/build/weights.ts';
import { q4Inits, q8Inits, rowMajorInit, transposedInit } from '../src/models/build/initializers.ts';
import { DT, type LazyInit } from '../src/models/build/onnx-graph.ts';
import { countParams } from '../src/models/arch.ts';
import { TINY_ARCHS } from './helpers/tiny-archs.ts';

function bytes(init: LazyInit): Uint8Array {
  const parts = [...init.chunks()];
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  expect(out.length).toBe(init.byteLength);
  return out;
}

describe('q4 (MatMulNBits bits=4, block 32, symmetric)', () => {
  it('packs codes low nibble = even k, scale = signed extreme / -8', () => {
    // v_j = (j % 16 - 8) * 0.25: extreme -2 → scale 0.25, code_j = j % 16
    const w = Float32Array.from({ length: 32 }, (_, j) => ((j % 16) - 8) * 0.25);
    const p = quantizeQ4(w, 1, 32);
    expect(Array.from(p.scales)).toEqual([0.25]);
    expect(Array.from(p.b)).toEqual([0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe, 0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe]);
    expect(Array.from(dequantizeQ4(p, 1, 32))).toEqual(Array.from(w));
  });

  it('a positive extreme gives a negative scale and maps onto code 0', () => {
    const w = new Float32Array(32);
    w[0] = 3;
    w[1] = -1;
    const p = quantizeQ4(w, 1, 32);
    expect(p.scales[0]).toBe(-0.375);
    expect(p.b[0]).toBe(0xb0); // 3 → code 0, -1 → round(2.67) + 8 = 11
    expect(p.b[1]).toBe(0x88); // zeros → code 8
    const d = dequantizeQ4(p, 1, 32);
    expect([d[0], d[1], (d[2] ?? NaN) + 0]).toEqual([3, -1.125, 0]); // + 0 folds -0
  });

  it('keeps rows and blocks apart ([N, K/32, 16] layout)', () => {
    const w = new Float32Array(2 * 64);
    w[64 + 33] = 8; // row 1, block 1, k = 33 (odd → high nibble of byte 0 of that block)
    const p = quantizeQ4(w, 2, 64);
    expect(Array.from(p.scales)).toEqual([0, 0, 0, -1]);
    expect(p.b[(1 * 2 + 1) * 16]).toBe(0x08);
    expect(() => quantizeQ4(new Float32Array(48), 1, 48)).toThrow(/divisible/);
  });
});

describe('q8 (MatMulInteger weights, per-channel symmetric int8)', () => {
  it('stores [K, N] 7-bit codes (reduce_range: no int16 saturation on AVX2) with scale max|w|/63 per output row', () => {
    const w = Float32Array.from([1, -0.25, 0.5, 0.5]); // HF [N=2, K=2]
    const p = quantizeQ8(w, 2, 2);
    expect(Array.from(p.scales)).toEqual([Math.fround(1 / 63), Math.fround(0.5 / 63)]);
    expect(Array.from(p.b)).toEqual([63, 63, -16, 63]); // −0.25 × 63 = −15.75 → −16
    const d = dequantizeQ8(p, 2, 2);
    expect(d[0]).toBeCloseTo(1, 6);
    expect(d[1]).toBeCloseTo((-16 * 1) / 63, 6);
  });
});

describe('float16', () => {
  it('converts with round-to-nearest-even, subnormals, overflow and NaN', () => {
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(0.1)).toBe(0x2e66);
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(65520)).toBe(0x7c00);
    expect(toFloat16Bits(6e-8)).toBe(0x0001);
    expect(toFloat16Bits(1e-8)).toBe(0);
    expect(toFloat16Bits(NaN) & 0x7e00).toBe(0x7e00);
    expect(fromFloat16Bits(0x2e66)).toBeCloseTo(0.1, 4);
    expect(fromFloat16Bits(toFloat16Bits(1 + 2 ** -11))).toBe(1); // tie → even
  });
});

describe('seeded weights', () => {
  const arch = TINY_ARCHS.qwen2;

  it('regenerate identically, differ by seed, and cover every parameter once', () => {
    const a = [...generateWeights(arch, 3)];
    const b = [...generateWeights(arch, 3)];
    const c = [...generateWeights(arch, 4)];
    expect(a.map((t) => t.name)).toEqual(b.map((t) => t.name));
    expect(a.every((t, i) => t.data.every((v, j) => v === b[i]?.data[j]))).toBe(true);
    expect(a[0]?.data[0]).not.toBe(c[0]?.data[0]);
    expect(a.reduce((n, t) => n + t.data.length, 0)).toBe(countParams(arch));
    expect(new Set(a.map((t) => t.name)).size).toBe(a.length);
  });

  it('linear weights have std 1/sqrt(fan_in), norms sit near 1', () => {
    const w = materialize(specByName(arch, 'model.layers.0.mlp.down_proj.weight'), 1);
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const std = Math.sqrt(w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(std).toBeCloseTo(1 / Math.sqrt(arch.intermediateSize), 2);
    const n = materialize(specByName(arch, 'model.norm.weight'), 1);
    expect(n.every((v) => v > 0.85 && v < 1.15)).toBe(true);
  });

  it('stacked (packed QKV) sources read the same values as the separate weights, by rows and transposed', () => {
    const names = ['q_proj', 'k_proj', 'v_proj'].map((n) => specByName(arch, `model.layers.1.self_attn.${n}.weight`));
    const src = linearSource(names, 5);
    const parts = names.map((s) => materialize(s, 5));
    const whole = new Float32Array(src.N * src.K);
    let o = 0;
    for (const p of parts) {
      whole.set(p, o);
      o += p.length;
    }
    const rows = new Float32Array(src.N * src.K);
    src.fillRows(0, src.N, rows);
    expect(rows).toEqual(whole);
    const t = new Float32Array(src.K * src.N);
    src.fillTransposedRows(0, src.K, t);
    for (let n = 0; n < src.N; n += 7) for (let k = 0; k < src.K; k += 5) expect(t[k * src.N + n]).toBe(whole[n * src.K + k]);
  });

  it('chunked initializers equal whole-tensor encodings across chunk seams', () => {
    const spec = specByName(arch, 'model.layers.0.mlp.gate_proj.weight');
    const [N = 0, K = 0] = spec.shape;
    const w = materialize(spec, 9);
    const src = linearSource([spec], 9);
    const small = 3 * K + 5; // forces uneven chunks
    const q4 = quantizeQ4(w, N, K);
    const q4i = q4Inits('x', src, small);
    expect(bytes(q4i.b)).toEqual(q4.b);
    expect(new Float32Array(bytes(q4i.scales).buffer)).toEqual(q4.scales);
    const q8 = quantizeQ8(w, N, K);
    const q8i = q8Inits('x', src, small);
    expect(new Int8Array(bytes(q8i.b).buffer)).toEqual(q8.b);
    expect(new Float32Array(bytes(q8i.scales).buffer)).toEqual(q8.scales);
    const t = new Float32Array(bytes(transposedInit('x', src, DT.FLOAT, 2 * N + 1)).buffer);
    for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) expect(t[k * N + n]).toBe(w[n * K + k]);
    const emb = specByName(arch, 'model.embed_tokens.weight');
    expect(new Float32Array(bytes(rowMajorInit('e', emb, 9, DT.FLOAT, 1000)).buffer)).toEqual(materialize(emb, 9));
  });

  it('name weights like Hugging Face (fused for Phi-3)', () => {
    expect(weightSpecs(TINY_ARCHS.phi3).map((s) => s.name)).toContain('model.layers.0.self_attn.qkv_proj.weight');
    expect(weightSpecs(TINY_ARCHS.qwen3).map((s) => s.name)).toContain('model.layers.1.self_attn.k_norm.weight');
    expect(weightSpecs(TINY_ARCHS.llama).map((s) => s.name)).not.toContain('lm_head.weight');
  });
});
