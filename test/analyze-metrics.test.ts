/** Per-metric edge cases and the warnings that need purpose-built traces (drift, outliers, …). */
import { describe, expect, it } from 'vitest';
import { analyzeCell } from '../src/analyze/analyze-cell.ts';
import { decodeTokensPerS } from '../src/analyze/metrics/decode-tokens-per-s.ts';
import { e2eMs } from '../src/analyze/metrics/e2e-ms.ts';
import { itlMs } from '../src/analyze/metrics/itl-ms.ts';
import { prefillTokensPerS } from '../src/analyze/metrics/prefill-tokens-per-s.ts';
import { rooflineFraction } from '../src/analyze/metrics/roofline-fraction.ts';
import { tpotMs } from '../src/analyze/metrics/tpot-ms.ts';
import { ttftMs } from '../src/analyze/metrics/ttft-ms.ts';
import { runWarnings } from '../src/analyze/warnings.ts';
import { coldStart } from '../src/analyze/cold-start.ts';
import { SCHEMA_VERSION, type CellResult, type RequestTrace } from '../src/results/schema.ts';

function trace(tokenTimesMs: number[], extra: Partial<RequestTrace> = {}): RequestTrace {
  return { index: 0, phase: 'measured', promptTokens: 8, depth: 0, tokenTimesMs, startedAt: '2026-01-01T00:00:00Z', offsetMs: 0, ...extra };
}

function cellWith(requests: RequestTrace[], genTokens: number, patch: Partial<CellResult> = {}): CellResult {
  return {
    schemaVersion: SCHEMA_VERSION,
    index: 0,
    key: {
      model: 'm',
      dtype: 'q4',
      runner: 'fake',
      ep: 'cpu',
      threads: 1,
      shape: { name: `pp8+tg${genTokens}`, promptTokens: 8, genTokens, depth: 0 },
    },
    status: 'ok',
    boundary: 'engine',
    resolved: null,
    model: null,
    loadMs: 100,
    requests,
    peakRssBytes: null,
    rssAfterLoadBytes: null,
    memoryBandwidthBytesPerS: null,
    startedAt: '2026-01-01T00:00:00Z',
    endedAt: '2026-01-01T00:00:10Z',
    ...patch,
  };
}

const codes = (c: { warnings: { code: string }[] }) => c.warnings.map((w) => w.code);

describe('per-request metric functions', () => {
  it('N = 0 and N = 1: everything that needs two tokens is null, never 0', () => {
    const none = trace([]);
    expect([ttftMs(none), e2eMs(none), tpotMs(none), decodeTokensPerS(none)]).toEqual([null, null, null, null]);
    const one = trace([7]);
    expect([ttftMs(one), e2eMs(one), tpotMs(one), decodeTokensPerS(one)]).toEqual([7, 7, null, null]);
    expect(itlMs(one)).toEqual([]);
  });
  it('N = 2: tpot = e2e − ttft; decode = 1/(t_2 − t_1)', () => {
    const t = trace([10, 14]);
    expect(tpotMs(t)).toBe(4);
    expect(decodeTokensPerS(t)).toBe(250); // 1 token / 0.004 s
    expect(itlMs(t)).toEqual([4]);
  });
  it('a zero-length interval (clock resolution) gives null, not Infinity', () => {
    expect(decodeTokensPerS(trace([5, 5, 5]))).toBeNull();
    expect(prefillTokensPerS(trace([0, 1]), { key: cellWith([], 2).key })).toBeNull();
  });
  it('prefill needs a prompt; roofline needs bandwidth and bytes per token', () => {
    const c = cellWith([], 4);
    expect(prefillTokensPerS(trace([20, 30]), c)).toBe(400); // 8 tokens / 0.020 s
    const tgOnly = { key: { ...c.key, shape: { ...c.key.shape, promptTokens: 0 } } };
    expect(prefillTokensPerS(trace([20, 30], { promptTokens: 1 }), tgOnly)).toBeNull();
    const t = trace([10, 20, 30]); // decode 2/0.020 s = 100 tok/s
    expect(rooflineFraction(t, { memoryBandwidthBytesPerS: null, model: null })).toBeNull();
    const model = {
      id: 'm',
      path: null,
      file: null,
      bytes: null,
      params: null,
      bytesPerToken: 1e8,
      sha256: null,
      synthetic: true,
      weights: 'synthetic' as const,
    };
    expect(rooflineFraction(t, { memoryBandwidthBytesPerS: 4e10, model })).toBeCloseTo(0.25, 12); // 100 / (4e10/1e8 = 400)
    expect(rooflineFraction(t, { memoryBandwidthBytesPerS: 4e10, model: { ...model, bytesPerToken: null } })).toBeNull();
  });
  it('cold start falls back to the first request when none is marked cold', () => {
    const reqs = [trace([12], { index: 0 }), trace([10], { index: 1 }), trace([8], { index: 2 })];
    expect(coldStart({ loadMs: null, requests: reqs })).toEqual({
      loadMs: null,
      firstRunTtftMs: 12,
      warmMedianTtftMs: 10,
      firstRunOverheadMs: 2,
    });
    expect(coldStart({ loadMs: 5, requests: [] })).toEqual({
      loadMs: 5,
      firstRunTtftMs: null,
      warmMedianTtftMs: null,
      firstRunOverheadMs: null,
    });
  });
});

