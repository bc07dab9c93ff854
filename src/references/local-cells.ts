/** A run's summary as the local cells that matching and claims read (./local.ts). */
import { CELL_METRICS } from '../analyze/metrics/index.ts';
import { energySourceOf } from '../analyze/energy.ts';
import type { CellResult, CellSummary, MetricName, RunSummary } from '../results/schema.ts';
import type { LocalCell, LocalMetric, LocalMetricName, RemoteSide } from './local.ts';
import type { DeviceClassName } from '../edge-cloud/device-class.ts';
import { median } from '../stats/index.ts';

/** Every metric of a cell summary as median + CI: the trace metrics' summaries, then the cell metrics. */
export function localMetrics(c: CellSummary): Partial<Record<LocalMetricName, LocalMetric>> {
  const metrics: Partial<Record<LocalMetricName, LocalMetric>> = {};
  for (const [name, m] of Object.entries(c.metrics) as [LocalMetricName, CellSummary['metrics'][MetricName]][]) {
    if (m) metrics[name] = { n: m.n, median: m.median, ci95: { lo: m.ci95.lo, hi: m.ci95.hi }, unit: m.unit };
  }
  for (const m of CELL_METRICS) {
    const v = m.sample(c);
    if (v) metrics[m.name] = v;
  }
  return metrics;
}

/** An endpoint cell's side: where it went and the round trip measured before it (raw cell's extra.network). */
function remoteSide(c: CellSummary, raw: CellResult | undefined): RemoteSide | null {
  if (c.boundary !== 'http-client') return null;
  const endpoint = c.resolved?.settings['endpoint'];
  const network = raw?.extra?.['network'];
  const rtt = network && typeof network === 'object' ? (network as Record<string, unknown>)['rttMs'] : null;
  const counted = (raw?.requests ?? []).filter((r) => r.phase === 'measured').map((r) => r.promptTokens);
  return {
    endpoint: typeof endpoint === 'string' ? endpoint : null,
    rttMs: typeof rtt === 'number' && Number.isFinite(rtt) && rtt >= 0 ? rtt : null,
    promptTokens: counted.length ? Math.round(median(counted)) : null,
  };
}

export function toLocalCells(run: {
  runId: string;
  device: string;
  deviceClass: DeviceClassName;
  devicePriceUsd?: number | null;
  summary: RunSummary;
  /** the raw cells, when at hand: endpoint cells' measured round trip */
  cells?: readonly CellResult[];
}): LocalCell[] {
  return run.summary.cells.map((c: CellSummary) => ({
    id: `${run.runId}#${c.index}`,
    runId: run.runId,
    index: c.index,
    device: run.device,
    deviceClass: run.deviceClass,
    devicePriceUsd: run.devicePriceUsd ?? null,
    weights: c.model?.weights ?? null,
    model: c.key.model,
    params: c.model?.params ?? null,
    dtype: c.key.dtype,
    runner: c.key.runner,
    ep: c.resolved?.executionProvider ?? c.key.ep,
    threads: c.key.threads,
    shape: c.key.shape,
    status: c.status,
    metrics: localMetrics(c),
    energySource: energySourceOf(c),
    remote: remoteSide(
      c,
      run.cells?.find((r) => r.index === c.index),
    ),
  }));
}
