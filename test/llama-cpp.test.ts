/**
 * The llama-cpp runner on real llama.cpp (node-llama-cpp's prebuilt CPU binaries): tiny synthetic
 * GGUFs load and decode exactly the length asked for (EOS ignored), greedily and deterministically,
 * and compute the same model as the ONNX builder (F32 GGUF greedy tokens = the pure-TS reference
 * forward pass). Bad files fail with one clear line.
 */
import { closeSync, copyFileSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EdgebenchError } from '../src/errors.ts';
import { measureCell } from '../src/measure/measure-cell.ts';
import { buildGguf } from '../src/models/gguf/build-gguf.ts';
import { ggufTensorPlans } from '../src/models/gguf/arch-tensors.ts';
import { modelMetadata } from '../src/models/gguf/metadata.ts';
import { writeGguf } from '../src/models/gguf/writer.ts';
import { getPreset } from '../src/models/presets.ts';
import { ReferenceModel } from '../src/models/reference/forward.ts';
import { referenceWeights } from '../src/models/reference/reference-weights.ts';
import { tokenizeWithGguf } from '../src/runners/llama-cpp/tokenize-gguf.ts';
import { llamaCppRunner } from '../src/runners/llama-cpp/llama-cpp-runner.ts';
import { readGguf } from '../src/models/gguf/read-gguf.ts';
import { resolveTokenizer } from '../src/models/tokenizers/resolve.ts';
import { tokenizeWithFolder } from '../src/models/tokenizers/tokenize.ts';
import { dirname } from 'node:path';
import { resolveGgufModel } from '../src/runners/llama-cpp/resolve-gguf.ts';
import type { LoadedModel, LoadOptions } from '../src/runners/types.ts';

