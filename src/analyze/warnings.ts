/**
 * Warnings about the quality of a measurement, each with a fix in words (after hyperfine's
 * warnings.rs). Thresholds are exported so reports can state them.
 */
import { sig3 } from '../format/numbers.ts';
import { linearSlope, minSamplesForPercentile } from '../stats/index.ts';
import type { CellResult, Environment, MetricName, MetricSummary, RequestTrace, RunManifest, Warning } from '../results/schema.ts';
import { e2eMs } from './metrics/e2e-ms.ts';
import { tpotMs } from './metrics/tpot-ms.ts';
import { promptCacheWarning } from './prompt-cache.ts';

export const NOISY_CV = 0.05;
export const SLOW_FIRST_RUN_FACTOR = 1.5;
export const DRIFT_MIN_CHANGE = 0.05;
export const DRIFT_MAX_P = 0.05;
export const DRIFT_MIN_REQUESTS = 5;
/** metrics whose noise and outliers are reported (the others derive from them) */
export const HEADLINE_METRICS: MetricName[] = ['ttftMs', 'e2eMs', 'tpotMs', 'decodeTokensPerS'];

type Metrics = Record<MetricName, MetricSummary | null>;
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

function noisy(metrics: Metrics): Warning | null {
  const hits = HEADLINE_METRICS.filter((m) => (metrics[m]?.cv ?? 0) > NOISY_CV);
  if (hits.length === 0) return null;
  const list = hits.map((m) => `${pct(metrics[m]!.cv!)} for ${m}`).join(', ');
  return {
    code: 'NOISY',
    severity: 'warn',
    message: `noisy measurements: CV ${list} (threshold ${pct(NOISY_CV)})`,
    fix: 'close other apps, plug in power, and use the ci or publish preset (or more repetitions) so the median settles',
    metrics: hits,
  };
}

function outliers(metrics: Metrics): Warning | null {
  const hits = HEADLINE_METRICS.filter((m) => (metrics[m]?.outliers.length ?? 0) > 0);
  if (hits.length === 0) return null;
  const list = hits.map((m) => `${metrics[m]!.outliers.length} of ${metrics[m]!.n} ${m}`).join(', ');
  return {
    code: 'OUTLIERS',
    severity: 'warn',
    message: `statistical outliers (|modified z| > 3.5): ${list}`,
    fix: 'rerun on a quiet machine (close other apps, pause indexing, backups and updates); if the outliers come first, add warmup',
    metrics: hits,
  };
}

function slowFirstRun(measured: RequestTrace[], metrics: Metrics): Warning | null {
  const first = measured[0] ? e2eMs(measured[0]) : null;
  const med = metrics.e2eMs?.median ?? null;
  if (first === null || med === null || med <= 0 || first <= SLOW_FIRST_RUN_FACTOR * med) return null;
  return {
    code: 'SLOW_FIRST_RUN',
    severity: 'warn',
    message: `the first measured request took ${(first / med).toFixed(1)}× the median (e2e ${sig3(first)} ms vs ${sig3(med)} ms)`,
    fix: 'increase warmup so caches, JIT compilation and allocators are primed before measuring',
    metrics: ['e2eMs'],
  };
}

function thermalDrift(measured: RequestTrace[]): Warning | null {
  // per-token decode time when defined, else whole-request time
  const useTpot = measured.every((r) => tpotMs(r) !== null);
  const metric: MetricName = useTpot ? 'tpotMs' : 'e2eMs';
  const pts = measured
    .map((r) => ({ x: r.offsetMs, y: useTpot ? tpotMs(r) : e2eMs(r) }))
    .filter((p): p is { x: number; y: number } => p.y !== null);
  if (pts.length < DRIFT_MIN_REQUESTS) return null;
  const fit = linearSlope(
    pts.map((p) => p.x),
    pts.map((p) => p.y),
  );
  if (!fit || fit.pPositive === null || fit.pPositive >= DRIFT_MAX_P) return null;
  const xs = pts.map((p) => p.x);
  const spanMs = Math.max(...xs) - Math.min(...xs);
  const ys = pts.map((p) => p.y).sort((a, b) => a - b);
  const mid = ys[Math.floor((ys.length - 1) / 2)]!;
  const change = mid > 0 ? (fit.slope * spanMs) / mid : 0;
  if (change <= DRIFT_MIN_CHANGE) return null;
  return {
    code: 'THERMAL_DRIFT',
    severity: 'warn',
    message: `${metric} rose ${pct(change)} over ${(spanMs / 1000).toFixed(1)} s of measuring (linear trend, one-sided p = ${fit.pPositive.toPrecision(2)}): likely thermal throttling or background load`,
    fix: 'let the device cool between cells (cooldown), plug in power, keep a laptop on a hard surface, or pin the CPU governor to performance',
    metrics: [metric],
  };
}

