import { createHash } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { buildModelFolder, type BuildResult } from '../src/models/build/build-folder.ts';
import { inspectOnnx, loadModelFolder } from '../src/models/folder/index.ts';
import { getPreset } from '../src/models/presets.ts';
import { resolveTokenizer } from '../src/models/tokenizers/resolve.ts';
import { EdgebenchError } from '../src/errors.ts';

const { onnx } = onnxProto;
let root: string;
let good: string; // tiny-llama with q4 + fp32
let q4: BuildResult;
const savedModelsDir = process.env.EDGEBENCH_MODELS_DIR;

async function rejection(p: Promise<unknown>): Promise<EdgebenchError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof EdgebenchError) return e;
    throw e;
  }
  throw new Error('expected an EdgebenchError');
}

/** A copy of the good folder to break. */
function copyGood(name: string): string {
  const dir = join(root, name);
  cpSync(good, dir, { recursive: true });
  return dir;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'eb-folder-'));
  good = join(root, 'tiny-llama');
  const preset = getPreset('tiny-llama');
  const tok = resolveTokenizer(preset, { dir: join(root, 'tok') });
  const tokenizerFiles = { tokenizerJson: tok.tokenizerJson, tokenizerConfigJson: tok.tokenizerConfigJson };
  q4 = await buildModelFolder({ arch: preset.arch, dtype: 'q4', style: 'optimum', outDir: good, tokenizerFiles });
  await buildModelFolder({ arch: preset.arch, dtype: 'fp32', style: 'optimum', outDir: good, tokenizerFiles });
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  if (savedModelsDir === undefined) delete process.env.EDGEBENCH_MODELS_DIR;
  else process.env.EDGEBENCH_MODELS_DIR = savedModelsDir;
});

describe('loadModelFolder on a good folder', () => {
  it('finds both weight variants, defaults to q4, and labels the folder synthetic', async () => {
    const f = await loadModelFolder(good);
    expect(f.layout).toBe('transformers.js');
    expect(f.onnxFiles.map((o) => o.dtype)).toEqual(['q4', 'fp32']);
    expect(f.chosen.dtype).toBe('q4');
    expect(f.chosen.file).toBe(join(good, 'onnx', 'model_q4.onnx'));
    expect(f.chosen.bytes).toBe(statSync(f.chosen.file).size);
    expect(f.synthetic).toBe(true);
    expect(f.tokenizer).toEqual({ present: true, fallback: true });
    expect(f.preset?.id).toBe('tiny-llama');
    expect(f.arch).toEqual(getPreset('tiny-llama').arch);
    expect(f.genai).toBeNull();
    const sha = createHash('sha256').update(readFileSync(f.chosen.file)).digest('hex');
    expect(await f.sha256()).toBe(sha);
    expect((await loadModelFolder(good, { dtype: 'fp32' })).chosen.dtype).toBe('fp32');
  });

  it('inspectOnnx agrees with onnxruntime and with the builder', async () => {
    const g = await inspectOnnx(join(good, 'onnx', 'model_q4.onnx'));
    const session = await ort.InferenceSession.create(g.file);
    try {
      expect(g.inputs.map((i) => i.name)).toEqual([...session.inputNames]);
      expect(g.outputs.map((o) => o.name)).toEqual([...session.outputNames]);
    } finally {
      await session.release();
    }
    expect(g.opCounts).toEqual(q4.opCounts);
    expect(g.opsets).toContainEqual({ domain: 'com.microsoft', version: 1 });
    expect(g.inputs.find((i) => i.name === 'past_key_values.0.key')).toEqual({
      name: 'past_key_values.0.key',
      type: 'float32',
      dims: ['batch_size', 2, 'past_sequence_length', 16],
    });
    expect(g.initializers.byType.uint8).toBeGreaterThan(0);
    expect(g.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads external-data graphs without touching the data, and checks its length', async () => {
    const dir = join(root, 'external');
    const r = await buildModelFolder({
      arch: getPreset('tiny-qwen3').arch,
      dtype: 'fp32',
      style: 'optimum',
      outDir: dir,
      externalData: true,
    });
    expect(r.externalDataFile).not.toBeNull();
    const f = await loadModelFolder(dir);
    expect(f.chosen.externalData).toEqual([join(dir, r.externalDataFile ?? '')]);
    expect(f.graph.initializers.externalBytes).toBeGreaterThan(0);
    const ext = f.graph.externalData[0];
    expect(ext && ext.requiredBytes <= ext.bytes).toBe(true);
    truncateSync(join(dir, r.externalDataFile ?? ''), 1000);
    const e = await rejection(loadModelFolder(dir));
    expect(e.code).toBe('MODEL_INVALID');
    expect(e.message).toMatch(/truncated or corrupt \(1000 bytes but model\.onnx reads up to byte \d+\)/);
    unlinkSync(join(dir, r.externalDataFile ?? ''));
    const missing = await rejection(loadModelFolder(dir));
    expect(missing.message).toMatch(/external data file model\.onnx_data .* is missing/);
  });
});

describe('loadModelFolder errors', () => {
  it('missing path → MODEL_NOT_FOUND', async () => {
    const e = await rejection(loadModelFolder(join(root, 'nope')));
    expect(e.code).toBe('MODEL_NOT_FOUND');
    const preset = await rejection(loadModelFolder('tiny-qwen2'));
    expect(preset.hint).toContain('edgebench models build tiny-qwen2');
  });

  it('folder without config.json and onnx files → MODEL_INVALID listing both', async () => {
    const dir = join(root, 'empty');
    mkdirSync(dir);
    const e = await rejection(loadModelFolder(dir));
    expect(e.code).toBe('MODEL_INVALID');
    expect(e.message).toContain('missing config.json, onnx/model*.onnx');
    const onlyConfig = copyGood('no-onnx');
    rmSync(join(onlyConfig, 'onnx'), { recursive: true });
    expect((await rejection(loadModelFolder(onlyConfig))).message).toMatch(/missing onnx\/model\*\.onnx/);
  });

  it('Git LFS pointer instead of weights → MODEL_INVALID with git lfs hint', async () => {
    const dir = copyGood('lfs');
    writeFileSync(join(dir, 'onnx', 'model_q4.onnx'), 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a2146\nsize 358000\n');
    const e = await rejection(loadModelFolder(dir));
    expect(e.code).toBe('MODEL_INVALID');
    expect(e.message).toMatch(/Git LFS pointer/);
    expect(e.hint).toContain('git lfs pull');
    expect((await loadModelFolder(dir, { dtype: 'fp32' })).chosen.dtype).toBe('fp32'); // the other variant is fine
  });

  it('truncated or corrupt .onnx → MODEL_INVALID', async () => {
    const dir = copyGood('truncated');
    const file = join(dir, 'onnx', 'model_q4.onnx');
    truncateSync(file, Math.floor(statSync(file).size / 2));
    const e = await rejection(loadModelFolder(dir));
    expect(e.code).toBe('MODEL_INVALID');
    expect(e.message).toMatch(/model_q4\.onnx is truncated or corrupt \(protobuf decode failed/);
    writeFileSync(file, Buffer.from('this is not a protobuf at all, just text\n'.repeat(10)));
    expect((await rejection(loadModelFolder(dir))).message).toMatch(/truncated or corrupt/);
  });

  it('graph without the KV-cache decoder inputs → MODEL_INVALID naming them', async () => {
    const dir = copyGood('wrong-graph');
    const vi = (name: string, elemType: number): InstanceType<typeof onnx.ValueInfoProto> =>
      onnx.ValueInfoProto.create({
        name,
        type: { tensorType: { elemType, shape: { dim: [{ dimParam: 'batch_size' }, { dimValue: 512 }] } } },
      });
    const model = onnx.ModelProto.encode({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'g',
        node: [{ opType: 'Identity', input: ['input_ids'], output: ['logits'] }],
        input: [vi('input_ids', 1)],
        output: [vi('logits', 1)],
      },
    }).finish();
    writeFileSync(join(dir, 'onnx', 'model_q4.onnx'), model);
    const e = await rejection(loadModelFolder(dir));
    expect(e.code).toBe('MODEL_INVALID');
    expect(e.message).toContain('not a 2-layer KV-cache decoder graph: missing input attention_mask, input past_key_values.0.key');
  });

  it('config.json that does not match the graph → MODEL_INVALID', async () => {
    const dir = copyGood('wrong-config');
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...cfg, vocab_size: 1024 }));
    expect((await rejection(loadModelFolder(dir))).message).toMatch(/512 logits but config\.json says vocab_size 1024/);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...cfg, num_hidden_layers: 'two' }));
    expect((await rejection(loadModelFolder(dir))).message).toMatch(/config\.json: num_hidden_layers: Invalid input/);
    writeFileSync(join(dir, 'config.json'), '{ not json');
    expect((await rejection(loadModelFolder(dir))).message).toMatch(/config\.json is not valid JSON/);
  });

  it('unknown or absent dtype → error listing what is available', async () => {
    const absent = await rejection(loadModelFolder(good, { dtype: 'q8' }));
    expect(absent.code).toBe('MODEL_NOT_FOUND');
    expect(absent.message).toContain('no q8 weights');
    expect(absent.message).toContain('available: q4, fp32');
    const unknown = await rejection(loadModelFolder(good, { dtype: 'q3' }));
    expect(unknown.code).toBe('USAGE');
    expect(unknown.hint).toMatch(/q4.*fp32/);
  });
});

