/**
 * The report as data: one object that the Markdown, HTML and CSV renderers format. Built from
 * loaded runs, the reference set and the claim verdicts; computes no statistics (medians and
 * CIs come from the summaries, ratios from src/references/match.ts).
 */
import { evaluateClaims, type ClaimResult, type ClaimsConfig } from '../claims/index.ts';
import type { QualityEntry } from '../results/quality-schema.ts';
import { defaultClaimsConfig } from '../claims/config.ts';
import { buildEdgeCloud, type EdgeCloudRow } from '../edge-cloud/compare.ts';
import type { ReferenceSet } from '../references/load.ts';
import type { LocalCell, LocalMetricName } from '../references/local.ts';
import { matchAll, type ReferenceMatch } from '../references/match.ts';
import type { Figure } from '../references/schema.ts';
import type { CellSummary, Environment, MetricName, MetricSummary, Warning } from '../results/schema.ts';
import type { ReportRun } from './report-run.ts';
import { reportCellLabel } from '../format/labels.ts';
import { CELL_METRICS, type CellMetricName } from '../analyze/metrics/index.ts';
import { energySourceOf } from '../analyze/energy.ts';
import type { LocalMetric } from '../references/local.ts';

export interface RunInfo {
  runId: string;
  dir: string;
  device: string;
  deviceClass: string;
  createdAt: string;
  status: string;
  seed: number;
  preset: string;
  summarySource: ReportRun['summarySource'];
  clock: string;
  environment: Environment;
  cellCounts: { ok: number; errored: number; unsupported: number };
}

export interface CellRow {
  runId: string;
  device: string;
  index: number;
  model: string;
  params: number | null;
  synthetic: boolean;
  /** synthetic: speed-true, not quality-true; shown in every table (null for a cell without a model) */
  weights: 'synthetic' | 'real' | null;
  dtype: string;
  runner: string;
  ep: string;
  threads: number | null;
  shape: CellSummary['key']['shape'];
  status: CellSummary['status'];
  error: CellSummary['error'] | null;
  measured: number;
  /** trace metrics as summarized (with samples); cell metrics (energy…) as median + CI only */
  metrics: Partial<Record<MetricName, MetricSummary | null>> & Partial<Record<CellMetricName, LocalMetric>>;
  energySource: 'measured' | 'estimated' | null;
  loadMs: number | null;
  peakRssBytes: number | null;
  fallback: boolean;
  /** the quality stage's record for this cell's (model, runner, EP, dtype), when it ran */
  quality?: QualityEntry;
  /** how the cell stopped and the machine conditions during it (results v2) */
  stopping?: CellSummary['stopping'];
  machine?: CellSummary['machine'];
  interleave?: CellSummary['interleave'];
}

export interface Comparison {
  cellId: string;
  runId: string;
  index: number;
  label: string;
  metric: LocalMetricName;
  local: { median: number; ci95: { lo: number; hi: number }; unit: string };
  matches: ReferenceMatch[];
}

export interface WarningRow extends Warning {
  where: string;
}

export interface ReportData {
  title: string;
  runs: RunInfo[];
  cells: CellRow[];
  claims: ClaimResult[];
  /** edge vs cloud per device and size class (src/edge-cloud/compare.ts): the answer the report leads with */
  edgeCloud: EdgeCloudRow[];
  /** the device facts of each run (class, evidence, price) for the answer */
  devices: { runId: string; label: string; device: Environment['device'] }[];
  comparisons: Comparison[];
  /** every figure cited anywhere in the report, by id */
  references: Figure[];
  warnings: WarningRow[];
  energyMeasured: boolean;
  referencesMeta: ReferenceSet['meta'];
  unverifiedCount: number;
  claimsConfig: ClaimsConfig;
}

export interface BuildOptions {
  title?: string;
  claimsConfig?: ClaimsConfig;
  /** matches shown per cell, metric and reference category (default 2) */
  matchesPerMetric?: number;
}

const COMPARED: LocalMetricName[] = ['ttftMs', 'tpotMs', 'decodeTokensPerS', 'prefillTokensPerS', 'joulesPerTokenDecode'];

/** Cell metrics the row already shows as columns (loadMs, peakRssBytes), so not repeated per metric. */
const COLUMNS: ReadonlySet<string> = new Set(['loadMs', 'peakRssBytes']);

function cellMetrics(c: CellSummary): Partial<Record<CellMetricName, LocalMetric>> {
  const out: Partial<Record<CellMetricName, LocalMetric>> = {};
  for (const m of CELL_METRICS) {
    const v = COLUMNS.has(m.name) ? null : m.sample(c);
    if (v) out[m.name] = v;
  }
  return out;
}