/** Warnings about one cell. `metrics` are the cell's summaries; `measured` its measured traces in order. */
export function cellWarnings(cell: CellResult, measured: RequestTrace[], metrics: Metrics): Warning[] {
  const out: Warning[] = [];
  if (cell.resolved?.fallback) {
    out.push({
      code: 'FALLBACK',
      severity: 'warn',
      message: `asked for "${cell.key.ep}" but the runner ran on "${cell.resolved.executionProvider}" (silent fallback)`,
      fix: 'install or enable the requested execution provider, or ask for the one that actually ran so results are labelled correctly',
    });
  }
  if (cell.status !== 'ok') return out;
  if (measured.length === 0) {
    out.push({
      code: 'NO_MEASURED_REQUESTS',
      severity: 'warn',
      message: 'the cell finished without any measured request',
      fix: 'raise the minimum repetitions or time of the preset; the run may have been stopped early',
    });
    return out;
  }
  const expected = Math.max(1, cell.key.shape.genTokens);
  const off = measured.filter((r) => r.tokenTimesMs.length !== expected);
  if (off.length > 0) {
    out.push({
      code: 'TOKEN_COUNT_MISMATCH',
      severity: 'warn',
      message: `${off.length} of ${measured.length} measured requests did not emit exactly ${expected} tokens (fixed output length)`,
      fix: 'the runner must ignore EOS and decode exactly the requested number of tokens; report this as a bug',
    });
  }
  for (const w of [
    noisy(metrics),
    outliers(metrics),
    slowFirstRun(measured, metrics),
    thermalDrift(measured),
    promptCacheWarning(cell, measured),
  ])
    if (w) out.push(w);
  if (measured.some((r) => r.tokenTimesMs.length < 2)) {
    out.push({
      code: 'TPOT_NA',
      severity: 'info',
      message: 'TPOT and decode throughput are n/a: requests generated fewer than 2 tokens',
      fix: 'use a shape that generates at least 2 tokens (e.g. tg128) to measure decode speed',
      metrics: ['tpotMs', 'decodeTokensPerS'],
    });
  }
  const p99Min = minSamplesForPercentile(99);
  if (measured.length < p99Min) {
    out.push({
      code: 'FEW_SAMPLES_P99',
      severity: 'info',
      message: `p99 not reported for per-request metrics: nearest-rank p99 needs ≥ ${p99Min} measured requests, this cell has ${measured.length}`,
      fix: 'use the publish preset or raise repetitions to at least 100 when tail latency matters',
    });
  }
  return out;
}

/** Warnings about the whole run. */
export function runWarnings(manifest: Pick<RunManifest, 'status'> & { environment: Environment }, cellCount: number): Warning[] {
  const out: Warning[] = [];
  const power = manifest.environment.power;
  if (power.source === 'battery') {
    out.push({
      code: 'ON_BATTERY',
      severity: 'warn',
      message: `measured on battery power${power.batteryPercent !== null ? ` (${power.batteryPercent} %)` : ''}`,
      fix: 'plug in AC power: on battery most systems lower CPU/GPU clocks and results are slower and noisier',
    });
  }
  if (manifest.status !== 'complete') {
    out.push({
      code: 'RUN_INCOMPLETE',
      severity: 'warn',
      message: `the run is "${manifest.status}" with ${cellCount} cell(s) on disk`,
      fix: 'finish it with `edgebench run --resume <dir>` before comparing or publishing',
    });
  }
  return out;
}