describe('hub ids and the genai layout', () => {
  it('org/name resolves to models/hub/<org>/<name> when pulled, else asks for `models pull`', async () => {
    process.env.EDGEBENCH_MODELS_DIR = join(root, 'models');
    cpSync(good, join(root, 'models', 'hub', 'acme', 'tiny'), { recursive: true });
    expect((await loadModelFolder('acme/tiny')).dir).toBe(join(root, 'models', 'hub', 'acme', 'tiny'));
    const e = await rejection(loadModelFolder('acme/not-pulled'));
    expect(e.code).toBe('MODEL_NOT_FOUND');
    expect(e.hint).toBe('download it first: edgebench models pull acme/not-pulled');
  });

  it('reads onnxruntime-genai folders (genai_config.json + model.onnx at the top level)', async () => {
    const dir = join(root, 'genai');
    mkdirSync(dir);
    copyFileSync(join(good, 'onnx', 'model_q4.onnx'), join(dir, 'model.onnx'));
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(good, f), join(dir, f));
    const genai = {
      model: {
        type: 'llama',
        context_length: 2048,
        decoder: { filename: 'model.onnx', num_hidden_layers: 2, head_size: 16, num_key_value_heads: 2 },
      },
      search: { max_length: 2048 },
    };
    writeFileSync(join(dir, 'genai_config.json'), JSON.stringify(genai));
    const f = await loadModelFolder(dir);
    expect(f.layout).toBe('genai');
    expect(f.genai?.model.decoder.filename).toBe('model.onnx');
    expect(f.chosen).toMatchObject({ dtype: 'q4', file: join(dir, 'model.onnx') });
    rmSync(join(dir, 'config.json'));
    expect((await rejection(loadModelFolder(dir))).message).toMatch(/missing config\.json \(genai_config\.json lacks the MLP size/);
  });
});
