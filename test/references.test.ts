import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { isEdgebenchError } from '../src/errors.ts';
import { deriveBatch, deriveModel, derivePrecision, deriveTokens } from '../src/references/derive.ts';
import { DEFAULT_REFERENCES_DIR, figuresFile, isDecisive, loadReferences, validateFigure } from '../src/references/load.ts';
import { addFigures, importPublished } from '../src/references/store.ts';
import { numericValue, priceValue } from '../src/references/value.ts';

// The audited compilation lives beside the repo (../shared), where the project keeps it; a clone
// without it skips only this re-import check.
const SHARED = resolve('..', 'shared', 'reference', 'published-figures.yaml');
const ADDENDUM = resolve('..', 'shared', 'reference', 'cloud-small-models.yaml');

function errorOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (isEdgebenchError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected an EdgebenchError');
}

function tempRefs(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eb-refs-'));
  cpSync(DEFAULT_REFERENCES_DIR, dir, { recursive: true });
  return dir;
}

const newFigure = {
  id: 'edge-test-laptop-llama3.1-8b-decode',
  category: 'edge',
  system: 'Test Laptop (laptop)',
  software: 'llama.cpp',
  model: 'Llama-3.1-8B-Instruct',
  quantization: 'Q4_K_M',
  metric: 'decode_tokens_per_s',
  value: 21.5,
  unit: 'tokens/s',
  batch_or_concurrency: '1',
  conditions: 'tg128 (128 generated tokens, empty context)',
  source_title: 'A test source',
  source_url: 'https://example.org/bench',
  source_date: '2026-11-01',
  evidence: 'community-measured',
  bears_on: ['laptop_llama3_40ms'],
  notes: '',
  audit: 'confirmed',
};

