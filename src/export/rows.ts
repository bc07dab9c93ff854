/**
 * The rows every exporter writes: one per ok cell and metric, from a run read through the one run
 * loader — median, 95 % CI and n, with the cell's key and the device, and the synthetic-weights
 * flag (figures from synthetic weights are marked wherever they go).
 */
import type { AnalyzedRun } from '../results/open-run.ts';
import { modelName } from '../store/privacy.ts';

export interface MetricRow {
  runId: string;
  createdAt: string;
  commit: string | null;
  device: string;
  deviceClass: string;
  model: string;
  dtype: string;
  runner: string;
  ep: string;
  threads: number | null;
  shape: string;
  synthetic: boolean;
  metric: string;
  unit: string;
  n: number;
  median: number;
  ciLo: number;
  ciHi: number;
  p90: number | null;
}

export function metricRows(run: AnalyzedRun): MetricRow[] {
  const m = run.manifest;
  return run.summary.cells.flatMap((c) =>
    c.status !== 'ok'
      ? []
      : Object.entries(c.metrics).flatMap(([metric, s]) =>
          s
            ? [
                {
                  runId: m.runId,
                  createdAt: m.createdAt,
                  commit: m.environment.git?.commit ?? null,
                  device: run.device,
                  deviceClass: run.deviceClass,
                  model: modelName(c.key.model),
                  dtype: c.key.dtype,
                  runner: c.key.runner,
                  ep: c.key.ep,
                  threads: c.key.threads,
                  shape: c.key.shape.name,
                  synthetic: c.model?.synthetic ?? false,
                  metric,
                  unit: s.unit,
                  n: s.n,
                  median: s.median,
                  ciLo: s.ci95.lo,
                  ciHi: s.ci95.hi,
                  p90: s.p90,
                },
              ]
            : [],
        ),
  );
}
