/**
 * The GGUF writer: block quantizers decode back (with ggml's own dequantization formulas, written
 * out here independently), and a synthetic GGUF reads back with @huggingface/gguf with llama.cpp's
 * tensor names, ggml dims, types, hyper-parameters and tokenizer metadata, and the preset's
 * exact parameter count.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gguf } from '@huggingface/gguf';
import { countParams } from '../src/models/arch.ts';
import { fromFloat16Bits } from '../src/models/build/float16.ts';
import { fillRows, specByName } from '../src/models/build/weights.ts';
import { buildGguf } from '../src/models/gguf/build-gguf.ts';
import { toGgufDtype } from '../src/models/gguf/format.ts';
import { pairing } from '../src/models/gguf/pairing.ts';
import { quantizeRows } from '../src/models/gguf/quantize.ts';
import { scaleMinK4 } from '../src/models/gguf/quantize-k.ts';
import { readGguf } from '../src/models/gguf/read-gguf.ts';
import { tokenizerMetadata } from '../src/models/gguf/tokenizer-meta.ts';
import { getPreset } from '../src/models/presets.ts';
import { resolveTokenizer } from '../src/models/tokenizers/resolve.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'eb-gguf-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const f16 = (b: Uint8Array, o: number) => fromFloat16Bits(b[o]! | (b[o + 1]! << 8));

/** ggml-quants.c dequantize_row_q4_0 / q8_0 / q4_K / q6_K, transcribed. */
function dequant(type: 'Q4_0' | 'Q8_0' | 'Q4_K' | 'Q6_K', b: Uint8Array, n: number): Float32Array {
  const y = new Float32Array(n);
  if (type === 'Q4_0')
    for (let i = 0; i < n / 32; i++) {
      const o = i * 18,
        d = f16(b, o);
      for (let j = 0; j < 16; j++) {
        y[i * 32 + j] = ((b[o + 2 + j]! & 0xf) - 8) * d;
        y[i * 32 + j + 16] = ((b[o + 2 + j]! >> 4) - 8) * d;
      }
    }
  if (type === 'Q8_0')
    for (let i = 0; i < n / 32; i++) {
      const o = i * 34,
        d = f16(b, o);
      for (let j = 0; j < 32; j++) y[i * 32 + j] = ((b[o + 2 + j]! << 24) >> 24) * d;
    }
  if (type === 'Q4_K')
    for (let i = 0; i < n / 256; i++) {
      const o = i * 144,
        d = f16(b, o),
        min = f16(b, o + 2),
        sc = b.subarray(o + 4, o + 16);
      let q = o + 16,
        k = i * 256;
      for (let j = 0, is = 0; j < 256; j += 64, is += 2) {
        const [s1, m1] = scaleMinK4(is, sc),
          [s2, m2] = scaleMinK4(is + 1, sc);
        for (let l = 0; l < 32; l++) y[k++] = d * s1 * (b[q + l]! & 0xf) - min * m1;
        for (let l = 0; l < 32; l++) y[k++] = d * s2 * (b[q + l]! >> 4) - min * m2;
        q += 32;
      }
    }
  if (type === 'Q6_K')
    for (let i = 0; i < n / 256; i++) {
      const o = i * 210,
        d = f16(b, o + 208);
      for (let half = 0; half < 2; half++) {
        const ql = o + 64 * half,
          qh = o + 128 + 32 * half,
          sc = o + 192 + 8 * half,
          yo = i * 256 + 128 * half;
        for (let l = 0; l < 32; l++) {
          const is = Math.floor(l / 16);
          const s = (k: number) => (b[sc + is + k]! << 24) >> 24;
          y[yo + l] = d * s(0) * (((b[ql + l]! & 0xf) | (((b[qh + l]! >> 0) & 3) << 4)) - 32);
          y[yo + l + 32] = d * s(2) * (((b[ql + l + 32]! & 0xf) | (((b[qh + l]! >> 2) & 3) << 4)) - 32);
          y[yo + l + 64] = d * s(4) * (((b[ql + l]! >> 4) | (((b[qh + l]! >> 4) & 3) << 4)) - 32);
          y[yo + l + 96] = d * s(6) * (((b[ql + l + 32]! >> 4) | (((b[qh + l]! >> 6) & 3) << 4)) - 32);
        }
      }
    }
  return y;
}