describe('project reference data', () => {
  const set = loadReferences();

  it('loads all 402 figures (322 + the 80 of the cloud-small-models addendum) and keeps the 13 unverified entries apart', () => {
    expect(set.figures).toHaveLength(402);
    expect(set.unverified).toHaveLength(13);
    const count = (k: string) => set.figures.filter((f) => f.category === k).length;
    expect([count('edge'), count('cloud-gpu'), count('energy'), count('asic'), count('price')]).toEqual([180, 82, 56, 24, 60]);
    const ids = new Set(set.figures.map((f) => f.id));
    expect(set.unverified.every((u) => u.id.startsWith('unv-') && !ids.has(u.id))).toBe(true);
  });

  it('keeps the audit status: 330 confirmed (250 + 80), 7 corrected, 65 unverifiable (context only)', () => {
    const by = (a: string) => set.figures.filter((f) => f.audit === a);
    expect(by('confirmed')).toHaveLength(330);
    expect(by('corrected')).toHaveLength(7);
    expect(by('unverifiable')).toHaveLength(65);
    expect(by('unverifiable').every((f) => !isDecisive(f))).toBe(true);
  });

  it('gives every corrected figure its history with the previous value and definition', () => {
    const corrected = set.figures.filter((f) => f.audit === 'corrected');
    for (const f of corrected) {
      expect(f.history.length).toBeGreaterThan(0);
      const h = f.history[0]!;
      expect(h.date).toBe('2026-11-22');
      expect(h.previous.value).toEqual(f.value);
      expect(h.reason.length).toBeGreaterThan(10);
    }
    const inf2 = set.byId.get('asic-inf2-48xl-llama-2-13b-1024-1024-per-token-latency')!;
    expect(inf2.metric).toBe('latency_per_token_p50_incl_input_tokens');
    expect(inf2.history[0]!.previous).toEqual({ value: 5.1, metric: 'decode_ms_per_token_p50', unit: 'ms/token' });
    expect(set.figures.filter((f) => f.audit !== 'corrected').every((f) => f.history.length === 0)).toBe(true);
  });

  it('handles the value shapes explicitly: numbers, range strings and price mappings', () => {
    const range = set.byId.get('energy-samsi-llama65b-joules-per-token')!;
    expect(range.value).toBe('3-4');
    expect(numericValue(range.value)).toEqual({ value: 3.5, lo: 3, hi: 4, isRange: true });
    const price = set.byId.get('price-groq-llama3-8b-8192-2024')!;
    expect(numericValue(price.value)).toBeNull();
    expect(priceValue(price.value)).toEqual({ input: 0.05, output: 0.1 });
    expect(set.figures.filter((f) => typeof f.value === 'string')).toHaveLength(5);
  });

  it('models the conditions: batch class, prompt/output tokens, precision', () => {
    const short = set.byId.get('edge-qaihub-llama-v3-1-8b-instruct-snapdragon-8-elite-qrd-ttft-short')!;
    expect(short.conditions).toMatchObject({ batch: 'single', batch_size: 1, prompt_tokens: 128, precision: '4-bit' });
    const mlenergy = set.byId.get('energy-mlenergy-v3-llama-3.1-8b-instruct-1xh100-seqs512-j-per-token')!;
    expect(mlenergy.conditions).toMatchObject({ batch: 'batched', batch_size: 512, output_tokens: 397, precision: '16-bit' });
    expect(set.figures.every((f) => f.source_url.startsWith('http') && f.source_title && f.source_date && f.evidence_kind)).toBe(true);
  });

  it.skipIf(!existsSync(SHARED))('re-importing the published compilation reproduces its committed figures exactly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eb-import-'));
    importPublished(SHARED, dir);
    const imported = loadReferences(dir);
    expect(imported.figures).toHaveLength(322);
    for (const f of imported.figures) expect(set.byId.get(f.id)).toEqual(f);
    expect(readFileSync(join(dir, 'unverified.yaml'), 'utf8')).toBe(readFileSync(join(DEFAULT_REFERENCES_DIR, 'unverified.yaml'), 'utf8'));
  });

  it.skipIf(!existsSync(ADDENDUM))('holds the 80 cloud-small-models figures, confirmed, with their new metrics and provenance', () => {
    const ids = (parse(readFileSync(ADDENDUM, 'utf8')) as { id: string }[]).map((x) => x.id);
    expect(ids).toHaveLength(80);
    const figs = ids.map((id) => set.byId.get(id)!);
    expect(figs.every((f) => f && f.audit === 'confirmed')).toBe(true);
    const metrics = new Set(figs.map((f) => f.metric));
    for (const m of ['api_price_per_mtok', 'ttft_s_median', 'network_rtt_ms', 'api_ttft_floor_ms', 'electricity_price_per_kwh'])
      expect(metrics.has(m)).toBe(true);
    expect(set.byId.get('price-openrouter-llama-3.1-8b-instruct-2026-08')!.value).toEqual({
      input: 0.05,
      output: 0.08,
      cached_input: 0.025,
    });
    expect(set.byId.get('price-eia-us-residential-electricity-2025-11')).toMatchObject({
      value: 17.78,
      unit: 'US cents/kWh',
      evidence_kind: 'official-statistic',
    });
    expect(set.byId.get('cloud-aa-api-phi-4-mini-ttft')!.model_params_b).toBe(3.8);
    expect(set.meta.addenda?.[0]).toMatchObject({ file: 'cloud-small-models.yaml', figures: 80 });
  });
});

describe('figure validation', () => {
  const good = loadReferences().byId.get('edge-apple-afm2024-iphone15pro-decode')!;

  it('rejects a figure without source_url, naming the id and the field', () => {
    const { source_url: _u, ...bad } = good;
    const e = errorOf(() => validateFigure(bad, 'edge.yaml', 4));
    expect(e.code).toBe('REFERENCE_INVALID');
    expect(e.message).toContain(`figure '${good.id}'`);
    expect(e.message).toContain('source_url: missing (required)');
  });

  it('rejects a non-http URL, an empty title and a corrected figure without history', () => {
    expect(errorOf(() => validateFigure({ ...good, source_url: 'javascript:alert(1)' }, 'f', 0)).message).toContain('source_url');
    expect(errorOf(() => validateFigure({ ...good, source_title: ' ' }, 'f', 0)).message).toContain('source_title');
    expect(errorOf(() => validateFigure({ ...good, audit: 'corrected' }, 'f', 0)).message).toContain('history');
  });

  it('reports a broken data file by file, entry id and field', () => {
    const dir = tempRefs();
    const file = figuresFile(dir, 'asic');
    const figs = parse(readFileSync(file, 'utf8')) as Record<string, unknown>[];
    delete figs[2]!.source_title;
    writeFileSync(file, stringify(figs));
    const e = errorOf(() => loadReferences(dir));
    expect(e.message).toMatch(/asic\.yaml: figure '[^']+' \(entry 3\): source_title: missing \(required\)/);
  });
});

