/**
 * Leaderboard: rankings only among comparable rows — the same model, dtype, shape and runner, and
 * weights of the same kind (synthetic never beside real). One row per device and runner setup
 * (execution provider, threads): its most recent run. Implausible cells are left out unless asked.
 * When nothing matches, the error says what the store does hold.
 */
import { METRIC_DIRECTION, type Direction } from '../compare/direction.ts';
import { EdgebenchError } from '../errors.ts';
import type { MetricName } from '../results/schema.ts';
import type { StoredCellRow } from './cell-row.ts';
import type { Sql, SqlParam } from './db.ts';

export interface LeaderboardQuery {
  model: string;
  metric: MetricName;
  deviceClass?: string;
  dtype?: string;
  shape?: string;
  runner?: string;
  includeImplausible?: boolean;
  /** rows per group */
  limit: number;
}

export interface LeaderboardRow {
  rank: number;
  device: string;
  deviceClass: string;
  fingerprint: string;
  ep: string;
  threads: number | null;
  median: number;
  ciLo: number;
  ciHi: number;
  n: number;
  unit: string;
  runId: string;
  createdAt: string;
  commit: string | null;
  plausibility: string;
}

export interface LeaderboardGroup {
  model: string;
  dtype: string;
  shape: string;
  runner: string;
  synthetic: boolean;
  rows: LeaderboardRow[];
  /** devices beyond the limit */
  more: number;
}

export interface Leaderboard {
  query: LeaderboardQuery;
  direction: Direction;
  groups: LeaderboardGroup[];
  /** comparable rows hidden because they were flagged IMPLAUSIBLE */
  hiddenImplausible: number;
}

interface Row extends StoredCellRow {
  device_class: string;
}

/**
 * WHERE for one comparable group: `t` is the table holding model/dtype/shape/runner — cells `c`, or
 * the latest-cell table `l` (migration 0003) — and `m` the one holding the metric; `base` adds the
 * table's own conditions.
 */
