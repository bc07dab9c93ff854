import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { countParams } from '../src/models/arch.ts';
import { buildModelFolder } from '../src/models/build/build-folder.ts';
import { estimateWeightBytes, paramGroups } from '../src/models/estimate-bytes.ts';
import { inspectOnnx } from '../src/models/folder/inspect-onnx.ts';
import { archFromHfConfig, parseHfConfig } from '../src/models/folder/hf-config.ts';
import { CONFIGS_FILE, closestNames, getPreset, listPresets, parseParamCount } from '../src/models/presets.ts';
import { EdgebenchError } from '../src/errors.ts';

interface ConfigEntry {
  model_id: string;
  config: Record<string, unknown>;
  param_count: { architecture_exact: number };
}
const configs = JSON.parse(readFileSync(CONFIGS_FILE, 'utf8')) as ConfigEntry[];
const byId = new Map(configs.map((c) => [c.model_id, c]));

const REQUIRED = [
  'smollm2-135m',
  'smollm2-360m',
  'smollm2-1.7b',
  'qwen2.5-0.5b',
  'qwen2.5-1.5b',
  'qwen2.5-3b',
  'qwen2.5-7b',
  'qwen3-0.6b',
  'qwen3-1.7b',
  'qwen3-4b',
  'qwen3-8b',
  'llama-3.2-1b',
  'llama-3.2-3b',
  'llama-3.1-8b',
  'phi-3.5-mini',
  'phi-4-mini',
  'mistral-7b',
  'tinyllama-1.1b',
  'deepseek-r1-distill-qwen-1.5b',
  'tiny-llama',
  'tiny-qwen2',
  'tiny-qwen3',
];

function thrown(fn: () => unknown): EdgebenchError {
  try {
    fn();
  } catch (e) {
    if (e instanceof EdgebenchError) return e;
    throw e;
  }
  throw new Error('expected an EdgebenchError');
}

describe('presets', () => {
  it('cover every non-Gemma config plus tiny test presets', () => {
    const ids = listPresets().map((p) => p.id);
    for (const id of REQUIRED) expect(ids).toContain(id);
    const used = new Set(listPresets().map((p) => p.configId));
    const unused = configs.map((c) => c.model_id).filter((m) => !used.has(m));
    expect(unused.sort()).toEqual(['HuggingFaceTB/SmolLM2-135M', 'google/gemma-2-2b-it', 'google/gemma-3-1b-it']);
  });

  it.each(
    listPresets()
      .filter((p) => !p.tiny)
      .map((p) => [p.id, p] as const),
  )('%s: countParams = architecture_exact, official within 1 %', (_id, p) => {
    const entry = byId.get(p.configId ?? '');
    expect(entry).toBeDefined();
    expect(countParams(p.arch)).toBe(entry?.param_count.architecture_exact);
    expect(p.params.exact).toBe(countParams(p.arch));
    const rel = (a: number, b: number): number => Math.abs(a - b) / b;
    if (p.params.officialKind === 'precise') {
      expect(p.params.officialValue).not.toBeNull();
      expect(rel(p.params.exact, p.params.officialValue ?? 0)).toBeLessThan(0.01);
    } else if (p.params.officialKind === 'rounded') {
      // quoted to 2 significant digits: the total is within half a unit of the last digit,
      // and the non-embedding figure must hold to 1 %
      expect(rel(p.params.nonEmbedding, p.params.officialNonEmbeddingValue ?? 0)).toBeLessThan(0.01);
      expect(Math.abs(p.params.exact - (p.params.officialValue ?? 0))).toBeLessThan(0.05e9);
      expect(p.notes.join(' ')).toMatch(/rounded/);
    } else {
      expect(p.params.officialKind).toBe('size-class');
      expect(p.params.officialValue).toBeNull();
      expect(p.notes.join(' ')).toMatch(/size class|name only/);
    }
    if (p.params.officialNonEmbeddingValue !== null)
      expect(rel(p.params.nonEmbedding, p.params.officialNonEmbeddingValue)).toBeLessThan(0.01);
  });

  it('only Qwen3-1.7B (rounded), Mistral-7B and DeepSeek-R1-Distill (size classes) escape the plain 1 % rule', () => {
    const loose = listPresets()
      .filter((p) => !p.tiny && p.params.officialKind !== 'precise')
      .map((p) => p.id);
    expect(loose.sort()).toEqual(['deepseek-r1-distill-qwen-1.5b', 'mistral-7b', 'qwen3-1.7b']);
  });

  it('parses official figures', () => {
    expect(parseParamCount('135M')).toBe(135e6);
    expect(parseParamCount('1.23B')).toBe(1.23e9);
    expect(parseParamCount('494M')).toBe(494e6);
    expect(parseParamCount('0.49B total, 0.36B non-embedding')).toBe(0.49e9);
    expect(parseParamCount('8.03B')).toBe(8.03e9);
    expect(parseParamCount('size class')).toBeNull();
  });

  it('tiny presets are tiny: hidden ≤ 64, 2 layers, vocab 512', () => {
    for (const p of listPresets().filter((q) => q.tiny)) {
      expect(p.arch.hiddenSize).toBeLessThanOrEqual(64);
      expect(p.arch.numLayers).toBe(2);
      expect(p.arch.vocabSize).toBe(512);
      expect(p.tokenizer).toBe('fallback');
    }
  });
});

