/**
 * The publish payload: exactly what `publish` writes into the store (and what `--dry-run`
 * prints). Built from a validated run by a pure function: privacy trimming, plausibility
 * screening and the reference figures the run is set beside are decided here, once.
 */
import { matchAll } from '../references/match.ts';
import type { ReferenceSet } from '../references/load.ts';
import type { LocalCell } from '../references/local.ts';
import type { DeviceClass as FigureDeviceClass } from '../references/schema.ts';
import type { DeviceClassName } from '../edge-cloud/device-class.ts';

/** a run's recorded class (src/edge-cloud/device-class.ts) or a published figure's */
type DeviceClass = FigureDeviceClass | DeviceClassName;
import {
  SCHEMA_VERSION,
  type CellResult,
  type CellSummary,
  type ErrorInfo,
  type MetricSummary,
  type ResolvedRunner,
  type Shape,
  type Warning,
} from '../results/schema.ts';
import { contentHash } from './hash.ts';
import type { StoreRun } from './load-run.ts';
import { screenCell, type Plausibility } from './plausibility/index.ts';
import {
  modelName,
  scrubContextFor,
  scrubText,
  scrubValue,
  trimEnvironment,
  type ScrubContext,
  type TrimmedEnvironment,
} from './privacy.ts';

export type PublishSource = 'cli' | 'serve' | 'ci';

export interface StoredMetric extends Omit<MetricSummary, 'requestIndices' | 'outliers' | 'mad' | 'note'> {
  name: string;
}

export interface StoredCell {
  index: number;
  model: string;
  dtype: string;
  runner: string;
  ep: string;
  threads: number | null;
  shape: Shape;
  status: CellResult['status'];
  error: ErrorInfo | null;
  boundary: CellResult['boundary'];
  resolved: ResolvedRunner | null;
  modelInfo: {
    id: string;
    file: string | null;
    bytes: number | null;
    params: number | null;
    bytesPerToken: number | null;
    sha256: string | null;
    synthetic: boolean;
  } | null;
  synthetic: boolean;
  loadMs: number | null;
  peakRssBytes: number | null;
  memoryBandwidthBytesPerS: number | null;
  startedAt: string;
  endedAt: string;
  plausibility: Plausibility;
  warnings: Warning[];
  metrics: StoredMetric[];
  trace: { requests: CellResult['requests']; energy: unknown };
}

export interface ReferenceUse {
  cell: number;
  metric: string;
  figure: string;
  comparable: boolean;
}

export interface PublishPayload {
  format: 'edgebench-store-publish';
  version: 1;
  run: {
    runId: string;
    createdAt: string;
    status: string;
    resultsSchemaVersion: number;
    edgebenchVersion: string;
    git: { commit: string; dirty: boolean } | null;
    seed: number;
    suite: unknown;
    source: PublishSource;
  };
  device: { fingerprint: string; label: string; deviceClass: DeviceClass; deviceClassSource: 'detected' | 'user'; kind: string };
  environment: TrimmedEnvironment;
  cells: StoredCell[];
  references: { set: { title: string; compiled: string; auditDate: string }; uses: ReferenceUse[] } | null;
}

export interface PayloadOptions {
  source: PublishSource;
  deviceClass?: DeviceClass;
  /** the reference figures to record matches against (null: none recorded) */
  references: ReferenceSet | null;
  /** nearest figures kept per cell and metric */
  referencesPerMetric?: number;
}

function storedMetrics(s: CellSummary): StoredMetric[] {
  return Object.entries(s.metrics).flatMap(([name, m]) => {
    if (!m) return [];
    const { requestIndices: _ri, outliers: _o, mad: _m, note: _n, ...rest } = m;
    return [{ name, ...rest }];
  });
}