function filters(q: LeaderboardQuery, t: 'c' | 'l', m: 'm' | 'l', base: readonly string[]): { where: string; params: SqlParam[] } {
  const params: SqlParam[] = [q.metric, q.model];
  const where = [`${m}.metric = $1`, `${t}.model = $2`, ...base];
  const add = (sql: string, v: string | undefined) => {
    if (v === undefined) return;
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  add('d.device_class = ?', q.deviceClass);
  add(`${t}.dtype = ?`, q.dtype);
  add(`${t}.shape = ?`, q.shape);
  add(`${t}.runner = ?`, q.runner);
  return { where: where.join(' AND '), params };
}

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

async function whatExists(sql: Sql, q: LeaderboardQuery): Promise<string> {
  const models = await sql.query<{ model: string }>(
    "SELECT DISTINCT c.model FROM cells c JOIN metric_summaries m ON m.cell_id = c.id WHERE m.metric = $1 AND c.status = 'ok' ORDER BY 1 LIMIT 20",
    [q.metric],
  );
  if (!models.some((x) => x.model === q.model)) {
    const any = (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM runs'))[0]?.n ?? 0;
    if (any === 0) return 'the store is empty: publish runs first (edgebench publish results/<run>)';
    return models.length
      ? `models with ${q.metric} in the store: ${models.map((x) => x.model).join(', ')}`
      : `no cell in the store has ${q.metric}`;
  }
  const facets = await sql.query<{ device_class: string; dtype: string; shape: string; runner: string }>(
    "SELECT DISTINCT d.device_class, c.dtype, c.shape, c.runner FROM cells c JOIN runs r ON r.id = c.run_pk JOIN devices d ON d.id = r.device_id JOIN metric_summaries m ON m.cell_id = c.id WHERE m.metric = $1 AND c.model = $2 AND c.status = 'ok' LIMIT 500",
    [q.metric, q.model],
  );
  const list = (k: keyof (typeof facets)[number]) => [...new Set(facets.map((f) => f[k]))].sort().join(', ');
  return `${q.model} has device classes: ${list('device_class')}; dtypes: ${list('dtype')}; shapes: ${list('shape')}; runners: ${list('runner')}`;
}

export function rankRows(rows: readonly Row[], direction: Direction, limit: number): LeaderboardGroup[] {
  const groups = new Map<string, { g: Omit<LeaderboardGroup, 'rows' | 'more'>; rows: Row[] }>();
  for (const r of rows) {
    const key = JSON.stringify([r.model, r.dtype, r.shape, r.runner, r.synthetic]);
    let e = groups.get(key);
    if (!e)
      groups.set(key, (e = { g: { model: r.model, dtype: r.dtype, shape: r.shape, runner: r.runner, synthetic: r.synthetic }, rows: [] }));
    e.rows.push(r);
  }
  const sign = direction === 'higher-is-better' ? -1 : 1;
  return [...groups.values()]
    .map(({ g, rows: rs }) => {
      const sorted = [...rs].sort((a, b) => sign * (a.median - b.median) || a.device.localeCompare(b.device));
      return {
        ...g,
        more: Math.max(0, sorted.length - limit),
        rows: sorted.slice(0, limit).map((r, i) => ({
          rank: i + 1,
          device: r.device,
          deviceClass: r.device_class,
          fingerprint: r.fingerprint,
          ep: r.ep,
          threads: r.threads,
          median: r.median,
          ciLo: r.ci_lo,
          ciHi: r.ci_hi,
          n: r.n,
          unit: r.unit,
          runId: r.run_id,
          createdAt: iso(r.created_at),
          commit: r.git_commit,
          plausibility: r.plausibility,
        })),
      };
    })
    .sort(
      (a, b) =>
        a.shape.localeCompare(b.shape) ||
        a.dtype.localeCompare(b.dtype) ||
        a.runner.localeCompare(b.runner) ||
        Number(a.synthetic) - Number(b.synthetic),
    );
}

export async function queryLeaderboard(sql: Sql, q: LeaderboardQuery): Promise<Leaderboard> {
  const latest = filters(q, 'l', 'l', q.includeImplausible ? [] : ['l.plausible']);
  // the latest run per device and runner setup within each comparable group, maintained at publish (publish-latest.ts);
  // with implausible rows, the newer of a setup's latest plausible and latest implausible cell
  const rows = await sql.query<Row>(
    `SELECT DISTINCT ON (l.dtype, l.shape, l.runner, l.synthetic, d.fingerprint, l.ep, l.threads) l.model, l.dtype, l.shape, l.runner, l.synthetic, l.ep, l.threads, d.label AS device, d.device_class, d.fingerprint,
       r.run_id, r.created_at, r.git_commit, m.median, m.ci_lo, m.ci_hi, m.n, m.unit, c.plausibility
     FROM leaderboard_latest l JOIN metric_summaries m ON m.cell_id = l.cell_id AND m.metric = l.metric JOIN cells c ON c.id = l.cell_id
       JOIN runs r ON r.id = l.run_pk JOIN devices d ON d.id = l.device_id
     WHERE ${latest.where}
     ORDER BY l.dtype, l.shape, l.runner, l.synthetic, d.fingerprint, l.ep, l.threads, l.created_at DESC, l.run_pk DESC, l.cell_id DESC`,
    latest.params,
  );
  const { where, params } = filters(q, 'c', 'm', ["c.status = 'ok'"]);
  let hiddenImplausible = 0;
  if (!q.includeImplausible) {
    // driven by the partial index cells_implausible: implausible cells are few
    hiddenImplausible =
      (
        await sql.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM cells c JOIN metric_summaries m ON m.cell_id = c.id JOIN runs r ON r.id = c.run_pk JOIN devices d ON d.id = r.device_id WHERE ${where} AND c.plausibility <> 'ok'`,
          params,
        )
      )[0]?.n ?? 0;
  }
  if (rows.length === 0) {
    const hint = hiddenImplausible
      ? `${hiddenImplausible} matching cells are flagged IMPLAUSIBLE; --include-implausible shows them`
      : await whatExists(sql, q);
    const what = [
      `model ${q.model}`,
      `metric ${q.metric}`,
      q.deviceClass && `device class ${q.deviceClass}`,
      q.dtype && `dtype ${q.dtype}`,
      q.shape && `shape ${q.shape}`,
      q.runner && `runner ${q.runner}`,
    ]
      .filter(Boolean)
      .join(', ');
    throw new EdgebenchError('STORE_NO_MATCH', `no measured cell in the store matches ${what}`, hint);
  }
  return {
    query: q,
    direction: METRIC_DIRECTION[q.metric],
    groups: rankRows(rows, METRIC_DIRECTION[q.metric], q.limit),
    hiddenImplausible,
  };
}
