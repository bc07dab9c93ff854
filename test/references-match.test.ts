import { describe, expect, it } from 'vitest';
import { loadReferences } from '../src/references/load.ts';
import { sizeClass } from '../src/references/local.ts';
import { matchAll, matchCell } from '../src/references/match.ts';
import { cell, figure, LLAMA_1B, metric } from './fixtures/report/builders.ts';

describe('matching local cells with published figures', () => {
  it('keeps only the same size class and a metric measuring the same quantity', () => {
    const c = cell({ metrics: { ttftMs: metric(200) } });
    const same = figure({ id: 'same' });
    const otherSize = figure({ id: 'seventy', model: 'Llama-3.1-70B', model_params_b: 70 });
    const otherMetric = figure({ id: 'decode', metric: 'decode_tokens_per_s', value: 20, unit: 'tokens/s' });
    expect(matchCell(c, 'ttftMs', [same, otherSize, otherMetric]).map((m) => m.figure.id)).toEqual(['same']);
    expect(sizeClass(8.03)).toBe('7-8B');
    expect(sizeClass(1.24)).toBe('1B');
    expect(sizeClass(3.21)).toBe('3B');
  });

  it('ratio local/reference carries the local CI (ratio of the CI bounds)', () => {
    const c = cell({ metrics: { ttftMs: metric(200, 180, 240) } });
    const [m] = matchCell(c, 'ttftMs', [figure({ value: 100 })]);
    expect(m!.ratio).toEqual({ value: 2, lo: 1.8, hi: 2.4 });
    expect(m!.mismatches).toEqual([]);
    expect(m!.comparable).toBe(true);
  });

  it('widens the ratio by a published range and converts tok/s to ms per token (labelled derived)', () => {
    const c = cell({ metrics: { tpotMs: metric(50, 40, 60) } });
    const [m] = matchCell(c, 'tpotMs', [
      figure({ metric: 'decode_tokens_per_s', value: '20-25', unit: 'tokens/s', conditions: { prompt_tokens: 0, output_tokens: 128 } }),
    ]);
    expect(m!.refLo).toBeCloseTo(40);
    expect(m!.refHi).toBeCloseTo(50);
    expect(m!.ratio.lo).toBeCloseTo(40 / 50);
    expect(m!.ratio.hi).toBeCloseTo(60 / 40);
    expect(m!.derived).toBe('ms = 1000 / (tok/s)');
    expect(m!.mismatches).toContain('derived: ms = 1000 / (tok/s)');
  });

  it('lists every mismatch in words and ranks comparable, confirmed figures first', () => {
    const c = cell({ metrics: { ttftMs: metric(150) } });
    const near = figure({ id: 'b-near' });
    const batched = figure({ id: 'a-batched', conditions: { batch: 'batched', batch_or_concurrency: 'max_num_seqs 8', batch_size: 8 } });
    const longPrompt = figure({ id: 'c-long', conditions: { prompt_tokens: 4096 } });
    const fp16 = figure({ id: 'd-fp16', quantization: 'BF16', conditions: { precision: '16-bit' } });
    const unverified = figure({ id: 'e-unv', audit: 'unverifiable' });
    const ms = matchCell(c, 'ttftMs', [batched, longPrompt, fp16, unverified, near]);
    expect(ms.map((m) => m.figure.id)).toEqual(['b-near', 'd-fp16', 'e-unv', 'a-batched', 'c-long']);
    const by = (id: string) => ms.find((m) => m.figure.id === id)!;
    expect(by('a-batched').mismatches).toEqual(['batch: reference max_num_seqs 8; local single stream (batch 1)']);
    expect(by('a-batched').comparable).toBe(false);
    expect(by('c-long').mismatches).toEqual(['prompt: reference 4096 tokens; local 128']);
    expect(by('d-fp16').mismatches).toEqual(['precision: reference 16-bit (BF16); local q4']);
    expect(by('d-fp16').comparable).toBe(true);
    expect(by('e-unv').decisive).toBe(false);
  });

  it('states a different model family of the same size', () => {
    const c = cell({ ...LLAMA_1B, metrics: { decodeTokensPerS: metric(40, 38, 42, 'tokens/s') } });
    const qwen = figure({
      metric: 'decode_tokens_per_s',
      value: 50,
      model: 'Qwen2.5-1.5B-Instruct',
      model_family: 'qwen2.5',
      model_params_b: 1.5,
    });
    const [m] = matchCell(c, 'decodeTokensPerS', [qwen]);
    expect(m!.mismatches).toContain('model: reference Qwen2.5-1.5B-Instruct; local llama-3.2-1b (same size class)');
    expect(m!.ratio.value).toBeCloseTo(0.8);
  });

  it('skips failed cells and cells of unknown size; matches real figures for an 8B cell', () => {
    const refs = loadReferences();
    const cells = [
      cell({ metrics: { ttftMs: metric(900), decodeTokensPerS: metric(8, 7.9, 8.1, 'tokens/s') } }),
      cell({ status: 'errored', metrics: {} }),
      cell({ model: 'my-custom-model', params: null, metrics: { ttftMs: metric(5) } }),
    ];
    const all = matchAll(cells, refs.figures);
    expect(new Set(all.map((m) => m.cell.id))).toEqual(new Set([cells[0]!.id]));
    const ttft = all.find((m) => m.metric === 'ttftMs')!;
    expect(ttft.matches[0]!.figure.id).toMatch(/ttft-short$/);
    expect(ttft.matches[0]!.comparable).toBe(true);
    // the 1024-token-prompt TTFTs (corrected in the audit) are never listed as comparable with a 128-token prompt
    const corrected = ttft.matches.filter((m) => m.figure.audit === 'corrected');
    expect(corrected.length).toBeGreaterThan(0);
    expect(corrected.every((m) => !m.comparable && m.mismatches.some((x) => x.startsWith('prompt: reference 1024')))).toBe(true);
  });
});