describe('block quantizers', () => {
  const n = 1024;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.sin(i * 1.7) * (1 + (i % 7)) * 0.05;
  const maxAbs = Math.max(...Array.from(x, Math.abs));
  it.each([
    ['Q4_0', 18 * 32, maxAbs / 8],
    ['Q8_0', 34 * 32, maxAbs / 127],
    ['Q4_K', 144 * 4, maxAbs / 7],
    ['Q6_K', 210 * 4, maxAbs / 31],
  ] as const)('%s decodes back within its step and has the ggml block size', (type, bytes, step) => {
    const out = new Uint8Array(bytes);
    expect(quantizeRows(type, x, 1, n, out, 0)).toBe(bytes);
    const y = dequant(type, out, n);
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(y[i]! - x[i]!));
    expect(worst).toBeLessThanOrEqual(step);
    expect(worst).toBeGreaterThan(0);
  });

  it('Q4_0 maps the largest-magnitude value exactly onto code 0 (d = max / -8)', () => {
    const v = new Float32Array(32).fill(0.1);
    v[5] = -0.8;
    const out = new Uint8Array(18);
    quantizeRows('Q4_0', v, 1, 32, out, 0);
    expect(f16(out, 0)).toBeCloseTo(0.1, 3);
    expect(out[2 + 5]! & 0xf).toBe(0);
  });
});

