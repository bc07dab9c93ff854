/**
 * Write publish payloads into the store, a batch of runs per transaction: a killed publish leaves
 * no run half-written (the batch is all or nothing), a run id already present is a no-op when its
 * content hash is the same (idempotent) and a refusal when it differs. Each table gets ONE
 * multi-row statement per batch (json_to_recordset over one parameter) — per-statement round trips,
 * not the rows, were what a publish cost. Concurrent publishers of the same run meet at the
 * UNIQUE(run_id) constraint: the second waits for the first to commit, then finds the run and
 * does nothing.
 */
import { EdgebenchError } from '../errors.ts';
import { readPackageVersion } from '../version.ts';
import { jsonParam, type Sql, type StoreDb } from './db.ts';
import { contentHash } from './hash.ts';
import { payloadHash, type PublishPayload } from './payload.ts';
import { recordLatest } from './publish-latest.ts';

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

/** A payload with its content hash (computed once, when the run was prepared). */
export interface HashedPayload {
  payload: PublishPayload;
  contentHash: string;
}

function conflict(runId: string, stored: string, hash: string): EdgebenchError {
  return new EdgebenchError(
    'STORE_CONFLICT',
    `run ${runId} is already in the store with different content (${stored.slice(0, 19)}…, this one ${hash.slice(0, 19)}…)`,
    'a run is published once; results changed after publishing (resumed, re-run, another --device-class)? publish them as a new run (edgebench run --out results/<new-id>)',
  );
}

const textArray = (xs: readonly string[]) => jsonParam(xs);

/** Row ids by key for rows that may exist: look up, insert the missing (first wins), look up what a concurrent publisher inserted meanwhile. */
async function idsByKey(
  tx: Sql,
  table: string,
  key: string,
  columns: string,
  rows: Map<string, Record<string, unknown>>,
): Promise<Map<string, number>> {
  const select = `SELECT id, ${key} AS k FROM ${table} WHERE ${key} IN (SELECT json_array_elements_text($1::json))`;
  const ids = new Map((await tx.query<{ id: number; k: string }>(select, [textArray([...rows.keys()])])).map((r) => [r.k, r.id]));
  // in key order: two publishers inserting overlapping keys then wait on each other in the same order (no deadlock)
  const missing = [...rows.entries()]
    .filter(([k]) => !ids.has(k))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, r]) => r);
  if (missing.length) {
    const names = columns
      .split(',')
      .map((c) => c.trim().split(/\s+/)[0])
      .join(', ');
    await tx.query(
      `INSERT INTO ${table} (${names}) SELECT ${names} FROM json_to_recordset($1::json) AS x(${columns}) ON CONFLICT (${key}) DO NOTHING`,
      [jsonParam(missing)],
    );
    for (const r of await tx.query<{ id: number; k: string }>(select, [textArray(missing.map((r) => String(r[key])))])) ids.set(r.k, r.id);
  }
  return ids;
}

const CELL_COLUMNS = `run_pk int, idx int, model text, dtype text, runner text, ep text, threads int, shape text, prompt_tokens int, gen_tokens int, depth int,
  status text, error jsonb, boundary text, resolved jsonb, model_info jsonb, synthetic boolean, load_ms float8, peak_rss_bytes float8,
  memory_bandwidth_bytes_per_s float8, started_at timestamptz, ended_at timestamptz, plausibility text, implausible_reasons jsonb, warnings jsonb`;

const METRIC_COLUMNS = `cell_id int, metric text, unit text, boundary text, n int, median float8, mean float8, sd float8, cv float8, p90 float8, p99 float8,
  min float8, max float8, ci_lo float8, ci_hi float8, ci_resamples int, ci_seed float8, samples json`;

const RUN_COLUMNS = `run_id text, content_hash text, device_id int, environment_id int, created_at timestamptz, status text, results_schema_version int,
  edgebench_version text, published_by text, git_commit text, git_dirty boolean, seed float8, suite jsonb, source text`;

const names = (columns: string) =>
  columns
    .split(',')
    .map((c) => c.trim().split(/\s+/)[0])
    .join(', ');

async function insertRows(tx: Sql, table: string, columns: string, rows: readonly object[], suffix = ''): Promise<void> {
  if (rows.length)
    await tx.query(
      `INSERT INTO ${table} (${names(columns)}) SELECT ${names(columns)} FROM json_to_recordset($1::json) AS x(${columns}) ${suffix}`,
      [jsonParam(rows)],
    );
}

