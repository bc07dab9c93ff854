/**
 * Golden pipeline test: the hand-written run folder in fixtures/results/golden, analysed, with
 * every metric checked against values computed by hand from its traces.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeRun } from '../src/analyze/analyze-run.ts';
import { readSummary } from '../src/results/io.ts';
import { SCHEMA_VERSION, type CellSummary, type RunSummary } from '../src/results/schema.ts';

const GOLDEN = join(import.meta.dirname, 'fixtures/results/golden');
const NOW = new Date('2026-11-23T09:00:00.000Z');
let tmp: string;
let dir: string;
let summary: RunSummary;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'edgebench-golden-'));
  dir = join(tmp, 'run');
  await cp(GOLDEN, dir, { recursive: true });
  summary = await analyzeRun(dir, { now: NOW });
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const cell = (i: number): CellSummary => summary.cells.find((c) => c.index === i)!;
const codes = (c: CellSummary) => c.warnings.map((w) => w.code);

describe('golden run: cell 0 (pp4+tg4, 3 measured requests)', () => {
  // measured traces (ms since t_submit):  #2 [10,20,30,40]  #3 [20,26,32,38]  #4 [16,28,40,52]
  it('counts phases; cold and warmup are excluded from the metrics', () => {
    expect(cell(0).requests).toEqual({ cold: 1, warmup: 1, measured: 3 });
  });

  it('ttftMs = t_1: [10, 20, 16]; median 16, mean 46/3, sd √(76/3)', () => {
    const m = cell(0).metrics.ttftMs!;
    expect(m.samples).toEqual([10, 20, 16]);
    expect(m.requestIndices).toEqual([2, 3, 4]);
    expect(m).toMatchObject({ n: 3, median: 16, min: 10, max: 20, unit: 'ms', boundary: 'engine', p90: null, p99: null });
    expect(m.mean).toBeCloseTo(46 / 3, 12);
    expect(m.sd).toBeCloseTo(Math.sqrt(76 / 3), 12); // Σ(x − 46/3)² = 152/3, ÷ (n − 1)
    expect(m.cv).toBeCloseTo(Math.sqrt(76 / 3) / (46 / 3), 12);
    expect(m.mad).toBe(4); // |10−16|, |20−16|, |16−16| = 6, 4, 0 → 4
    expect(m.outliers).toEqual([]);
    expect(m.ci95).toMatchObject({ method: 'bootstrap-percentile', seed: 42, resamples: 10_000 });
    expect(m.ci95.lo).toBeLessThanOrEqual(16);
    expect(m.ci95.hi).toBeGreaterThanOrEqual(16);
  });

  it('e2eMs = t_N: [40, 38, 52]; median 40, sd √(172/3)', () => {
    const m = cell(0).metrics.e2eMs!;
    expect(m.samples).toEqual([40, 38, 52]);
    expect(m.median).toBe(40);
    expect(m.sd).toBeCloseTo(Math.sqrt(172 / 3), 12); // (100 + 256 + 676)/9 ÷ 2
    // |x − 40| = 0, 2, 12 → MAD 2; z(52) = 0.6745·12/2 = 4.05 > 3.5 → outlier (sample index 2)
    expect(m.mad).toBe(2);
    expect(m.outliers).toEqual([2]);
  });

  it('tpotMs = (e2e − ttft)/(N − 1): 30/3, 18/3, 36/3 = [10, 6, 12]', () => {
    const m = cell(0).metrics.tpotMs!;
    expect(m.samples).toEqual([10, 6, 12]);
    expect(m.median).toBe(10);
    expect(m.sd).toBeCloseTo(Math.sqrt(28 / 3), 12);
  });

  it('decodeTokensPerS = (N − 1)/(t_N − t_1): 3/0.030, 3/0.018, 3/0.036 s', () => {
    const m = cell(0).metrics.decodeTokensPerS!;
    expect(m.samples[0]).toBeCloseTo(100, 10);
    expect(m.samples[1]).toBeCloseTo(500 / 3, 10);
    expect(m.samples[2]).toBeCloseTo(250 / 3, 10);
    expect(m.median).toBeCloseTo(100, 10);
    expect(m.unit).toBe('tokens/s');
  });

  it('prefillTokensPerS = prompt tokens / ttft: 4/0.010, 4/0.020, 4/0.016 s, labelled', () => {
    const m = cell(0).metrics.prefillTokensPerS!;
    expect(m.samples.map((x) => Math.round(x * 1e9) / 1e9)).toEqual([400, 200, 250]);
    expect(m.median).toBeCloseTo(250, 9);
    expect(m.note).toBe('includes one decode step');
  });

  it('itlMs pools the raw gaps of every measured request', () => {
    const m = cell(0).metrics.itlMs!;
    expect(m.samples).toEqual([10, 10, 10, 6, 6, 6, 12, 12, 12]);
    expect(m.requestIndices).toBeUndefined();
    expect(m).toMatchObject({ n: 9, median: 10, mad: 2, min: 6, max: 12 }); // |x − 10| sorted 0,0,0,2,2,2,4,4,4
    expect(m.mean).toBeCloseTo(84 / 9, 12);
  });

  it('itlMs CI resamples whole requests (cluster bootstrap): [6, 12]', () => {
    // each request's gaps are constant (10, 6, 12), so a resample of 3 requests pools 9 gaps whose 5th is the
    // middle drawn request value: P(6) = P(12) = 3·(1/3)²·(2/3) + (1/3)³ = 7/27 > 2.5 %, P(10) = 13/27 → CI [6, 12]
    // (before the cluster bootstrap the 9 gaps were resampled one by one, which treats them as independent)
    expect(cell(0).metrics.itlMs!.ci95).toEqual({ lo: 6, hi: 12, method: 'cluster-bootstrap-percentile', resamples: 10_000, seed: 42 });
  });

  it('rooflineFraction = decode tok/s ÷ (20 GB/s ÷ 100 MB/token = 200 tok/s)', () => {
    const m = cell(0).metrics.rooflineFraction!;
    expect(m.samples[0]).toBeCloseTo(0.5, 12);
    expect(m.samples[1]).toBeCloseTo(500 / 3 / 200, 12);
    expect(m.samples[2]).toBeCloseTo(250 / 3 / 200, 12);
    expect(m.median).toBeCloseTo(0.5, 12);
    expect(m.unit).toBe('fraction');
  });

  it('cold start: load 250 ms; first-run TTFT 50 ms − warm median 16 ms = 34 ms overhead', () => {
    expect(cell(0).coldStart).toEqual({ loadMs: 250, firstRunTtftMs: 50, warmMedianTtftMs: 16, firstRunOverheadMs: 34 });
  });

  it('memory copied through', () => {
    expect(cell(0).memory).toEqual({ peakRssBytes: 3e8, rssAfterLoadBytes: 2.5e8, modelBytes: 1.2e8, memoryBandwidthBytesPerS: 2e10 });
  });

  it('warns about noise (CV > 5 %) on all headline metrics and the e2e outlier; notes the missing p99', () => {
    expect(codes(cell(0))).toEqual(['NOISY', 'OUTLIERS', 'FEW_SAMPLES_P99']);
    const noisy = cell(0).warnings[0]!;
    expect(noisy.metrics).toEqual(['ttftMs', 'e2eMs', 'tpotMs', 'decodeTokensPerS']);
    expect(noisy.message).toContain('32.8 % for ttftMs'); // √(76/3)/(46/3) = 0.3283
    expect(noisy.fix).toMatch(/preset/);
    expect(cell(0).warnings[1]).toMatchObject({ metrics: ['e2eMs'], message: expect.stringContaining('1 of 3 e2eMs') });
    expect(cell(0).warnings[2]!.severity).toBe('info');
  });
});

describe('golden run: cell 1 (tg1 on a silent fallback)', () => {
  // measured e2e = ttft = [9, 5, 5, 5, 6] ms at offsets 0, 10, 20, 30, 40
  it('TTFT/e2e only; TPOT, decode, ITL and roofline are n/a (null, never 0); no prefill for tg-only', () => {
    const c = cell(1);
    expect(c.metrics.ttftMs).toMatchObject({ samples: [9, 5, 5, 5, 6], median: 5, mean: 6, boundary: 'runtime-api' });
    expect(c.metrics.ttftMs!.sd).toBeCloseTo(Math.sqrt(3), 12); // Σ(x − 6)² = 9 + 1 + 1 + 1 + 0 = 12, ÷ 4 = 3
    for (const m of ['tpotMs', 'decodeTokensPerS', 'prefillTokensPerS', 'itlMs', 'rooflineFraction'] as const) {
      expect(c.metrics[m], m).toBeNull();
    }
  });

  it('modified z of the 9 is 4/(1.253314·1) = 3.19 (MAD = 0 → mean-AD fallback): not an outlier', () => {
    expect(cell(1).metrics.ttftMs!.outliers).toEqual([]);
  });

  it('cold start without a load time', () => {
    expect(cell(1).coldStart).toEqual({ loadMs: null, firstRunTtftMs: 30, warmMedianTtftMs: 5, firstRunOverheadMs: 25 });
  });

  it('warns: fallback, noise, slow first run (9 > 1.5 × 5); notes TPOT n/a and p99', () => {
    expect(codes(cell(1))).toEqual(['FALLBACK', 'NOISY', 'SLOW_FIRST_RUN', 'TPOT_NA', 'FEW_SAMPLES_P99']);
    const w = cell(1).warnings;
    expect(w[0]!.message).toContain('"webgpu"');
    expect(w[0]!.message).toContain('"cpu"');
    expect(w[2]!.message).toContain('1.8×');
  });
});

describe('golden run: errored and unsupported cells', () => {
  it('keep their error, have no metrics and no warnings', () => {
    for (const i of [2, 3]) {
      const c = cell(i);
      expect(Object.values(c.metrics).every((m) => m === null)).toBe(true);
      expect(c.warnings).toEqual([]);
      expect(c.requests).toEqual({ cold: 0, warmup: 0, measured: 0 });
    }
    expect(cell(2)).toMatchObject({ status: 'errored', error: { code: 'OUT_OF_MEMORY' } });
    expect(cell(3)).toMatchObject({ status: 'unsupported', error: { code: 'DEVICE_UNAVAILABLE' } });
  });
});

describe('golden run: the whole summary', () => {
  it('warns about battery power at run level and records seed and time', () => {
    expect(summary.warnings.map((w) => w.code)).toEqual(['ON_BATTERY']);
    expect(summary.warnings[0]!.message).toContain('80 %');
    expect(summary).toMatchObject({ runId: 'golden-2026-11-23', seed: 42, generatedAt: NOW.toISOString(), schemaVersion: SCHEMA_VERSION });
  });

  it('summary.json is written, valid, and identical when recomputed with the same seed', async () => {
    const first = await readFile(join(dir, 'summary.json'), 'utf8');
    expect(await readSummary(dir)).toEqual(summary);
    const again = await analyzeRun(dir, { now: NOW });
    expect(again).toEqual(summary);
    expect(await readFile(join(dir, 'summary.json'), 'utf8')).toBe(first);
  });

  it('a different seed is used and recorded', async () => {
    const other = await analyzeRun(dir, { now: NOW, seed: 7 });
    expect(other.seed).toBe(7);
    expect(other.cells[0]!.metrics.itlMs!.ci95.seed).toBe(7);
    await analyzeRun(dir, { now: NOW }); // restore
  });
});
