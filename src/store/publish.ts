/**
 * Write a publish payload into the store in ONE transaction: a killed publish leaves nothing,
 * and a run id already present is a no-op when its content hash is the same (idempotent) and a
 * refusal when it differs. Concurrent publishers of the same run meet at the UNIQUE(run_id)
 * constraint: the second waits for the first to commit, then finds the run and does nothing.
 */
import { EdgebenchError } from '../errors.ts';
import { readPackageVersion } from '../version.ts';
import { jsonParam, type Sql, type StoreDb } from './db.ts';
import { stableStringify, contentHash } from './hash.ts';
import { payloadHash, type PublishPayload } from './payload.ts';

export type PublishStage = 'device' | 'run' | 'cells' | 'metrics' | 'traces' | 'references';

export interface PublishResult {
  outcome: 'published' | 'already-published';
  runId: string;
  contentHash: string;
  cells: number;
  implausible: number;
  location: string;
}

export interface PublishOptions {
  /** called inside the transaction after each step (progress; tests use it to kill a publish mid-way) */
  onStage?: (stage: PublishStage) => void | Promise<void>;
}

async function idOf(
  tx: Sql,
  insert: string,
  insertParams: (string | number | boolean | null)[],
  select: string,
  selectParams: (string | number)[],
): Promise<number> {
  const inserted = await tx.query<{ id: number }>(insert, insertParams);
  if (inserted[0]) return inserted[0].id;
  const found = await tx.query<{ id: number }>(select, selectParams);
  if (!found[0]) throw new Error(`row vanished after ON CONFLICT: ${select}`);
  return found[0].id;
}

async function existing(tx: Sql, p: PublishPayload, hash: string): Promise<boolean> {
  const rows = await tx.query<{ content_hash: string }>('SELECT content_hash FROM runs WHERE run_id = $1', [p.run.runId]);
  if (!rows[0]) return false;
  if (rows[0].content_hash === hash) return true;
  throw new EdgebenchError(
    'STORE_CONFLICT',
    `run ${p.run.runId} is already in the store with different content (${rows[0].content_hash.slice(0, 19)}…, this one ${hash.slice(0, 19)}…)`,
    'a run is published once; results changed after publishing (resumed, re-run, another --device-class)? publish them as a new run (edgebench run --out results/<new-id>)',
  );
}

const CELL_COLUMNS = `idx int, model text, dtype text, runner text, ep text, threads int, shape text, prompt_tokens int, gen_tokens int, depth int,
  status text, error jsonb, boundary text, resolved jsonb, model_info jsonb, synthetic boolean, load_ms float8, peak_rss_bytes float8,
  memory_bandwidth_bytes_per_s float8, started_at timestamptz, ended_at timestamptz, plausibility text, implausible_reasons jsonb, warnings jsonb`;

const METRIC_COLUMNS = `cell_id int, metric text, unit text, boundary text, n int, median float8, mean float8, sd float8, cv float8, p90 float8, p99 float8,
  min float8, max float8, ci_lo float8, ci_hi float8, ci_resamples int, ci_seed float8, samples jsonb`;

const names = (columns: string) =>
  columns
    .split(',')
    .map((c) => c.trim().split(/\s+/)[0])
    .join(', ');

