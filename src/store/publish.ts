/**
 * Write prepared runs (their rows rendered by render-run.ts) into the store, a batch of runs per
 * transaction: a killed publish leaves no run half-written (the batch is all or nothing), a run id
 * already present is a no-op when its content hash is the same (idempotent) and a refusal when it
 * differs. Each table gets ONE multi-row statement per batch — per-statement round trips, not the
 * rows, were what a publish cost — and the big tables' rows come as columns in binary format
 * (`unnest`, publish-tables.ts): PostgreSQL parses nothing but the JSON values, once each. Concurrent
 * publishers of the same run meet at the UNIQUE(run_id) constraint: the second waits for the first
 * to commit, then finds the run and does nothing.
 */
import { EdgebenchError } from '../errors.ts';
import { readPackageVersion } from '../version.ts';
import { jsonParam, type Sql, type StoreDb } from './db.ts';
import { recordLatest } from './publish-latest.ts';
import type { RenderedRun } from './render-run.ts';
import { tableParams, unnestFrom, valueColumns, type TableName } from './publish-tables.ts';

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

function conflict(runId: string, stored: string, hash: string): EdgebenchError {
  return new EdgebenchError(
    'STORE_CONFLICT',
    `run ${runId} is already in the store with different content (${stored.slice(0, 19)}…, this one ${hash.slice(0, 19)}…)`,
    'a run is published once; results changed after publishing (resumed, re-run, another --device-class)? publish them as a new run (edgebench run --out results/<new-id>)',
  );
}

const textArray = (xs: readonly string[]) => jsonParam(xs);

/** `a int, b text` → `a, b` (or `x.a, x.b`): the names of a json_to_recordset column list. */
const names = (columns: string, prefix = '') =>
  columns
    .split(',')
    .map((c) => prefix + c.trim().split(/\s+/)[0])
    .join(', ');

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
    const cols = names(columns);
    await tx.query(
      `INSERT INTO ${table} (${cols}) SELECT ${cols} FROM json_to_recordset($1::json) AS x(${columns}) ON CONFLICT (${key}) DO NOTHING`,
      [jsonParam(missing)],
    );
    for (const r of await tx.query<{ id: number; k: string }>(select, [textArray(missing.map((r) => String(r[key])))])) ids.set(r.k, r.id);
  }
  return ids;
}

const RUN_COLUMNS = `run_id text, content_hash text, device_id int, environment_id int, created_at timestamptz, status text, results_schema_version int,
  edgebench_version text, published_by text, git_commit text, git_dirty boolean, seed float8, suite jsonb, source text`;

/** The runs' rows of a table as its column parameters (render-run.ts encoded them); null when there are none. */
const paramsOf = (runs: readonly RenderedRun[], table: TableName) =>
  tableParams(
    table,
    runs.map((r) => r.rows[table]),
  );

/** How per-cell rows name their cell until the store gives it a row id. */
const KEYS = ['run_id', 'idx'];

/** `rows` (keyed by run_id, idx) into `table` with the cell row ids of the runs this batch inserted (only theirs are passed). */
async function insertPerCell(tx: Sql, table: string, rows: 'metrics' | 'traces', params: Uint8Array[] | null): Promise<void> {
  if (!params) return;
  await tx.query(
    `INSERT INTO ${table} (cell_id, ${valueColumns(rows, KEYS)}) SELECT c.id, ${valueColumns(rows, KEYS, 'x')}
     FROM ${unnestFrom(rows)} JOIN runs r ON r.run_id = x.run_id JOIN cells c ON c.run_pk = r.id AND c.idx = x.idx`,
    params,
  );
}