describe('HF config → ModelArch', () => {
  it('derives head_dim = hidden / heads when absent, keeps it when given', () => {
    expect(getPreset('smollm2-360m').arch.headDim).toBe(64); // 960 / 15, no head_dim key
    expect(getPreset('qwen3-0.6b').arch.headDim).toBe(128); // 1024 / 16 would be 64
    expect(getPreset('llama-3.2-3b').arch.headDim).toBe(128);
  });

  it('sets qkvBias for Qwen2, qkNorm for Qwen3, llama3 rope scaling for Llama 3.1/3.2', () => {
    for (const p of listPresets()) {
      expect(p.arch.qkvBias).toBe(p.arch.family === 'qwen2');
      expect(p.arch.qkNorm).toBe(p.arch.family === 'qwen3');
    }
    expect(getPreset('llama-3.1-8b').arch.ropeScaling).toEqual({
      ropeType: 'llama3',
      factor: 8,
      lowFreqFactor: 1,
      highFreqFactor: 4,
      originalMaxPositionEmbeddings: 8192,
    });
    expect(getPreset('llama-3.2-1b').arch.ropeScaling?.factor).toBe(32);
    expect(getPreset('tinyllama-1.1b').arch.ropeScaling).toBeNull();
    expect(getPreset('phi-3.5-mini').notes.join(' ')).toContain("rope_scaling 'longrope' not modelled");
  });

  it('rejects Gemma with the reason and bad configs with the field', () => {
    const gemma = byId.get('google/gemma-2-2b-it')?.config;
    const e = thrown(() => archFromHfConfig(parseHfConfig(gemma, 'gemma'), 'gemma'));
    expect(e.code).toBe('MODEL_INVALID');
    expect(e.message).toMatch(/gemma2.*not supported.*soft-capping/);
    const bad = thrown(() => parseHfConfig({ model_type: 'llama', hidden_size: -1 }, 'x/config.json'));
    expect(bad.code).toBe('MODEL_INVALID');
    expect(bad.message).toMatch(/hidden_size/);
    expect(bad.message).toMatch(/num_hidden_layers/);
  });
});

describe('getPreset', () => {
  it('finds by id or Hugging Face id', () => {
    expect(getPreset('Qwen2.5-0.5B').id).toBe('qwen2.5-0.5b');
    expect(getPreset('Qwen/Qwen2.5-0.5B-Instruct').id).toBe('qwen2.5-0.5b');
  });

  it('unknown id → PRESET_UNKNOWN with the closest names and the list hint', () => {
    const e = thrown(() => getPreset('llama-3.2-1'));
    expect(e.code).toBe('PRESET_UNKNOWN');
    expect(e.message).toContain("'llama-3.2-1b'");
    expect(e.hint).toContain('edgebench models list');
    expect(
      closestNames(
        'qwen-2.5-0.5b',
        listPresets().map((p) => p.id),
        1,
      ),
    ).toEqual(['qwen2.5-0.5b']);
    expect(
      closestNames(
        'smollm-135m',
        listPresets().map((p) => p.id),
        1,
      ),
    ).toEqual(['smollm2-135m']);
  });
});

describe('size estimate per dtype', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'eb-est-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('groups add up to countParams for every preset', () => {
    for (const p of listPresets()) {
      const g = paramGroups(p.arch);
      expect(g.linear + g.embedding + g.lmHead + g.vectors).toBe(countParams(p.arch));
    }
  });

  it.each(['fp32', 'fp16', 'q8', 'q4'] as const)(
    '%s: matches the initializer bytes the builder writes (tied and untied)',
    async (dtype) => {
      for (const id of ['tiny-llama', 'tiny-qwen3']) {
        const arch = getPreset(id).arch;
        const r = await buildModelFolder({ arch, dtype, style: 'optimum', outDir: join(tmp, `${id}-${dtype}`) });
        const g = await inspectOnnx(join(r.dir, r.onnxFile), { checksum: false });
        expect(Math.abs(g.initializers.bytes - estimateWeightBytes(arch, dtype)) / g.initializers.bytes).toBeLessThan(0.01);
      }
    },
  );
});
