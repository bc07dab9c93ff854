/**
 * Side-by-side ratios between runners: known synthetic samples give known ratios and CIs,
 * overlapping samples give 'inconclusive', mismatched conditions are flagged, and the summary
 * (with sideBySide) validates against the results schema.
 */
import { describe, expect, it } from 'vitest';
import { ratioOfMedians, runnerWarnings, sideBySide, mismatches } from '../src/analyze/side-by-side.ts';
import { formatSideBySide } from '../src/analyze/side-by-side-table.ts';
import { analyzeCell } from '../src/analyze/analyze-cell.ts';
import { CellResult, RunSummary, SCHEMA_VERSION, type CellSummary, type ResolvedRunner } from '../src/results/schema.ts';
import { parseShape } from '../src/config/shapes.ts';

const OPTS = { seed: 7, resamples: 2000 };

/** A cell whose requests decode 16 tokens at `decodeMs` per token (jittered by ±spread), TTFT `ttftMs`. */
function cell(
  index: number,
  runner: string,
  ep: string,
  decodeMs: number,
  o: { spread?: number; ttftMs?: number; threads?: number; dtype?: string; settings?: ResolvedRunner['settings']; fallback?: boolean } = {},
): CellSummary {
  const shape = parseShape('tg16');
  const requests = Array.from({ length: 12 }, (_, r) => {
    const jitter = 1 + (o.spread ?? 0) * Math.sin(r * 2.3 + index);
    const ttft = (o.ttftMs ?? 5) * jitter;
    return {
      index: r,
      phase: 'measured' as const,
      promptTokens: 1,
      depth: 0,
      startedAt: '2026-01-01T00:00:00Z',
      offsetMs: r * 100,
      tokenTimesMs: Array.from({ length: 16 }, (_, i) => ttft + i * decodeMs * jitter),
    };
  });
  const result = CellResult.parse({
    schemaVersion: SCHEMA_VERSION,
    index,
    status: 'ok',
    boundary: 'runtime-api',
    key: { model: 'm', dtype: 'q4', runner, ep, threads: o.threads ?? 2, shape },
    resolved: {
      runner,
      executionProvider: ep,
      dtype: o.dtype ?? 'q4',
      threads: o.threads ?? 2,
      settings: o.settings ?? {},
      fallback: o.fallback ?? false,
      versions: {},
    },
    model: null,
    loadMs: 1,
    requests,
    peakRssBytes: null,
    rssAfterLoadBytes: null,
    memoryBandwidthBytesPerS: null,
    startedAt: '2026-01-01T00:00:00Z',
    endedAt: '2026-01-01T00:00:01Z',
  });
  return analyzeCell(result, OPTS);
}

describe('ratioOfMedians', () => {
  it('constant samples give the exact ratio with a zero-width CI', () => {
    const r = ratioOfMedians([10, 10, 10, 10], [5, 5, 5], { ...OPTS, higherIsBetter: true, unit: 'ratio', medianA: 10, medianB: 5 });
    expect(r.ratio).toBe(2);
    expect(r.ci95).toEqual({ lo: 2, hi: 2 });
    expect(r.verdict).toBe('a-better');
    expect(r.nA).toBe(4);
    expect(r.nB).toBe(3);
  });

  it('separated samples: CI brackets the true ratio and excludes 1; lower-is-better flips the verdict', () => {
    const a = Array.from({ length: 21 }, (_, i) => 100 + (i - 10) * 0.2); // median 100
    const b = Array.from({ length: 21 }, (_, i) => 50 + (i - 10) * 0.1); // median 50
    const r = ratioOfMedians(a, b, { ...OPTS, higherIsBetter: false, unit: 'ratio', medianA: 100, medianB: 50 });
    expect(r.ratio).toBe(2);
    expect(r.ci95.lo).toBeGreaterThan(1.9);
    expect(r.ci95.hi).toBeLessThan(2.1);
    expect(r.ci95.lo).toBeLessThanOrEqual(2);
    expect(r.ci95.hi).toBeGreaterThanOrEqual(2);
    expect(r.verdict).toBe('b-better');
  });

  it('overlapping samples are inconclusive', () => {
    const a = [9, 10, 11, 12, 8, 10, 11];
    const b = [10, 9, 12, 11, 8, 10, 10];
    const r = ratioOfMedians(a, b, { ...OPTS, higherIsBetter: true, unit: 'ratio', medianA: 10, medianB: 10 });
    expect(r.ci95.lo).toBeLessThan(1);
    expect(r.ci95.hi).toBeGreaterThan(1);
    expect(r.verdict).toBe('inconclusive');
  });

  it('is reproducible for a seed', () => {
    const a = [3, 4, 5, 6, 7];
    const b = [1, 2, 3, 2, 1];
    const x = ratioOfMedians(a, b, { ...OPTS, higherIsBetter: true, unit: 'ratio', medianA: 5, medianB: 2 });
    const y = ratioOfMedians(a, b, { ...OPTS, higherIsBetter: true, unit: 'ratio', medianA: 5, medianB: 2 });
    expect(x).toEqual(y);
  });
});