describe('synthetic GGUF read back', () => {
  it.each(['tiny-llama', 'tiny-qwen2', 'tiny-qwen3'])('%s q4_0: llama.cpp names, dims, types and the exact parameter count', async (id) => {
    const preset = getPreset(id);
    const file = join(dir, `${id}.gguf`);
    const r = await buildGguf({ preset, dtype: 'q4_0', outFile: file });
    const g = await gguf(file, { allowLocalFile: true });
    const md = g.metadata as unknown as Record<string, unknown>;
    const arch = { 'tiny-llama': 'llama', 'tiny-qwen2': 'qwen2', 'tiny-qwen3': 'qwen3' }[id]!;
    expect(md['general.architecture']).toBe(arch);
    expect(md['general.file_type']).toBe(2);
    expect(md[`${arch}.block_count`]).toBe(preset.arch.numLayers);
    expect(md[`${arch}.attention.head_count_kv`]).toBe(preset.arch.numKvHeads);
    expect(md[`${arch}.embedding_length`]).toBe(preset.arch.hiddenSize);
    expect(md[`${arch}.attention.key_length`]).toBe(preset.arch.headDim);
    expect(md['tokenizer.ggml.tokens']).toHaveLength(preset.arch.vocabSize);
    const names = g.tensorInfos.map((t) => t.name);
    expect(names).toContain('blk.1.ffn_down.weight');
    expect(names.includes('output.weight')).toBe(!preset.arch.tieWordEmbeddings);
    expect(names.includes('blk.0.attn_q.bias')).toBe(id === 'tiny-qwen2');
    expect(names.includes('blk.0.attn_k_norm.weight')).toBe(id === 'tiny-qwen3');
    expect(names.includes('rope_freqs.weight')).toBe(preset.arch.ropeScaling !== null);
    const q = g.tensorInfos.find((t) => t.name === 'blk.0.attn_q.weight')!;
    expect(q.shape.map(Number)).toEqual([preset.arch.hiddenSize, preset.arch.numHeads * preset.arch.headDim]);
    expect(q.dtype).toBe(2); // Q4_0
    expect(g.tensorInfos.find((t) => t.name === 'blk.0.attn_norm.weight')!.dtype).toBe(0); // F32
    const facts = await readGguf(file);
    expect(facts.params).toBe(countParams(preset.arch));
    expect(r.params).toBe(countParams(preset.arch));
    expect(facts.synthetic).toBe(true);
    expect(facts.arch?.numKvHeads).toBe(preset.arch.numKvHeads);
  });

  it('stores HF weights as ggml rows; Llama q rows are permuted for interleaved RoPE, Qwen ones are not', async () => {
    for (const id of ['tiny-llama', 'tiny-qwen2']) {
      const preset = getPreset(id);
      const file = join(dir, `${id}-f32.gguf`);
      await buildGguf({ preset, dtype: 'f32', outFile: file, seed: 7 });
      const g = await gguf(file, { allowLocalFile: true });
      const t = g.tensorInfos.find((x) => x.name === 'blk.0.attn_q.weight')!;
      const H = preset.arch.hiddenSize;
      const start = Math.ceil(Number(g.tensorDataOffset) / 32) * 32 + Number(t.offset);
      const bytes = readFileSync(file).subarray(start, start + 4 * H * 2);
      const rows = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
      const hf = new Float32Array(H);
      const spec = specByName(preset.arch, 'model.layers.0.self_attn.q_proj.weight');
      const d = preset.arch.headDim;
      // ggml row 1 = HF row d/2 (second half of head 0) for llama; HF row 1 for qwen2
      fillRows(spec, 7, id === 'tiny-llama' ? d / 2 : 1, 1, hf);
      expect(Array.from(rows.subarray(H, 2 * H))).toEqual(Array.from(hf));
    }
  });

  it('writes the real Llama 3 tokenizer: specials are CONTROL, padding rows UNUSED, merges as "a b"', () => {
    const preset = getPreset('llama-3.2-1b');
    const tok = resolveTokenizer(preset);
    const kv = tokenizerMetadata({
      tokenizerJson: tok.tokenizerJson,
      tokenizerConfigJson: tok.tokenizerConfigJson,
      kind: preset.tokenizer,
      arch: preset.arch,
    });
    const tokens = kv.get('tokenizer.ggml.tokens');
    const types = kv.get('tokenizer.ggml.token_type');
    const merges = kv.get('tokenizer.ggml.merges');
    if (tokens?.t !== 'arr_str' || types?.t !== 'arr_i32' || merges?.t !== 'arr_str') throw new Error('wrong value types');
    expect(tokens.v).toHaveLength(preset.arch.vocabSize);
    expect(tokens.v[128000]).toBe('<|begin_of_text|>');
    expect(types.v[128000]).toBe(3);
    expect(types.v[1000]).toBe(1);
    expect(merges.v[0]).toMatch(/^\S+ \S+$/);
    expect(kv.get('tokenizer.ggml.pre')).toEqual({ t: 'str', v: 'llama-bpe' });
    expect(kv.get('tokenizer.ggml.bos_token_id')).toEqual({ t: 'u32', v: 128000 });
  });

  it('pairs ONNX q4 and GGUF Q4_0 of Llama-3.2-1B by weight bytes per decoded token, from the arch', () => {
    const p = pairing(getPreset('llama-3.2-1b').arch, 'q4', 'q4_0');
    // ONNX: (linear + tied-head copy) × (0.5 + 4/32) B + fp32 norms; GGUF: every 2-D weight × 18/32 B + F32 norms
    expect(p.onnx.bytesPerToken! / 1e6).toBeCloseTo(772.6, 0);
    expect(p.gguf.bytesPerToken / 1e6).toBeCloseTo(695.3, 0);
    expect(p.bytesRatio).toBeCloseTo(0.9, 2);
    expect(p.text).toMatch(/fp32 scale.*fp16 scale/);
  });

  it('maps suite dtypes onto GGUF formats', () => {
    expect(toGgufDtype('q4')).toBe('q4_0');
    expect(toGgufDtype('Q8_0')).toBe('q8_0');
    expect(toGgufDtype('fp16')).toBe('f16');
    expect(toGgufDtype('q4f16')).toBeNull();
  });
});