function cellRow(run: ReportRun, c: CellSummary): CellRow {
  return {
    runId: run.runId,
    device: run.device,
    index: c.index,
    model: c.key.model,
    params: c.model?.params ?? null,
    synthetic: c.model?.synthetic ?? false,
    weights: c.model?.weights ?? null,
    ...(c.quality && { quality: c.quality }),
    ...(c.stopping && { stopping: c.stopping }),
    ...(c.machine && { machine: c.machine }),
    ...(c.interleave && { interleave: c.interleave }),
    dtype: c.key.dtype,
    runner: c.key.runner,
    ep: c.resolved?.executionProvider ?? c.key.ep,
    threads: c.resolved?.threads ?? c.key.threads,
    shape: c.key.shape,
    status: c.status,
    error: c.error ?? null,
    measured: c.requests.measured,
    metrics: { ...c.metrics, ...cellMetrics(c) },
    energySource: energySourceOf(c),
    loadMs: c.coldStart.loadMs,
    peakRssBytes: c.memory.peakRssBytes,
    fallback: c.resolved?.fallback ?? false,
  };
}

function runInfo(run: ReportRun): RunInfo {
  const m = run.manifest;
  const count = (s: string) => run.summary.cells.filter((c) => c.status === s).length;
  return {
    runId: run.runId,
    dir: run.dir,
    device: run.device,
    deviceClass: run.deviceClass,
    createdAt: m.createdAt,
    status: m.status,
    seed: run.summary.seed,
    preset: typeof m.suite.preset === 'string' ? m.suite.preset : 'custom',
    summarySource: run.summarySource,
    clock: m.clock ? `${m.clock.source}${m.clock.resolutionMs !== null ? ` (resolution ${m.clock.resolutionMs} ms)` : ''}` : 'not recorded',
    environment: m.environment,
    cellCounts: { ok: count('ok'), errored: count('errored'), unsupported: count('unsupported') },
  };
}

/**
 * The nearest matches of each category (edge, cloud GPU, ASIC…), so a cell is set beside its
 * peers and the data centre alike; `perCategory` of each, in match order.
 */
function pickPerCategory(matches: readonly ReferenceMatch[], perCategory: number): ReferenceMatch[] {
  const taken = new Map<string, number>();
  return matches.filter((m) => {
    const n = taken.get(m.figure.category) ?? 0;
    taken.set(m.figure.category, n + 1);
    return n < perCategory;
  });
}

export function buildReport(runs: readonly ReportRun[], refs: ReferenceSet, opts: BuildOptions = {}): ReportData {
  const config = opts.claimsConfig ?? defaultClaimsConfig();
  const local: LocalCell[] = runs.flatMap((r) => r.localCells);
  const claims = evaluateClaims(local, refs.figures, config);
  const edgeCloud = buildEdgeCloud(local, refs.figures, config);
  const perMetric = opts.matchesPerMetric ?? 2;
  const comparisons: Comparison[] = matchAll(local, refs.figures)
    .filter((m) => COMPARED.includes(m.metric))
    .map((m) => {
      const lm = m.cell.metrics[m.metric];
      return {
        cellId: m.cell.id,
        runId: m.cell.runId,
        index: m.cell.index,
        label: reportCellLabel(m.cell),
        metric: m.metric,
        local: { median: lm?.median ?? NaN, ci95: lm?.ci95 ?? { lo: NaN, hi: NaN }, unit: lm?.unit ?? '' },
        matches: pickPerCategory(m.matches, perMetric),
      };
    });
  const cited = new Set<string>();
  for (const c of claims) for (const r of c.evidence.references) cited.add(r.id);
  for (const row of edgeCloud)
    for (const f of [
      ...(row.ttft.cloud?.figures ?? []),
      ...(row.decode.cloud?.figures ?? []),
      ...(row.cost.cloud.output?.figures ?? []),
      ...(row.cost.assumptions.network?.figures ?? []),
    ])
      cited.add(f.id);
  for (const c of comparisons) for (const m of c.matches) cited.add(m.figure.id);
  const references = refs.figures
    .filter((f) => cited.has(f.id))
    .sort((a, b) => a.category.localeCompare(b.category) || a.id.localeCompare(b.id));
  const warnings: WarningRow[] = [];
  for (const r of runs) {
    for (const w of r.summary.warnings) warnings.push({ ...w, where: `run ${r.runId}` });
    for (const c of r.summary.cells)
      for (const w of c.warnings) warnings.push({ ...w, where: `${r.runId} #${c.index} ${reportCellLabel(cellRow(r, c))}` });
  }
  return {
    title: opts.title ?? `edgebench report: ${runs.map((r) => r.runId).join(', ')}`,
    runs: runs.map(runInfo),
    cells: runs.flatMap((r) => r.summary.cells.map((c) => cellRow(r, c))),
    claims,
    edgeCloud,
    devices: runs.map((r) => ({ runId: r.runId, label: r.device, device: r.manifest.environment.device })),
    comparisons,
    references,
    warnings,
    energyMeasured: local.some((c) => c.metrics.joulesPerTokenDecode !== undefined),
    referencesMeta: refs.meta,
    unverifiedCount: refs.unverified.length,
    claimsConfig: config,
  };
}
