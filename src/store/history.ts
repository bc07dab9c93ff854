/**
 * History: one metric over time (and commits) per series — a series is one device and one
 * comparable setup (model, dtype, shape, runner, weights, EP, threads). Each point is a run's
 * median with its CI; each step from one run to the next is judged with `compare`'s own
 * statistics (ratio of medians, Mann–Whitney U on the stored raw samples, Holm over the series
 * that changed between the same two runs, the noise band), so a point marked "regressed" is
 * exactly what `edgebench compare <previous> <this>` would call a regression.
 */
import { compareSamples, decideVerdict, type Verdict } from '../compare/compare-samples.ts';
import { METRIC_DIRECTION, type Direction } from '../compare/direction.ts';
import type { NoiseBand } from '../compare/noise-band.ts';
import { EdgebenchError } from '../errors.ts';
import type { MetricName } from '../results/schema.ts';
import { holmAdjust } from '../stats/index.ts';
import type { StoredCellRow } from './cell-row.ts';
import type { Sql, SqlParam } from './db.ts';

import { MATCH_KEYS, type MatchKey } from './history-match.ts';

export interface HistoryQuery {
  metric: MetricName;
  match: Partial<Record<MatchKey, string>>;
  /** only runs created after this instant */
  since: Date | null;
  includeImplausible?: boolean;
  noiseBand: NoiseBand;
  alpha: number;
  resamples: number;
  /** most recent runs per series */
  maxPoints: number;
}

export interface HistoryPoint {
  runId: string;
  createdAt: string;
  commit: string | null;
  median: number;
  ciLo: number;
  ciHi: number;
  n: number;
  plausibility: string;
  /** against the previous point of the series (null for the first) */
  change: { ratio: number | null; regressionPct: number | null; pAdjusted: number; verdict: Verdict; reason: string } | null;
}

export interface HistorySeries {
  id: string;
  label: string;
  device: string;
  fingerprint: string;
  model: string;
  dtype: string;
  shape: string;
  runner: string;
  ep: string;
  threads: number | null;
  synthetic: boolean;
  unit: string;
  points: HistoryPoint[];
}

export interface History {
  query: Omit<HistoryQuery, 'since'> & { since: string | null };
  direction: Direction;
  series: HistorySeries[];
  regressions: number;
}

const COLUMN: Record<MatchKey, string> = {
  model: 'c.model',
  dtype: 'c.dtype',
  shape: 'c.shape',
  runner: 'c.runner',
  ep: 'c.ep',
  device: 'd.fingerprint',
  class: 'd.device_class',
};

interface Row extends StoredCellRow {
  run_pk: number;
  samples: number[];
  ci_seed: number;
}

/** A bound on what one history query reads (rows = run × cell). */
export const MAX_HISTORY_ROWS = 20_000;

export async function queryHistoryRows(sql: Sql, q: HistoryQuery): Promise<Row[]> {
  const params: SqlParam[] = [q.metric];
  const where = ['m.metric = $1', "c.status = 'ok'"];
  for (const k of MATCH_KEYS) {
    const v = q.match[k];
    if (v === undefined) continue;
    params.push(v);
    where.push(`${COLUMN[k]} = $${params.length}`);
  }
  if (q.since) {
    params.push(q.since.toISOString());
    where.push(`r.created_at >= $${params.length}::timestamptz`);
  }
  if (!q.includeImplausible) where.push("c.plausibility = 'ok'");
  params.push(MAX_HISTORY_ROWS + 1);
  return sql.query<Row>(
    `SELECT c.model, c.dtype, c.shape, c.runner, c.synthetic, c.ep, c.threads, d.label AS device, d.fingerprint, r.id AS run_pk, r.run_id, r.created_at, r.git_commit,
       m.median, m.ci_lo, m.ci_hi, m.n, m.unit, m.samples, c.plausibility, m.ci_seed
     FROM metric_summaries m JOIN cells c ON c.id = m.cell_id JOIN runs r ON r.id = c.run_pk JOIN devices d ON d.id = r.device_id
     WHERE ${where.join(' AND ')} ORDER BY r.created_at DESC, r.id DESC LIMIT $${params.length}`,
    params,
  );
}

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

interface Step {
  series: HistorySeries;
  point: HistoryPoint;
  prevRun: number;
  run: number;
  s: ReturnType<typeof compareSamples>;
}