async function writeRun(tx: Sql, p: PublishPayload, hash: string, stage: (s: PublishStage) => Promise<void>): Promise<number | null> {
  const deviceId = await idOf(
    tx,
    'INSERT INTO devices (fingerprint, label, device_class, device_class_source, kind) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (fingerprint) DO NOTHING RETURNING id',
    [p.device.fingerprint, p.device.label, p.device.deviceClass, p.device.deviceClassSource, p.device.kind],
    'SELECT id FROM devices WHERE fingerprint = $1',
    [p.device.fingerprint],
  );
  const envJson = stableStringify(p.environment);
  const envHash = contentHash(p.environment);
  const environmentId = await idOf(
    tx,
    'INSERT INTO environments (hash, device_id, data) VALUES ($1, $2, $3::jsonb) ON CONFLICT (hash) DO NOTHING RETURNING id',
    [envHash, deviceId, envJson],
    'SELECT id FROM environments WHERE hash = $1',
    [envHash],
  );
  await stage('device');
  const r = p.run;
  const run = await tx.query<{ id: number }>(
    `INSERT INTO runs (run_id, content_hash, device_id, environment_id, created_at, status, results_schema_version, edgebench_version, published_by, git_commit, git_dirty, seed, suite, source)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14) ON CONFLICT (run_id) DO NOTHING RETURNING id`,
    [
      r.runId,
      hash,
      deviceId,
      environmentId,
      r.createdAt,
      r.status,
      r.resultsSchemaVersion,
      r.edgebenchVersion,
      readPackageVersion(),
      r.git?.commit ?? null,
      r.git?.dirty ?? null,
      r.seed,
      jsonParam(r.suite),
      r.source,
    ],
  );
  // another publisher committed the same run id while we waited on the constraint
  if (!run[0]) return null;
  const runPk = run[0].id;
  await stage('run');
  const cellRows = p.cells.map((c) => ({
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
  const ids = await tx.query<{ id: number; idx: number }>(
    `INSERT INTO cells (run_pk, ${names(CELL_COLUMNS)}) SELECT $1, ${names(CELL_COLUMNS)} FROM jsonb_to_recordset($2::jsonb) AS x(${CELL_COLUMNS}) RETURNING id, idx`,
    [runPk, jsonParam(cellRows)],
  );
  const cellId = new Map(ids.map((x) => [x.idx, x.id]));
  await stage('cells');
  const metricRows = p.cells.flatMap((c) =>
    c.metrics.map((m) => ({
      cell_id: cellId.get(c.index),
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
  if (metricRows.length) {
    await tx.query(
      `INSERT INTO metric_summaries (${names(METRIC_COLUMNS)}) SELECT ${names(METRIC_COLUMNS)} FROM jsonb_to_recordset($1::jsonb) AS x(${METRIC_COLUMNS})`,
      [jsonParam(metricRows)],
    );
  }
  await stage('metrics');
  const traceRows = p.cells.map((c) => ({ cell_id: cellId.get(c.index), requests: c.trace.requests, energy: c.trace.energy }));
  if (traceRows.length) {
    await tx.query(
      'INSERT INTO traces (cell_id, requests, energy) SELECT cell_id, requests, energy FROM jsonb_to_recordset($1::jsonb) AS x(cell_id int, requests jsonb, energy jsonb)',
      [jsonParam(traceRows)],
    );
  }
  await stage('traces');
  if (p.references) {
    const set = p.references.set;
    const setHash = contentHash(set);
    const setId = await idOf(
      tx,
      'INSERT INTO reference_sets (hash, title, compiled, audit_date) VALUES ($1, $2, $3, $4) ON CONFLICT (hash) DO NOTHING RETURNING id',
      [setHash, set.title, set.compiled, set.auditDate],
      'SELECT id FROM reference_sets WHERE hash = $1',
      [setHash],
    );
    if (p.references.uses.length) {
      await tx.query(
        `INSERT INTO run_references (run_pk, reference_set_id, cell_idx, metric, figure_id, comparable)
         SELECT DISTINCT ON (cell, metric, figure) $1::int, $2::int, cell, metric, figure, comparable
         FROM jsonb_to_recordset($3::jsonb) AS x(cell int, metric text, figure text, comparable boolean) ORDER BY cell, metric, figure, comparable DESC`,
        [runPk, setId, jsonParam(p.references.uses)],
      );
    }
  }
  await stage('references');
  return runPk;
}

export async function publishPayload(db: StoreDb, p: PublishPayload, opts: PublishOptions = {}): Promise<PublishResult> {
  const hash = payloadHash(p);
  const stage = async (s: PublishStage) => {
    await opts.onStage?.(s);
  };
  const base = {
    runId: p.run.runId,
    contentHash: hash,
    cells: p.cells.length,
    implausible: p.cells.filter((c) => c.plausibility.verdict === 'IMPLAUSIBLE').length,
    location: db.location,
  };
  const outcome = await db.transaction(async (tx) => {
    if (await existing(tx, p, hash)) return 'already-published' as const;
    if ((await writeRun(tx, p, hash, stage)) === null) {
      await existing(tx, p, hash); // the concurrent publisher's content must be the same, else refuse
      return 'already-published' as const;
    }
    return 'published' as const;
  });
  return { outcome, ...base };
}
