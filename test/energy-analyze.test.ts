/**
 * Energy analysis on synthetic traces with hand-computed answers: per-phase windows, gross and net
 * of the idle baseline, per-request vs widened vs unresolved, the smear of coarse samples, gaps,
 * interval-average power, warnings, and the results/summary schemas.
 */
import { describe, expect, it } from 'vitest';
import { analyzeCell } from '../src/analyze/analyze-cell.ts';
import { energyComparability } from '../src/analyze/energy.ts';
import { formatEnergyTable } from '../src/analyze/energy-table.ts';
import { meanWatts, toSegments, windowEnergy } from '../src/analyze/energy-windows.ts';
import type { CellEnergy, EnergyTrace } from '../src/results/energy-schema.ts';
import { CellResult, CellSummary, SCHEMA_VERSION, type RequestTrace, type RunSummary } from '../src/results/schema.ts';

/** package power by time: 30 W in prefill, 20 W in decode, 5 W between requests; DRAM 1 W throughout. */
const SUBMITS = [1000, 1400, 1800, 2200, 2600];
function packageW(t: number): number {
  for (const s of SUBMITS) {
    if (t >= s && t < s + 100) return 30;
    if (t >= s + 100 && t < s + 300) return 20;
  }
  return 5;
}

/** cumulative joules sampled every `step` ms from `t0`, integrated at 1 ms */
function counterTrace(t0: number, t1: number, step: number, pkg = packageW): EnergyTrace {
  const samples = [];
  let e = 0;
  let d = 0;
  for (let t = t0, k = 0; t <= t1; t++, k++) {
    if (k % step === 0) samples.push({ tMs: t, values: [e, d] });
    e += pkg(t) / 1000;
    d += 1 / 1000;
  }
  return { kind: 'counter', domains: ['package-0', 'dram-0'], samples };
}

function request(index: number, submit: number): RequestTrace {
  const tokenTimesMs = Array.from({ length: 11 }, (_, i) => 100 + i * 20); // t_1 = 100 ms, t_11 = 300 ms
  return {
    index,
    phase: 'measured',
    promptTokens: 16,
    depth: 0,
    tokenTimesMs,
    startedAt: '2026-11-20T14:00:00Z',
    offsetMs: submit - 1000,
    submitClockMs: submit,
  };
}

function energy(trace: EnergyTrace | null, extra: Partial<CellEnergy> = {}): CellEnergy {
  return {
    status: 'ok',
    source: 'rapl',
    method: 'measured',
    headlineDomains: ['package-0', 'dram-0'],
    sampleIntervalMs: 10,
    resolutionFloorMs: 0,
    sourceClass: 'fine',
    assumptions: ['test'],
    detail: {},
    trace,
    baseline: { startMs: -3000, endMs: -1000, trace: counterTrace(-3000, -1000, 10, () => 5) },
    conditions: { start: null, end: null },
    clockAnchor: { wallMs: 0, clockMs: 0 },
    ...extra,
  };
}

function cell(e: CellEnergy): CellResult {
  return CellResult.parse({
    schemaVersion: SCHEMA_VERSION,
    index: 0,
    status: 'ok',
    boundary: 'engine',
    resolved: null,
    model: null,
    loadMs: 1,
    key: {
      model: 'm',
      dtype: 'q4',
      runner: 'fake',
      ep: 'cpu',
      threads: 1,
      shape: { name: 'pp16+tg11', promptTokens: 16, genTokens: 11, depth: 0 },
    },
    requests: SUBMITS.map((s, i) => request(i + 2, s)),
    peakRssBytes: null,
    rssAfterLoadBytes: null,
    memoryBandwidthBytesPerS: null,
    startedAt: '2026-11-20T14:00:00Z',
    endedAt: '2026-11-20T14:00:05Z',
    energy: e,
  });
}

const analyze = (e: CellEnergy) => CellSummary.parse(analyzeCell(cell(e), { seed: 1, resamples: 200 }));