/** Pure: rows → series with verdicts (exported for golden tests). */
export function buildHistory(rows: readonly Row[], q: HistoryQuery): History {
  const direction = METRIC_DIRECTION[q.metric];
  const bySeries = new Map<string, { s: HistorySeries; rows: Row[] }>();
  for (const r of rows) {
    const id = JSON.stringify([r.fingerprint, r.model, r.dtype, r.shape, r.runner, r.synthetic, r.ep, r.threads]);
    let e = bySeries.get(id);
    if (!e) {
      const label = `${r.device} · ${r.model} ${r.dtype} ${r.shape} · ${r.runner}/${r.ep}${r.threads === null ? '' : ` t${r.threads}`}${r.synthetic ? ' · synthetic' : ''}`;
      e = {
        s: {
          id,
          label,
          device: r.device,
          fingerprint: r.fingerprint,
          model: r.model,
          dtype: r.dtype,
          shape: r.shape,
          runner: r.runner,
          ep: r.ep,
          threads: r.threads,
          synthetic: r.synthetic,
          unit: r.unit,
          points: [],
        },
        rows: [],
      };
      bySeries.set(id, e);
    }
    e.rows.push(r);
  }
  const steps: Step[] = [];
  const series = [...bySeries.values()].map(({ s, rows: rs }) => {
    const ordered = [...rs]
      .sort((a, b) => Date.parse(iso(a.created_at)) - Date.parse(iso(b.created_at)) || a.run_pk - b.run_pk)
      .slice(-q.maxPoints);
    ordered.forEach((r, i) => {
      const point: HistoryPoint = {
        runId: r.run_id,
        createdAt: iso(r.created_at),
        commit: r.git_commit,
        median: r.median,
        ciLo: r.ci_lo,
        ciHi: r.ci_hi,
        n: r.n,
        plausibility: r.plausibility,
        change: null,
      };
      s.points.push(point);
      const prev = ordered[i - 1];
      if (prev && prev.samples.length && r.samples.length) {
        steps.push({
          series: s,
          point,
          prevRun: prev.run_pk,
          run: r.run_pk,
          s: compareSamples(prev.samples, r.samples, direction, { seed: r.ci_seed, resamples: q.resamples, confidence: 0.95 }),
        });
      }
    });
    return s;
  });
  // Holm over the tests between the same two runs, as `compare <prev> <this>` corrects over its cells
  const families = new Map<string, Step[]>();
  for (const st of steps) {
    const k = `${st.prevRun}>${st.run}`;
    families.set(k, [...(families.get(k) ?? []), st]);
  }
  let regressions = 0;
  for (const fam of families.values()) {
    const adjusted = holmAdjust(fam.map((x) => x.s.pValue));
    fam.forEach((st, i) => {
      const pAdjusted = adjusted[i]!;
      const v = decideVerdict({ ...st.s, pAdjusted }, { alpha: q.alpha, noiseBandPct: q.noiseBand.pct });
      if (v.verdict === 'regressed') regressions++;
      st.point.change = { ratio: st.s.ratio, regressionPct: st.s.regressionPct, pAdjusted, verdict: v.verdict, reason: v.reason };
    });
  }
  series.sort((a, b) => a.label.localeCompare(b.label));
  return { query: { ...q, since: q.since ? q.since.toISOString() : null }, direction, series, regressions };
}

export async function queryHistory(sql: Sql, q: HistoryQuery): Promise<History> {
  const rows = await queryHistoryRows(sql, q);
  if (rows.length > MAX_HISTORY_ROWS) {
    throw new EdgebenchError(
      'USAGE',
      `history: more than ${MAX_HISTORY_ROWS} matching cells`,
      'narrow it with --match (model=…, shape=…, device=<fingerprint>) or --since',
    );
  }
  if (rows.length === 0) {
    const shapes = await sql.query<{ v: string }>(
      "SELECT DISTINCT c.shape AS v FROM cells c JOIN metric_summaries m ON m.cell_id = c.id WHERE m.metric = $1 AND c.status = 'ok' ORDER BY 1 LIMIT 30",
      [q.metric],
    );
    const models = await sql.query<{ v: string }>(
      "SELECT DISTINCT c.model AS v FROM cells c JOIN metric_summaries m ON m.cell_id = c.id WHERE m.metric = $1 AND c.status = 'ok' ORDER BY 1 LIMIT 30",
      [q.metric],
    );
    const what = Object.entries(q.match)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    throw new EdgebenchError(
      'STORE_NO_MATCH',
      `no measured ${q.metric} in the store matches ${what || 'the query'}${q.since ? ` since ${q.since.toISOString().slice(0, 10)}` : ''}`,
      models.length
        ? `the store has ${q.metric} for models ${models.map((x) => x.v).join(', ')}; shapes ${shapes.map((x) => x.v).join(', ')}`
        : `no cell in the store has ${q.metric}: publish runs first (edgebench publish results/<run>)`,
    );
  }
  return buildHistory(rows, q);
}