/** Insert the runs of `todo` (none of them in the store when the batch began); returns run row ids, null for a run a concurrent publisher committed first. */
async function writeRuns(tx: Sql, todo: readonly RenderedRun[], stage: (s: PublishStage) => Promise<void>): Promise<(number | null)[]> {
  const devices = new Map<string, Record<string, unknown>>();
  const envs = new Map<string, { fingerprint: string; data: unknown }>();
  for (const r of todo) {
    if (!devices.has(r.device.fingerprint)) devices.set(r.device.fingerprint, { ...r.device });
    if (!envs.has(r.environment.hash)) envs.set(r.environment.hash, { fingerprint: r.device.fingerprint, data: r.environment.data });
  }
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
  const runRows = todo.map((r) => ({
    ...r.run,
    device_id: deviceId.get(r.device.fingerprint),
    environment_id: environmentId.get(r.environment.hash),
    published_by: published,
  }));
  const inserted = await tx.query<{ id: number; run_id: string }>(
    `INSERT INTO runs (${names(RUN_COLUMNS)}) SELECT ${names(RUN_COLUMNS)} FROM json_to_recordset($1::json) AS x(${RUN_COLUMNS}) ON CONFLICT (run_id) DO NOTHING RETURNING id, run_id`,
    [jsonParam([...runRows].sort((a, b) => (a.run_id < b.run_id ? -1 : a.run_id > b.run_id ? 1 : 0)))], // key order, as above
  );
  const runPk = new Map(inserted.map((x) => [x.run_id, x.id]));
  await stage('run');
  // only the runs this transaction inserted: their run_id now names our row, so the joins below find only ours
  const mine = todo.filter((r) => runPk.has(r.runId));
  const cells = paramsOf(mine, 'cells');
  if (cells)
    await tx.query(
      `INSERT INTO cells (run_pk, ${valueColumns('cells', ['run_id'])}) SELECT r.id, ${valueColumns('cells', ['run_id'], 'x')}
       FROM ${unnestFrom('cells')} JOIN runs r ON r.run_id = x.run_id`,
      cells,
    );
  await stage('cells');
  await insertPerCell(tx, 'metric_summaries', 'metrics', paramsOf(mine, 'metrics'));
  await stage('metrics');
  await insertPerCell(tx, 'traces', 'traces', paramsOf(mine, 'traces'));
  await stage('traces');
  const sets = new Map<string, Record<string, unknown>>();
  for (const r of mine) if (r.referenceSet) sets.set(r.referenceSet.hash, { ...r.referenceSet });
  const uses = paramsOf(mine, 'uses');
  if (sets.size) await idsByKey(tx, 'reference_sets', 'hash', 'hash text, title text, compiled text, audit_date text', sets);
  if (uses) {
    await tx.query(
      `INSERT INTO run_references (run_pk, reference_set_id, cell_idx, metric, figure_id, comparable)
       SELECT DISTINCT ON (r.id, x.cell_idx, x.metric, x.figure_id) r.id, s.id, x.cell_idx, x.metric, x.figure_id, x.comparable
       FROM ${unnestFrom('uses')}
       JOIN runs r ON r.run_id = x.run_id JOIN reference_sets s ON s.hash = x.set_hash
       ORDER BY r.id, x.cell_idx, x.metric, x.figure_id, x.comparable DESC`,
      uses,
    );
  }
  await stage('references');
  if (runPk.size) await recordLatest(tx, [...runPk.values()]);
  return todo.map((r) => runPk.get(r.runId) ?? null);
}

async function storedHashes(tx: Sql, runIds: readonly string[]): Promise<Map<string, string>> {
  const rows = await tx.query<{ run_id: string; content_hash: string }>(
    'SELECT run_id, content_hash FROM runs WHERE run_id IN (SELECT json_array_elements_text($1::json))',
    [textArray(runIds)],
  );
  return new Map(rows.map((r) => [r.run_id, r.content_hash]));
}

/** Publish several runs in ONE transaction (all or nothing); results in the order given. */
export async function publishBatch(db: StoreDb, batch: readonly RenderedRun[], opts: PublishOptions = {}): Promise<PublishResult[]> {
  const stage = async (s: PublishStage) => {
    await opts.onStage?.(s);
  };
  const outcomes = await db.transaction(async (tx) => {
    const stored = await storedHashes(
      tx,
      batch.map((b) => b.runId),
    );
    const seen = new Map<string, string>();
    const todo: RenderedRun[] = [];
    const out = batch.map((b) => {
      const id = b.runId;
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
    const lost = todo.filter((_, i) => pks[i] === null).map((b) => b.runId);
    if (lost.length) {
      // another publisher committed these run ids while we waited on the constraint: same content, else refuse
      const now = await storedHashes(tx, lost);
      for (const b of todo.filter((x) => lost.includes(x.runId))) {
        const h = now.get(b.runId)!;
        if (h !== b.contentHash) throw conflict(b.runId, h, b.contentHash);
        out[batch.indexOf(b)] = 'already-published';
      }
    }
    return out;
  });
  return batch.map((b, i) => ({
    outcome: outcomes[i]!,
    runId: b.runId,
    contentHash: b.contentHash,
    cells: b.cellCount,
    implausible: b.implausible.length,
    location: db.location,
  }));
}