describe('warnings from purpose-built traces', () => {
  // 10 requests of 5 tokens (ttft 10 ms), one every second
  const steady = (tpot: (i: number) => number) =>
    Array.from({ length: 10 }, (_, i) =>
      trace(
        [0, 1, 2, 3, 4].map((k) => 10 + k * tpot(i)),
        { index: i, offsetMs: i * 1000 },
      ),
    );

  it('thermal drift: TPOT rising 2 % per request (≈ 18 % over the run) is flagged', () => {
    const s = analyzeCell(
      cellWith(
        steady((i) => 10 * (1 + 0.02 * i)),
        5,
      ),
      { seed: 1, resamples: 200 },
    );
    const w = s.warnings.find((x) => x.code === 'THERMAL_DRIFT');
    expect(w?.metrics).toEqual(['tpotMs']);
    expect(w?.message).toMatch(/tpotMs rose 1\d\.\d %/);
  });
  it('no drift for a flat series, a falling one, or a tiny significant rise (< 5 %)', () => {
    const jitter = [0, 0.1, -0.1, 0.05, -0.05, 0.1, 0, -0.1, 0.05, 0];
    for (const tpot of [(i: number) => 10 + jitter[i]!, (i: number) => 12 - 0.2 * i, (i: number) => 10 + 0.01 * i]) {
      expect(codes(analyzeCell(cellWith(steady(tpot), 5), { seed: 1, resamples: 200 }))).not.toContain('THERMAL_DRIFT');
    }
  });
  it('outliers and a quiet cell', () => {
    const quiet = steady(() => 10);
    expect(codes(analyzeCell(cellWith(quiet, 5), { seed: 1, resamples: 200 }))).toEqual(['FEW_SAMPLES_P99']);
    const spiky = steady((i) => (i === 6 ? 30 : 10));
    const s = analyzeCell(cellWith(spiky, 5), { seed: 1, resamples: 200 });
    expect(codes(s)).toContain('OUTLIERS');
    expect(s.metrics.tpotMs!.outliers).toEqual([6]);
  });
  it('requests that stop early break the fixed output length', () => {
    const reqs = [trace([1, 2, 3, 4], { index: 0 }), trace([1, 2], { index: 1 })];
    const w = analyzeCell(cellWith(reqs, 4), { seed: 1, resamples: 50 }).warnings.find((x) => x.code === 'TOKEN_COUNT_MISMATCH');
    expect(w?.message).toContain('1 of 2');
  });
  it('an ok cell without measured requests', () => {
    const s = analyzeCell(cellWith([trace([5], { phase: 'cold' })], 4), { seed: 1 });
    expect(codes(s)).toEqual(['NO_MEASURED_REQUESTS']);
    expect(s.metrics.ttftMs).toBeNull();
    expect(s.coldStart.firstRunTtftMs).toBe(5);
  });
  it('run level: battery and an unfinished run', () => {
    const environment = { power: { source: 'battery' as const, batteryPercent: null } } as Parameters<typeof runWarnings>[0]['environment'];
    const w = runWarnings({ status: 'interrupted', environment }, 3);
    expect(w.map((x) => x.code)).toEqual(['ON_BATTERY', 'RUN_INCOMPLETE']);
    expect(w[1]!.fix).toContain('--resume');
  });
});
