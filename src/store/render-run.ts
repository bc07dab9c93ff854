/**
 * A publish payload turned into the rows `publish` writes, keyed by the run id and the cell index
 * instead of database row ids: the statements join them to `runs` and `cells` (publish.ts). A
 * run's rows — ≈ 250 KB, most of it traces and raw samples — are encoded once, column by column
 * in PostgreSQL's binary format (publish-tables.ts), where the run is prepared (a worker thread
 * for a long publish, prepare-pool.ts); the writer only puts the columns of a batch together.
 */
import { contentHash } from './hash.ts';
import type { EncodedColumn } from './pg-columns.ts';
import { encodeRows, type TableName } from './publish-tables.ts';
import type { PublishPayload } from './payload.ts';
import type { Plausibility } from './plausibility/index.ts';

export interface DeviceRow {
  fingerprint: string;
  label: string;
  device_class: string;
  device_class_source: string;
  kind: string;
}

export interface ReferenceSetRow {
  hash: string;
  title: string;
  compiled: string;
  audit_date: string;
}

export interface RunRow {
  run_id: string;
  content_hash: string;
  created_at: string;
  status: string;
  results_schema_version: number;
  edgebench_version: string;
  git_commit: string | null;
  git_dirty: boolean | null;
  seed: number;
  suite: unknown;
  source: string;
}

/** What the CLI says about a cell flagged IMPLAUSIBLE. */
export interface ImplausibleCell {
  index: number;
  model: string;
  dtype: string;
  shape: string;
  reasons: Plausibility['reasons'];
}

export interface RenderedRun {
  runId: string;
  contentHash: string;
  device: DeviceRow;
  environment: { hash: string; data: unknown };
  /** the `runs` row without the ids the store assigns (device, environment) and the publisher's version */
  run: RunRow;
  referenceSet: ReferenceSetRow | null;
  /** the rows of `cells`, `metric_summaries`, `traces`, `run_references`, as columns (publish-tables.ts TABLE_COLUMNS) */
  rows: Record<TableName, EncodedColumn[]>;
  cellCount: number;
  implausible: ImplausibleCell[];
}

export function renderRun(p: PublishPayload, hash: string): RenderedRun {
  const r = p.run;
  const runId = r.runId;
  const set = p.references?.set;
  const setHash = set ? contentHash(set) : null;
  const cells = p.cells.map((c) => ({
    run_id: runId,
    idx: c.index,
    model: c.model,
    dtype: c.dtype,
    runner: c.runner,
    ep: c.ep,
    threads: c.threads,
    shape: c.shape.name,
    prompt_tokens: c.shape.promptTokens,
    gen_tokens: c.shape.genTokens,
    depth: c.shape.depth,
    status: c.status,
    error: c.error,
    boundary: c.boundary,
    resolved: c.resolved,
    model_info: c.modelInfo,
    synthetic: c.synthetic,
    load_ms: c.loadMs,
    peak_rss_bytes: c.peakRssBytes,
    memory_bandwidth_bytes_per_s: c.memoryBandwidthBytesPerS,
    started_at: c.startedAt,
    ended_at: c.endedAt,
    plausibility: c.plausibility.verdict,
    implausible_reasons: c.plausibility.reasons,
    warnings: c.warnings,
  }));
  const metrics = p.cells.flatMap((c) =>
    c.metrics.map((m) => ({
      run_id: runId,
      idx: c.index,
      metric: m.name,
      unit: m.unit,
      boundary: m.boundary,
      n: m.n,
      median: m.median,
      mean: m.mean,
      sd: m.sd,
      cv: m.cv,
      p90: m.p90,
      p99: m.p99,
      min: m.min,
      max: m.max,
      ci_lo: m.ci95.lo,
      ci_hi: m.ci95.hi,
      ci_resamples: m.ci95.resamples,
      ci_seed: m.ci95.seed,
      samples: m.samples,
    })),
  );
  const traces = p.cells.map((c) => ({ run_id: runId, idx: c.index, requests: c.trace.requests, energy: c.trace.energy }));
  const uses = (p.references?.uses ?? []).map((u) => ({
    run_id: runId,
    set_hash: setHash,
    cell_idx: u.cell,
    metric: u.metric,
    figure_id: u.figure,
    comparable: u.comparable,
  }));
  return {
    runId,
    contentHash: hash,
    device: {
      fingerprint: p.device.fingerprint,
      label: p.device.label,
      device_class: p.device.deviceClass,
      device_class_source: p.device.deviceClassSource,
      kind: p.device.kind,
    },
    environment: { hash: contentHash(p.environment), data: p.environment },
    run: {
      run_id: runId,
      content_hash: hash,
      created_at: r.createdAt,
      status: r.status,
      results_schema_version: r.resultsSchemaVersion,
      edgebench_version: r.edgebenchVersion,
      git_commit: r.git?.commit ?? null,
      git_dirty: r.git?.dirty ?? null,
      seed: r.seed,
      suite: r.suite,
      source: r.source,
    },
    referenceSet: set && setHash ? { hash: setHash, title: set.title, compiled: set.compiled, audit_date: set.auditDate } : null,
    rows: {
      cells: encodeRows('cells', cells),
      metrics: encodeRows('metrics', metrics),
      traces: encodeRows('traces', traces),
      uses: encodeRows('uses', uses),
    },
    cellCount: p.cells.length,
    implausible: p.cells
      .filter((c) => c.plausibility.verdict === 'IMPLAUSIBLE')
      .map((c) => ({ index: c.index, model: c.model, dtype: c.dtype, shape: c.shape.name, reasons: c.plausibility.reasons })),
  };
}
