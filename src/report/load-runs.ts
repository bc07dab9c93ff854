/**
 * Read result folders for a report: run.json and the raw cells (upgraded on read by
 * src/results/io.ts) plus summary.json. When summary.json is absent or was written by an older
 * schema, the summary is recomputed from the raw traces by the analyze stage (pure, seeded).
 * A damaged file (truncated JSON, bad field) is an error naming the file.
 */
import { energyMetrics, energySourceOf } from './energy-metrics.ts';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { summarizeRun } from '../analyze/analyze-run.ts';
import { EdgebenchError } from '../errors.ts';
import type { DeviceClassName } from '../edge-cloud/device-class.ts';
import { LOCAL_METRICS, type LocalCell, type LocalMetric, type LocalMetricName } from '../references/local.ts';
import { readCells, readManifest, readSummary, SUMMARY_FILE } from '../results/io.ts';
import { SCHEMA_VERSION, type CellResult, type CellSummary, type Environment, type RunManifest, type RunSummary } from '../results/schema.ts';

export interface ReportRun {
  dir: string;
  runId: string;
  manifest: RunManifest;
  summary: RunSummary;
  /** raw cells (per-token times for the latency-over-run chart) */
  cells: CellResult[];
  /** how the summary was obtained */
  summarySource: 'summary.json' | 'recomputed from raw traces';
  device: string;
  deviceClass: DeviceClassName;
  localCells: LocalCell[];
}

async function storedSummaryVersion(path: string): Promise<number | null> {
  try {
    const raw: unknown = JSON.parse(await readFile(path, 'utf8'));
    const v = typeof raw === 'object' && raw !== null && 'schemaVersion' in raw ? raw.schemaVersion : null;
    return typeof v === 'number' ? v : null;
  } catch {
    return null; // unreadable or truncated: readSummary reports it with the file name
  }
}

async function loadSummary(dir: string, manifest: RunManifest, cells: CellResult[]): Promise<[RunSummary, ReportRun['summarySource']]> {
  const path = join(dir, SUMMARY_FILE);
  const present = await stat(path).then(
    () => true,
    () => false,
  );
  const recompute = (): [RunSummary, ReportRun['summarySource']] => [
    summarizeRun({ manifest, cells }, { now: new Date(manifest.createdAt) }),
    'recomputed from raw traces',
  ];
  if (!present) return recompute();
  const v = await storedSummaryVersion(path);
  if (v !== null && v < SCHEMA_VERSION) return recompute();
  return [await readSummary(dir), 'summary.json'];
}

export function deviceLabel(env: Environment): string {
  const cpu = `${env.cpu.manufacturer} ${env.cpu.brand}`.trim();
  const gpu = env.gpus[0] ? ` + ${env.gpus[0].model}` : '';
  const where = env.kind === 'browser' ? ` (browser, ${env.os.platform})` : ` (${env.os.platform} ${env.os.arch})`;
  return `${cpu}${gpu}${where}`;
}

/** The class recorded with the run (detected or given; v1 results get it on read, see results/upgrade.ts). */
export function deviceClassOf(env: Environment): DeviceClassName {
  return env.device.class;
}

/** The structural view that matching and claims read (src/references/local.ts). */
export function toLocalCells(run: { runId: string; device: string; deviceClass: DeviceClassName; devicePriceUsd?: number | null; summary: RunSummary }): LocalCell[] {
  return run.summary.cells.map((c: CellSummary) => {
    const metrics: Partial<Record<LocalMetricName, LocalMetric>> = {};
    for (const [name, m] of Object.entries(c.metrics)) {
      if (m && (LOCAL_METRICS as readonly string[]).includes(name)) {
        metrics[name as LocalMetricName] = { n: m.n, median: m.median, ci95: { lo: m.ci95.lo, hi: m.ci95.hi }, unit: m.unit };
      }
    }
    Object.assign(metrics, energyMetrics(c));
    return {
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
      metrics,
      energySource: energySourceOf(c),
    };
  });
}

export async function loadRun(dir: string): Promise<ReportRun> {
  const manifest = await readManifest(dir);
  const cells = await readCells(dir);
  const [summary, summarySource] = await loadSummary(dir, manifest, cells);
  if (summary.runId !== manifest.runId) {
    throw new EdgebenchError('RESULTS_INVALID', `${join(dir, SUMMARY_FILE)}: runId "${summary.runId}" does not match run.json ("${manifest.runId}")`, `recompute it with: edgebench analyze ${dir}`);
  }
  const device = deviceLabel(manifest.environment);
  const deviceClass = deviceClassOf(manifest.environment);
  const base = { runId: manifest.runId, device, deviceClass, devicePriceUsd: manifest.environment.device.priceUsd, summary };
  return { dir, runId: manifest.runId, manifest, summary, cells, summarySource, device, deviceClass, localCells: toLocalCells(base) };
}

export async function loadRuns(dirs: readonly string[]): Promise<ReportRun[]> {
  if (dirs.length === 0) throw new EdgebenchError('USAGE', 'no results folder given', 'pass one or more folders written by `edgebench run`, e.g. results/<run-id>');
  const runs: ReportRun[] = [];
  for (const d of dirs) runs.push(await loadRun(d));
  const ids = new Set<string>();
  for (const r of runs) {
    if (ids.has(r.runId)) throw new EdgebenchError('USAGE', `run ${r.runId} was given twice`, 'pass each results folder once');
    ids.add(r.runId);
  }
  return runs;
}