/** Insert the runs of `todo` (none of them in the store when the batch began); returns run row ids, null for a run a concurrent publisher committed first. */
async function writeRuns(tx: Sql, todo: readonly HashedPayload[], stage: (s: PublishStage) => Promise<void>): Promise<(number | null)[]> {
  const devices = new Map<string, Record<string, unknown>>();
  const envs = new Map<string, { fingerprint: string; data: unknown }>();
  const envHash = todo.map(({ payload: p }) => {
    if (!devices.has(p.device.fingerprint))
      devices.set(p.device.fingerprint, {
        fingerprint: p.device.fingerprint,
        label: p.device.label,
        device_class: p.device.deviceClass,
        device_class_source: p.device.deviceClassSource,
        kind: p.device.kind,
      });
    const h = contentHash(p.environment);
    if (!envs.has(h)) envs.set(h, { fingerprint: p.device.fingerprint, data: p.environment });
    return h;
  });
  const deviceId = await idsByKey(
    tx,
    'devices',
    'fingerprint',
    'fingerprint text, label text, device_class text, device_class_source text, kind text',
    devices,
  );
  const envRows = new Map([...envs].map(([hash, e]) => [hash, { hash, device_id: deviceId.get(e.fingerprint), data: e.data }]));
  const environmentId = await idsByKey(tx, 'environments', 'hash', 'hash text, device_id int, data jsonb', envRows);
  await stage('device');
  const published = readPackageVersion();
  const runRows = todo.map(({ payload: { run: r, device }, contentHash: hash }, i) => ({
    run_id: r.runId,
    content_hash: hash,
    device_id: deviceId.get(device.fingerprint),
    environment_id: environmentId.get(envHash[i]!),
    created_at: r.createdAt,
    status: r.status,
    results_schema_version: r.resultsSchemaVersion,
    edgebench_version: r.edgebenchVersion,
    published_by: published,
    git_commit: r.git?.commit ?? null,
    git_dirty: r.git?.dirty ?? null,
    seed: r.seed,
    suite: r.suite,
    source: r.source,
  }));
  const inserted = await tx.query<{ id: number; run_id: string }>(
    `INSERT INTO runs (${names(RUN_COLUMNS)}) SELECT ${names(RUN_COLUMNS)} FROM json_to_recordset($1::json) AS x(${RUN_COLUMNS}) ON CONFLICT (run_id) DO NOTHING RETURNING id, run_id`,
    [jsonParam([...runRows].sort((a, b) => (a.run_id < b.run_id ? -1 : a.run_id > b.run_id ? 1 : 0)))], // key order, as above
  );
  const runPk = new Map(inserted.map((x) => [x.run_id, x.id]));
  await stage('run');
  const mine = todo.filter(({ payload: p }) => runPk.has(p.run.runId));
  const cellRows = mine.flatMap(({ payload: p }) =>
    p.cells.map((c) => ({
      run_pk: runPk.get(p.run.runId),
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
    })),
  );
  const cellIds = cellRows.length
    ? await tx.query<{ id: number; run_pk: number; idx: number }>(
        `INSERT INTO cells (${names(CELL_COLUMNS)}) SELECT ${names(CELL_COLUMNS)} FROM json_to_recordset($1::json) AS x(${CELL_COLUMNS}) RETURNING id, run_pk, idx`,
        [jsonParam(cellRows)],
      )
    : [];
  const cellId = new Map(cellIds.map((x) => [`${x.run_pk}:${x.idx}`, x.id]));
  const idOf = (p: PublishPayload, index: number) => cellId.get(`${runPk.get(p.run.runId)}:${index}`);
  await stage('cells');
  const metricRows = mine.flatMap(({ payload: p }) =>
    p.cells.flatMap((c) =>
      c.metrics.map((m) => ({
        cell_id: idOf(p, c.index),
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
    ),
  );
  await insertRows(tx, 'metric_summaries', METRIC_COLUMNS, metricRows);
  await stage('metrics');
  const traceRows = mine.flatMap(({ payload: p }) =>
    p.cells.map((c) => ({ cell_id: idOf(p, c.index), requests: c.trace.requests, energy: c.trace.energy })),
  );
  await insertRows(tx, 'traces', 'cell_id int, requests json, energy json', traceRows);
  await stage('traces');
  const sets = new Map<string, Record<string, unknown>>();
  for (const { payload: p } of mine) {
    const s = p.references?.set;
    if (s) sets.set(contentHash(s), { hash: contentHash(s), title: s.title, compiled: s.compiled, audit_date: s.auditDate });
  }
  if (sets.size) {
    const setId = await idsByKey(tx, 'reference_sets', 'hash', 'hash text, title text, compiled text, audit_date text', sets);
    const uses = mine.flatMap(({ payload: p }) =>
      p.references
        ? p.references.uses.map((u) => ({
            run_pk: runPk.get(p.run.runId),
            reference_set_id: setId.get(contentHash(p.references!.set)),
            cell_idx: u.cell,
            metric: u.metric,
            figure_id: u.figure,
            comparable: u.comparable,
          }))
        : [],
    );
    if (uses.length) {
      await tx.query(
        `INSERT INTO run_references (run_pk, reference_set_id, cell_idx, metric, figure_id, comparable)
         SELECT DISTINCT ON (run_pk, cell_idx, metric, figure_id) run_pk, reference_set_id, cell_idx, metric, figure_id, comparable
         FROM json_to_recordset($1::json) AS x(run_pk int, reference_set_id int, cell_idx int, metric text, figure_id text, comparable boolean)
         ORDER BY run_pk, cell_idx, metric, figure_id, comparable DESC`,
        [jsonParam(uses)],
      );
    }
  }
  await stage('references');
  if (runPk.size) await recordLatest(tx, [...runPk.values()]);
  return todo.map(({ payload: p }) => runPk.get(p.run.runId) ?? null);
}

async function storedHashes(tx: Sql, runIds: readonly string[]): Promise<Map<string, string>> {
  const rows = await tx.query<{ run_id: string; content_hash: string }>(
    'SELECT run_id, content_hash FROM runs WHERE run_id IN (SELECT json_array_elements_text($1::json))',
    [textArray(runIds)],
  );
  return new Map(rows.map((r) => [r.run_id, r.content_hash]));
}

/** Publish several runs in ONE transaction (all or nothing); results in the order given. */
export async function publishBatch(db: StoreDb, batch: readonly HashedPayload[], opts: PublishOptions = {}): Promise<PublishResult[]> {
  const stage = async (s: PublishStage) => {
    await opts.onStage?.(s);
  };
  const outcomes = await db.transaction(async (tx) => {
    const stored = await storedHashes(
      tx,
      batch.map((b) => b.payload.run.runId),
    );
    const seen = new Map<string, string>();
    const todo: HashedPayload[] = [];
    const out = batch.map((b) => {
      const id = b.payload.run.runId;
      const before = stored.get(id) ?? seen.get(id);
      if (before !== undefined) {
        if (before !== b.contentHash) throw conflict(id, before, b.contentHash);
        return 'already-published' as const;
      }
      seen.set(id, b.contentHash);
      todo.push(b);
      return 'published' as const;
    });
    if (todo.length === 0) return out;
    const pks = await writeRuns(tx, todo, stage);
    const lost = todo.filter((_, i) => pks[i] === null).map((b) => b.payload.run.runId);
    if (lost.length) {
      // another publisher committed these run ids while we waited on the constraint: same content, else refuse
      const now = await storedHashes(tx, lost);
      for (const b of todo.filter((x) => lost.includes(x.payload.run.runId))) {
        const h = now.get(b.payload.run.runId)!;
        if (h !== b.contentHash) throw conflict(b.payload.run.runId, h, b.contentHash);
        out[batch.indexOf(b)] = 'already-published';
      }
    }
    return out;
  });
  return batch.map((b, i) => ({
    outcome: outcomes[i]!,
    runId: b.payload.run.runId,
    contentHash: b.contentHash,
    cells: b.payload.cells.length,
    implausible: b.payload.cells.filter((c) => c.plausibility.verdict === 'IMPLAUSIBLE').length,
    location: db.location,
  }));
}

/** One run, one transaction. */
export async function publishPayload(db: StoreDb, p: PublishPayload, opts: PublishOptions = {}): Promise<PublishResult> {
  return (await publishBatch(db, [{ payload: p, contentHash: payloadHash(p) }], opts))[0]!;
}