describe('energy analysis', () => {
  it('integrates windows over counter segments and gets the idle baseline', () => {
    const tr = counterTrace(900, 3100, 10);
    const { segments } = toSegments(tr);
    expect(windowEnergy(segments, 2, 1000, 1100).joules[0]).toBeCloseTo(3, 9);
    expect(windowEnergy(segments, 2, 1000, 1100).coveredMs).toBeCloseTo(100, 9);
    const base = meanWatts(counterTrace(-3000, -1000, 10, () => 5))!;
    expect(base.watts[0]).toBeCloseTo(5, 9);
    expect(base.watts[1]).toBeCloseTo(1, 9);
  });

  it('reports per-request prefill and decode J/token, gross and net, when windows span ≥ 10 samples', () => {
    const s = analyze(energy(counterTrace(900, 3100, 10)));
    const e = s.energy!;
    expect(e.baselineW).toBeCloseTo(6, 9);
    expect(e.resolutionMs).toBeCloseTo(10, 9);
    expect(e.uncertainty).toBe('fine');
    const pf = e.prefill!;
    expect(pf.aggregation).toBe('per-request');
    expect(pf.grossJ).toBeCloseTo(5 * 31 * 0.1, 6); // (30 + 1) W × 100 ms × 5
    expect(pf.netJ).toBeCloseTo(15.5 - 6 * 0.5, 6);
    expect(pf.tokens).toBe(80);
    expect(pf.joulesPerTokenNet).toBeCloseTo(12.5 / 80, 6);
    expect(pf.avgGrossW).toBeCloseTo(31, 6);
    expect(pf.note).toMatch(/includes one decode step/);
    const dc = e.decode!;
    expect(dc.grossJ).toBeCloseTo(5 * 21 * 0.2, 6);
    expect(dc.tokens).toBe(50);
    expect(dc.joulesPerTokenGross).toBeCloseTo(21 / 50, 6);
    expect(dc.joulesPerTokenNet).toBeCloseTo(15 / 50, 6);
    expect(dc.tokensPerJouleNet).toBeCloseTo(50 / 15, 6);
    expect(dc.byDomainGrossJ).toEqual({ 'package-0': expect.closeTo(20, 6), 'dram-0': expect.closeTo(1, 6) });
    expect(dc.perRequest?.basis).toBe('net');
    expect(dc.perRequest?.summary.median).toBeCloseTo(0.3, 6);
    expect(s.warnings.map((w) => w.code)).toEqual(expect.not.arrayContaining(['ENERGY_WIDENED', 'ENERGY_UNRESOLVED']));
  });

  it('pools short windows (widened, coarse) and refuses a figure below 10 × the resolution', () => {
    // 100 ms samples, offset by 50 ms from the phase edges: each sample step mixes phases
    const s = analyze(energy(counterTrace(850, 3150, 100)));
    const e = s.energy!;
    expect(e.prefill!.uncertainty).toBe('unresolved'); // 5 × 100 ms < 10 × 100 ms
    expect(e.prefill!.grossJ).toBeNull();
    expect(e.prefill!.note).toMatch(/no figure/);
    const dc = e.decode!;
    expect(dc.aggregation).toBe('widened');
    expect(dc.uncertainty).toBe('coarse');
    expect(dc.perRequest).toBeNull();
    // per window: ½ × (50 ms prefill @31 W + 50 ms decode @21 W) + 100 ms @21 W + ½ × (50 ms @21 W + 50 ms @6 W)
    expect(dc.grossJ).toBeCloseTo(5 * (1.3 + 2.1 + 0.675), 6); // the smear: true value 21 J
    expect(s.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(['ENERGY_UNRESOLVED', 'ENERGY_WIDENED']));
  });

  it('leaves windows in a gap of an instant-power trace out, and says so', () => {
    const samples = [];
    for (let t = 900; t <= 3100; t += 10) if (t < 1750 || t > 2450) samples.push({ tMs: t, values: [packageW(t) + 1] });
    const e = analyze(
      energy(
        { kind: 'power', powerSemantics: 'instant', domains: ['meter'], samples },
        { source: 'meter-csv', headlineDomains: ['meter'], sourceClass: 'coarse', baseline: null },
      ),
    );
    expect(e.energy!.gaps).toBe(1);
    expect(e.energy!.decode!.windows).toBe(5);
    expect(e.energy!.decode!.windowsUsed).toBe(3); // the requests at 1800 and 2200 fell in the gap
    expect(e.energy!.decode!.netJ).toBeNull();
    expect(e.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(['ENERGY_GAPS', 'ENERGY_NO_BASELINE']));
  });

  it('integrates interval-average power (powermetrics) and marks estimates and lost sources', () => {
    const samples = [];
    for (let t = 920; t <= 3100; t += 20) samples.push({ tMs: t, intervalMs: 20, values: [packageW(t - 10), 1] });
    const s = analyze(
      energy(
        { kind: 'power', powerSemantics: 'interval-average', domains: ['cpu', 'gpu'], samples },
        {
          source: 'estimated-tdp',
          method: 'estimated',
          sourceClass: 'rough',
          headlineDomains: ['cpu', 'gpu'],
          baseline: null,
          status: 'lost',
          reason: 'gone',
          lostAtMs: 3100,
        },
      ),
    );
    const e = s.energy!;
    expect(e.decode!.grossJ).toBeCloseTo(21, 6);
    expect(e.uncertainty).toBe('rough');
    expect(s.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(['ENERGY_ESTIMATED', 'ENERGY_SOURCE_LOST']));
    const table = formatEnergyTable({ cells: [s] } as unknown as RunSummary)!;
    expect(table).toMatch(/decode +\| estimated-tdp \(est\.\) \| n\/a +\| ~0\.420/);
    expect(table).toMatch(/~ = ESTIMATED/);
  });

  it('says when two cells measured energy differently', () => {
    const a = analyze(energy(counterTrace(900, 3100, 10))).energy!;
    expect(energyComparability(a, a)).toBeNull();
    expect(energyComparability(a, { ...a, source: 'estimated-tdp', method: 'estimated', headlineDomains: ['cpu'] })).toMatch(
      /not directly comparable/,
    );
  });
});