function storedCell(run: StoreRun, c: CellResult, s: CellSummary, ctx: ScrubContext): StoredCell {
  const m = c.model;
  return {
    index: c.index,
    model: modelName(c.key.model),
    dtype: c.key.dtype,
    runner: c.key.runner,
    ep: c.key.ep,
    threads: c.key.threads,
    shape: c.key.shape,
    status: c.status,
    error: c.error ? (scrubValue(c.error, ctx) as ErrorInfo) : null,
    boundary: c.boundary,
    resolved: c.resolved ? (scrubValue(c.resolved, ctx) as ResolvedRunner) : null,
    modelInfo: m
      ? {
          id: modelName(m.id),
          file: m.file === null ? null : modelName(m.file),
          bytes: m.bytes,
          params: m.params,
          bytesPerToken: m.bytesPerToken,
          sha256: m.sha256,
          synthetic: m.synthetic,
        }
      : null,
    synthetic: m?.synthetic ?? false,
    loadMs: c.loadMs,
    peakRssBytes: c.peakRssBytes,
    memoryBandwidthBytesPerS: c.memoryBandwidthBytesPerS,
    startedAt: c.startedAt,
    endedAt: c.endedAt,
    plausibility: c.status === 'ok' ? screenCell({ cell: c, summary: s, env: run.manifest.environment }) : { verdict: 'ok', reasons: [] },
    warnings: s.warnings.map((w) => ({ ...w, message: scrubText(w.message, ctx), fix: scrubText(w.fix, ctx) })),
    metrics: storedMetrics(s),
    trace: { requests: c.requests, energy: c.energy === undefined ? null : scrubValue(c.energy, ctx) },
  };
}

/**
 * Which figures a cell is set beside depends on its setup only: status, model, parameters, dtype,
 * prompt and output lengths and which metrics it has are all src/references/match.ts reads of the
 * cell to choose and rank them (its measured values only make the ratios, which are not stored).
 * So a publish of many runs of the same setups matches each setup once: matching every cell
 * against every figure was ≈ 3–7 ms of the ≈ 20 ms a run took to prepare.
 */
const usesBySetup = new WeakMap<ReferenceSet, Map<string, Omit<ReferenceUse, 'cell'>[]>>();
const MAX_SETUPS = 10_000;

function setupKey(c: LocalCell, perMetric: number): string {
  const metrics = Object.keys(c.metrics)
    .filter((k) => c.metrics[k as keyof LocalCell['metrics']])
    .sort();
  return JSON.stringify([perMetric, c.status, c.model, c.params, c.dtype, c.shape.promptTokens, c.shape.genTokens, metrics]);
}

export function referenceUses(cells: readonly LocalCell[], refs: ReferenceSet, perMetric: number): ReferenceUse[] {
  let cache = usesBySetup.get(refs);
  if (!cache) usesBySetup.set(refs, (cache = new Map()));
  return cells.flatMap((cell) => {
    const key = setupKey(cell, perMetric);
    let uses = cache.get(key);
    if (!uses) {
      uses = matchAll([cell], refs.figures).flatMap((cm) =>
        cm.matches.slice(0, perMetric).map((m) => ({ metric: cm.metric, figure: m.figure.id, comparable: m.comparable })),
      );
      if (cache.size >= MAX_SETUPS) cache.clear();
      cache.set(key, uses);
    }
    return uses.map((u) => ({ cell: cell.index, ...u }));
  });
}

export function buildPayload(run: StoreRun, opts: PayloadOptions): PublishPayload {
  const m = run.manifest;
  const ctx = scrubContextFor(m.environment);
  const byIndex = new Map(run.summary.cells.map((s) => [s.index, s]));
  const cells = run.cells.map((c) => {
    const s = byIndex.get(c.index);
    if (!s) throw new Error(`summary has no cell ${c.index}`); // loadRunForStore guarantees it
    return storedCell(run, c, s, ctx);
  });
  return {
    format: 'edgebench-store-publish',
    version: 1,
    run: {
      runId: m.runId,
      createdAt: m.createdAt,
      status: m.status,
      resultsSchemaVersion: SCHEMA_VERSION,
      edgebenchVersion: m.edgebenchVersion,
      git: m.environment.git,
      seed: m.seed,
      suite: scrubValue(m.suite, ctx),
      source: opts.source,
    },
    device: {
      fingerprint: m.environment.fingerprint,
      label: scrubText(run.device, ctx),
      deviceClass: opts.deviceClass ?? run.deviceClass,
      deviceClassSource: opts.deviceClass ? 'user' : m.environment.device.source,
      kind: m.environment.kind,
    },
    environment: trimEnvironment(m.environment, ctx),
    cells,
    references: opts.references
      ? {
          set: { title: opts.references.meta.title, compiled: opts.references.meta.compiled, auditDate: opts.references.meta.audit_date },
          uses: referenceUses(run.localCells, opts.references, opts.referencesPerMetric ?? 3),
        }
      : null,
  };
}

/** The hash leaves out how the run arrived (cli, serve, ci): the same results are the same run. */
export function payloadHash(p: PublishPayload): string {
  const { source: _source, ...run } = p.run;
  return contentHash({ ...p, run });
}