describe('sideBySide', () => {
  it('is null for a single runner', () => {
    expect(sideBySide([cell(0, 'ort-node', 'cpu', 10), cell(1, 'ort-node', 'cpu', 11, { threads: 1 })], OPTS)).toBeNull();
  });

  it('ratios A÷B per metric with A = the first runner, on like-for-like cells', () => {
    const cells = [cell(0, 'ort-node', 'cpu', 10, { spread: 0.01 }), cell(1, 'transformers-js', 'cpu', 20, { spread: 0.01, ttftMs: 10 })];
    const s = sideBySide(cells, OPTS)!;
    expect(s.comparisons).toHaveLength(1);
    const c = s.comparisons[0]!;
    expect(c.a.runner).toBe('ort-node');
    expect(c.b.runner).toBe('transformers-js');
    expect(c.mismatches).toEqual([]);
    const decode = c.metrics.decodeTokensPerS!;
    expect(decode.ratio).toBeCloseTo(2, 1); // 100 t/s vs 50 t/s
    expect(decode.verdict).toBe('a-better');
    expect(decode.ci95.lo).toBeGreaterThan(1.8);
    expect(c.metrics.ttftMs!.ratio).toBeCloseTo(0.5, 1);
    expect(c.metrics.ttftMs!.verdict).toBe('a-better');
    expect(formatSideBySide(s)).toMatch(/ort-node\/cpu q4 t2 \| transformers-js\/cpu q4 t2 \| 2\.0\d× \[/);
  });

  it('pairs the closest conditions and flags dtype, threads, EP, software adapter and fallback', () => {
    const cells = [
      cell(0, 'ort-node', 'cpu', 10, { threads: 1 }),
      cell(1, 'ort-node', 'cpu', 6, { threads: 2 }),
      cell(2, 'ort-web', 'cpu', 30, { threads: 2, dtype: 'fp16' }),
      cell(3, 'ort-node', 'webgpu', 8, {
        settings: { softwareAdapter: true, adapterDescription: 'SwiftShader driver 5.0.0' },
        fallback: true,
      }),
    ];
    const s = sideBySide(cells, OPTS)!;
    const web = s.comparisons.filter((c) => c.b.runner === 'ort-web');
    expect(web.map((c) => c.a.threads)).toEqual([1, 2]);
    expect(web[1]!.mismatches).toEqual(['dtype q4 vs fp16']);
    expect(web[0]!.mismatches).toEqual(['dtype q4 vs fp16', 'threads 1 vs 2']);
    const gpu = s.comparisons.find((c) => c.b.ep === 'webgpu' && c.a.threads === 2)!;
    expect(gpu.mismatches).toEqual(['ep cpu vs webgpu', 'software GPU adapter on B (a CPU emulating the GPU)', 'silent fallback on B']);
    expect(mismatches(cells[1]!, cells[1]!)).toEqual([]);
  });

  it('warns about software adapters and q4 on wasm (fallback is already a cell warning)', () => {
    const cells = [
      cell(0, 'ort-node', 'webgpu', 8, {
        settings: {
          softwareAdapter: true,
          adapterDescription: 'SwiftShader driver 5.0.0',
          fallbackWarning: 'asked for webgpu but only 3 %',
        },
        fallback: true,
      }),
      cell(1, 'ort-web', 'cpu', 80, { settings: { wasmQ4Warning: '15 MatMulNBits nodes: slow' } }),
    ];
    const codes = runnerWarnings(cells).map((w) => w.code);
    expect(codes).toEqual(['SOFTWARE_GPU_ADAPTER', 'WASM_Q4_SLOW']);
    expect(cells[0]!.warnings.map((w) => w.code)).toContain('FALLBACK');
    expect(runnerWarnings(cells)[1]!.message).toMatch(/12\.5\d* decode tok\/s/);
    expect(runnerWarnings([cell(0, 'ort-node', 'cpu', 10)])).toEqual([]);
  });

  it('a summary with sideBySide validates against the results schema', () => {
    const cells = [cell(0, 'ort-node', 'cpu', 10), cell(1, 'ort-web', 'cpu', 20)];
    const summary = {
      schemaVersion: SCHEMA_VERSION,
      runId: 'r',
      generatedAt: 'now',
      edgebenchVersion: '0',
      seed: 7,
      warnings: runnerWarnings(cells),
      cells,
      sideBySide: sideBySide(cells, OPTS)!,
    };
    expect(RunSummary.safeParse(summary).success).toBe(true);
  });
});
