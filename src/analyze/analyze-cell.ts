/** Turns one cell's raw traces into its summary: metrics with statistics, cold start, memory, warnings. */
import { clusterBootstrapMedianCI, summarize } from '../stats/index.ts';
import type { CellResult, CellSummary, MetricName, MetricSummary, RequestTrace } from '../results/schema.ts';
import { TRACE_METRICS, type TraceMetric } from './metrics/index.ts';
import { coldStart } from './cold-start.ts';
import { memorySummary } from './memory.ts';
import { cellWarnings } from './warnings.ts';
import { analyzeCellEnergy, energyWarnings } from './energy.ts';
import { screenCell, screeningWarning } from './trace-check.ts';
import { machineWarnings } from './machine-warnings.ts';
import { runnerSetupWarnings } from './runner-warnings.ts';
import { stoppingWarnings } from './stopping-warnings.ts';

export interface AnalyzeOptions {
  seed: number;
  /** bootstrap resamples (default 10 000) */
  resamples?: number;
}

/** Measured requests only ('cold' and 'warmup' are excluded from metrics), in request order. */
export function measuredRequests(cell: Pick<CellResult, 'requests'>): RequestTrace[] {
  return cell.requests.filter((r) => r.phase === 'measured').sort((a, b) => a.index - b.index);
}

function metricSummary(metric: TraceMetric, cell: CellResult, measured: RequestTrace[], opts: AnalyzeOptions): MetricSummary | null {
  let samples: number[];
  let requestIndices: number[] | undefined;
  let clusters: number[][] | undefined;
  if (metric.kind === 'pooled') {
    clusters = measured.map((r) => metric.sample(r, cell));
    samples = clusters.flat();
  } else {
    const pairs = measured
      .map((r) => [r.index, metric.sample(r, cell)] as const)
      .filter((p): p is readonly [number, number] => p[1] !== null);
    samples = pairs.map((p) => p[1]);
    requestIndices = pairs.map((p) => p[0]);
  }
  if (samples.length === 0) return null;
  const resamples = opts.resamples !== undefined ? { resamples: opts.resamples } : {};
  const s = summarize(samples, { seed: opts.seed, ...resamples });
  // pooled values of one request are correlated: their CI resamples whole requests
  const ci95 = clusters ? clusterBootstrapMedianCI(clusters, { seed: opts.seed, ...resamples }) : s.ci95;
  return {
    ...s,
    ci95,
    unit: metric.unit,
    boundary: cell.boundary,
    samples,
    ...(requestIndices && { requestIndices }),
    ...(metric.note !== undefined && { note: metric.note }),
  };
}

export function analyzeCell(stored: CellResult, opts: AnalyzeOptions): CellSummary {
  // damaged traces are excluded (and named in a warning) before any metric sees them
  const { cell, excluded, dropped } = screenCell(stored);
  const screening = screeningWarning(excluded, dropped);
  const measured = measuredRequests(cell);
  const metrics = {} as Record<MetricName, MetricSummary | null>;
  for (const m of TRACE_METRICS) metrics[m.name] = cell.status === 'ok' ? metricSummary(m, cell, measured, opts) : null;
  const energy = analyzeCellEnergy(cell, measured, opts);
  return {
    index: cell.index,
    key: cell.key,
    status: cell.status,
    ...(cell.error && { error: cell.error }),
    boundary: cell.boundary,
    resolved: cell.resolved,
    model: cell.model,
    requests: {
      cold: cell.requests.filter((r) => r.phase === 'cold').length,
      warmup: cell.requests.filter((r) => r.phase === 'warmup').length,
      measured: measured.length,
    },
    metrics,
    coldStart: coldStart(cell),
    memory: memorySummary(cell),
    warnings: [
      ...(screening ? [screening] : []),
      ...cellWarnings(cell, measured, metrics),
      ...stoppingWarnings(cell),
      ...machineWarnings(cell),
      ...runnerSetupWarnings(cell),
      ...energyWarnings(energy),
    ],
    ...(energy && { energy }),
    ...(cell.stopping && { stopping: cell.stopping }),
    ...(cell.machine && { machine: cell.machine }),
    ...(cell.interleave && { interleave: cell.interleave }),
  };
}