let dir: string;
const CPU: LoadOptions = { ep: 'cpu', threads: 1, settings: { contextSize: 256 } };
const PROMPT = [5, 17, 99, 3, 200, 42, 7, 8];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eb-llamacpp-'));
  for (const id of ['tiny-llama', 'tiny-qwen2', 'tiny-qwen3']) {
    await buildGguf({ preset: getPreset(id), dtype: 'q4_0', outFile: join(dir, `${id}.gguf`) });
    await buildGguf({ preset: getPreset(id), dtype: 'f32', outFile: join(dir, `${id}-f32.gguf`) });
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function load(file: string, opts: LoadOptions = CPU): Promise<LoadedModel> {
  return llamaCppRunner.load({ id: file, dir: null, file, dtype: 'q4_0', arch: null }, opts);
}

async function decode(m: LoadedModel, context: number[], prompt: number[], n: number): Promise<number[]> {
  const seq = await m.prepare(context);
  const out: number[] = [];
  await seq.generate(prompt, n, (t) => out.push(t));
  return out;
}

async function loadError(file: string): Promise<EdgebenchError> {
  const e = await load(file).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(EdgebenchError);
  const err = e as EdgebenchError;
  expect(err.message).not.toContain('\n');
  expect(err.hint).toBeTruthy();
  return err;
}

describe('llama-cpp runner on tiny synthetic GGUFs', () => {
  it.each(['tiny-llama', 'tiny-qwen2', 'tiny-qwen3'])(
    '%s decodes exactly N tokens, greedily and deterministically, with a depth context',
    async (id) => {
      const m = await load(join(dir, `${id}.gguf`));
      try {
        expect(m.resolved.executionProvider).toBe('cpu');
        expect(m.resolved.settings.threads).toBe(1);
        expect(m.resolved.versions['llama.cpp']).toBeTruthy();
        const a = await decode(m, [], PROMPT, 40); // 40 tokens from 512: EOS (id 2/0/1) is met or not, never stops the run
        const b = await decode(m, [], PROMPT, 40);
        expect(a).toHaveLength(40);
        expect(b).toEqual(a);
        const deep = await decode(m, [9, 8, 7, 6, 5, 4, 3, 2, 1, 10, 11, 12], PROMPT, 5);
        expect(deep).toHaveLength(5);
        expect(deep).not.toEqual(a.slice(0, 5)); // the context changed the continuation
      } finally {
        await m[Symbol.asyncDispose]();
      }
    },
  );

  it.each(['tiny-llama', 'tiny-qwen2', 'tiny-qwen3'])(
    '%s F32 GGUF computes the ONNX builder’s model: greedy tokens = reference forward pass',
    async (id) => {
      const preset = getPreset(id);
      const ref = new ReferenceModel(preset.arch, referenceWeights(preset.arch, 42, 'fp32')).greedy(PROMPT, 12);
      const m = await load(join(dir, `${id}-f32.gguf`));
      try {
        expect(await decode(m, [], PROMPT, 12)).toEqual(ref);
      } finally {
        await m[Symbol.asyncDispose]();
      }
    },
  );

  it('phi3 (fused attn_qkv and gate+up ffn_up, "phi3" in the name) computes the reference model too', async () => {
    const base = getPreset('tiny-llama');
    const preset = { ...base, id: 'tiny-phi3', arch: { ...base.arch, family: 'phi3' as const, ropeScaling: null } };
    const f = join(dir, 'tiny-phi3-f32.gguf');
    await buildGguf({ preset, dtype: 'f32', outFile: f });
    expect((await readGguf(f)).tensors.map((t) => t.name)).toContain('blk.0.attn_qkv.weight');
    const ref = new ReferenceModel(preset.arch, referenceWeights(preset.arch, 42, 'fp32')).greedy(PROMPT, 12);
    const m = await load(f);
    try {
      expect(await decode(m, [], PROMPT, 12)).toEqual(ref);
    } finally {
      await m[Symbol.asyncDispose]();
    }
  });

  it('runs under the harness: every request of a cell has N token times, increasing', async () => {
    const m = await load(join(dir, 'tiny-llama.gguf'));
    try {
      const shape = { name: 'pp16+tg8@d8', promptTokens: 16, genTokens: 8, depth: 8 };
      const traces = await measureCell(
        m,
        { shape, vocabSize: 512, seed: 1 },
        { warmup: 1, minCount: 2, minTimeS: 0, maxCount: 3, maxTimeS: 30, cooldownS: 0 },
      );
      expect(traces.length).toBeGreaterThanOrEqual(4);
      for (const t of traces) {
        expect(t.tokenTimesMs).toHaveLength(8);
        for (let i = 1; i < 8; i++) expect(t.tokenTimesMs[i]!).toBeGreaterThanOrEqual(t.tokenTimesMs[i - 1]!);
      }
    } finally {
      await m[Symbol.asyncDispose]();
    }
  });

  it('refuses a request longer than the context, naming the setting', async () => {
    const m = await load(join(dir, 'tiny-qwen2.gguf'));
    try {
      const held = Number(m.resolved.settings.contextSize);
      expect(held).toBeGreaterThanOrEqual(256);
      const e = await decode(m, [], PROMPT, held).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(EdgebenchError);
      expect((e as EdgebenchError).message).toMatch(new RegExp(`needs ${held + 8} tokens.*holds ${held}`));
      expect((e as EdgebenchError).hint).toMatch(/contextSize: 512/);
    } finally {
      await m[Symbol.asyncDispose]();
    }
  });

  it('resolves a preset id to a built GGUF and a .gguf path as it is', async () => {
    const r = await resolveGgufModel(join(dir, 'tiny-qwen3.gguf'), 'q4', { log: () => {} });
    expect(r.vocabSize).toBe(512);
    expect(r.info.params).toBe(getPreset('tiny-qwen3').params.exact);
    expect(r.info.bytesPerToken).toBeGreaterThan(0);
    expect(r.info.synthetic).toBe(true);
    await expect(resolveGgufModel(dir, 'q4', { log: () => {} })).rejects.toThrow(/is a folder/);
  });
});

describe('llama-cpp with K-quants and real tokenizers', () => {
  it('q4_k_m: 256-wide rows become Q4_K, with Q6_K for the head and llama-quantize’s attn_v/ffn_down layers; llama.cpp decodes it', async () => {
    const base = getPreset('tiny-llama');
    const preset = {
      ...base,
      id: 'tiny-llama-256',
      arch: { ...base.arch, hiddenSize: 256, intermediateSize: 512, numHeads: 4, numKvHeads: 2, headDim: 64 },
    };
    const f = join(dir, 'k.gguf');
    await buildGguf({ preset, dtype: 'q4_k_m', outFile: f });
    const facts = await readGguf(f);
    const type = (n: string) => facts.tensors.find((t) => t.name === n)?.type;
    expect(type('token_embd.weight')).toBe('Q6_K'); // tied: the embedding is the output head
    // llama-quant.cpp use_more_bits(i, n = 2): i < n/8 || i >= 7n/8 (integer division) → layer 1 only
    expect(type('blk.0.attn_v.weight')).toBe('Q4_K');
    expect(type('blk.1.attn_v.weight')).toBe('Q6_K');
    expect(type('blk.0.attn_q.weight')).toBe('Q4_K');
    expect(type('blk.1.ffn_down.weight')).toBe('Q6_K');
    const m = await load(f);
    try {
      expect(await decode(m, [], PROMPT, 10)).toHaveLength(10);
    } finally {
      await m[Symbol.asyncDispose]();
    }
  });

  it.each(['llama-3.2-1b', 'qwen2.5-0.5b'])('a %s-vocabulary GGUF tokenizes text like the tokenizer.json it came from', async (id) => {
    const real = getPreset(id);
    const preset = { ...getPreset(real.arch.family === 'llama' ? 'tiny-llama' : 'tiny-qwen2'), tokenizer: real.tokenizer };
    preset.arch = { ...preset.arch, vocabSize: real.arch.vocabSize, bosTokenId: real.arch.bosTokenId, eosTokenId: real.arch.eosTokenId };
    const f = join(dir, `${id}-vocab.gguf`);
    await buildGguf({ preset, dtype: 'q8_0', outFile: f });
    const text = 'Hello world, édgebench measures 1234 tokens/s!\n  Indented   spaces.';
    const expected = await tokenizeWithFolder(dirname(resolveTokenizer(preset).tokenizerJson), text);
    expect(await tokenizeWithGguf(f, text)).toEqual(expected); // BOS included where the tokenizer adds one
  });
});

describe('llama-cpp errors and devices', () => {
  it('a file that is not GGUF', async () => {
    const f = join(dir, 'model.onnx');
    writeFileSync(f, Buffer.from('\x08\x07\x12\x0bbackend-test'));
    const e = await loadError(f.replace('.onnx', '.gguf').replace('model', 'not-gguf'));
    expect(e.code).toBe('MODEL_NOT_FOUND');
    copyFileSync(f, join(dir, 'not-gguf.gguf'));
    expect((await loadError(join(dir, 'not-gguf.gguf'))).message).toMatch(/not a GGUF file \(starts with/);
  });

  it('a truncated GGUF (tensor data cut) and a corrupt header', async () => {
    const f = join(dir, 'truncated.gguf');
    copyFileSync(join(dir, 'tiny-llama.gguf'), f);
    const fd = openSync(f, 'r+');
    ftruncateSync(fd, Math.floor(statSync(f).size * 0.8));
    closeSync(fd);
    const e = await loadError(f);
    expect(e.code).toBe('MODEL_INVALID');
    expect(e.message).toMatch(/truncated: the tensors need \d+ bytes but the file has \d+/);
    const c = join(dir, 'corrupt.gguf');
    const bytes = readFileSync(join(dir, 'tiny-llama.gguf'));
    bytes.fill(0xff, 24, 64); // the first key's length becomes absurd
    writeFileSync(c, bytes);
    expect((await loadError(c)).message).toMatch(/corrupt or truncated GGUF header/);
  });

  it('a GGUF of an architecture llama.cpp does not know', async () => {
    const preset = getPreset('tiny-llama');
    const md = modelMetadata({ arch: preset.arch, dtype: 'f16', name: 'x', seed: 1, presetId: 'x' });
    md.set('general.architecture', { t: 'str', v: 'edgebench-unknown-arch' });
    const f = join(dir, 'unknown-arch.gguf');
    await writeGguf(f, md, ggufTensorPlans(preset.arch, 'f16', 1));
    const e = await loadError(f);
    expect(e.code).toBe('MODEL_INVALID');
    expect(e.message).toMatch(/edgebench-unknown-arch/);
    expect(e.message).toMatch(/unknown model architecture/i);
  });

  it('probe: cpu and auto are available; an unknown device is not; a missing GPU is unsupported with a reason', async () => {
    expect((await llamaCppRunner.probe(CPU)).ok).toBe(true);
    expect((await llamaCppRunner.probe({ ...CPU, ep: 'auto' })).ok).toBe(true);
    const bogus = await llamaCppRunner.probe({ ...CPU, ep: 'webgpu' });
    expect(bogus.ok).toBe(false);
    const cuda = await llamaCppRunner.probe({ ...CPU, ep: 'cuda' });
    if (!cuda.ok) expect(cuda.reason).toMatch(/cuda/i);
  });

  it('unknown runner settings are a config error', async () => {
    await expect(load(join(dir, 'tiny-llama.gguf'), { ...CPU, settings: { ctx: 4 } })).rejects.toThrow(/unknown key 'ctx'/);
  });
});