describe('references add', () => {
  it('validates a published-format figure, derives its conditions and appends it', () => {
    const dir = tempRefs();
    const file = join(dir, 'new.yaml');
    writeFileSync(file, stringify([newFigure]));
    expect(addFigures(file, dir)).toEqual({ added: [newFigure.id], corrected: [] });
    const f = loadReferences(dir).byId.get(newFigure.id)!;
    expect(f.conditions).toMatchObject({ batch: 'single', prompt_tokens: 0, output_tokens: 128, precision: '4-bit' });
    expect(f).toMatchObject({ device_class: 'laptop', model_family: 'llama-3.1', model_params_b: 8, evidence_kind: 'community-measured' });
    expect(loadReferences(dir).figures).toHaveLength(403);
  });

  it('names the entry and field when the source is missing', () => {
    const dir = tempRefs();
    const file = join(dir, 'bad.yaml');
    const { source_date: _d, ...bad } = newFigure;
    writeFileSync(file, stringify([bad]));
    const e = errorOf(() => addFigures(file, dir));
    expect(e.message).toBe(`${file}: figure '${newFigure.id}' (entry 1): source_date: missing (required)`);
  });

  it('never corrects silently: an existing id needs a reason, and the old value goes into history', () => {
    const dir = tempRefs();
    const id = 'edge-apple-afm2024-iphone15pro-decode';
    const old = loadReferences(dir).byId.get(id)!;
    const file = join(dir, 'fix.yaml');
    writeFileSync(file, stringify({ ...old, value: 31, notes: `${old.notes} (re-read)` }));
    expect(errorOf(() => addFigures(file, dir)).message).toContain(`figure '${id}': id: already exists`);
    expect(addFigures(file, dir, { correctReason: 'source re-read: 31 tok/s', date: '2026-12-01' })).toEqual({
      added: [],
      corrected: [id],
    });
    const f = loadReferences(dir).byId.get(id)!;
    expect(f.value).toBe(31);
    expect(f.history).toEqual([
      { date: '2026-12-01', reason: 'source re-read: 31 tok/s', previous: { value: old.value, notes: old.notes } },
    ]);
  });
});

describe('deriving conditions from published text', () => {
  it('classifies batch/concurrency', () => {
    expect(deriveBatch('1 request (provider-side batching unknown)')).toEqual({ batch: 'single', batch_size: 1 });
    expect(deriveBatch('max_num_seqs 2048 (avg observed batch 2042.9)')).toEqual({ batch: 'batched', batch_size: 2048 });
    expect(deriveBatch('max load (requests at infinite rate)').batch).toBe('max-load');
    expect(deriveBatch(null).batch).toBe('unknown');
  });

  it('reads prompt and output lengths', () => {
    expect(deriveTokens('tg128; pp512 published as 224.81 tok/s')).toEqual({ prompt_tokens: 0, output_tokens: 128 });
    expect(deriveTokens('ISL/OSL 128/2048, synthetic uniform lengths')).toEqual({ prompt_tokens: 128, output_tokens: 2048 });
    expect(deriveTokens('5000 input / 500 output tokens; server-side')).toEqual({ prompt_tokens: 5000, output_tokens: 500 });
    expect(deriveTokens('prompt <=128 tokens (lower bound)')).toEqual({ prompt_tokens: 128, output_tokens: null });
  });

  it('normalizes precision and model size', () => {
    expect(derivePrecision('w4a16 (+ some w8a16 layers)')).toBe('4-bit');
    expect(derivePrecision('not stated (FP8 variant exists)')).toBe('unknown');
    expect(deriveModel('Mixtral-8x7B')).toEqual({ model_family: 'mixtral', model_params_b: null });
    expect(deriveModel('Llama-3.2-1B-Instruct')).toEqual({ model_family: 'llama-3.2', model_params_b: 1 });
  });
});
