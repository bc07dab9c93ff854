/**
 * The leaderboard's "latest comparable cell per device" table (migration 0003): what a
 * leaderboard ranks is, per (metric, model, dtype, shape, runner, synthetic, device, ep, threads),
 * the cell of the most recent run (created_at, then the run's row id). The table keeps that cell
 * twice at most: the newest plausible one and the newest implausible one (rare), so a default
 * leaderboard reads the first and `--include-implausible` the newer of the two. Publish upserts
 * its runs' cells in its own transaction; an older run published later does not displace a newer.
 */
import type { Sql } from './db.ts';

/** The ON CONFLICT target: migration 0003's unique index (threads may be null: one setup, as DISTINCT ON has it). */
const CONFLICT_KEY = '(metric, model, plausible, dtype, shape, runner, synthetic, device_id, ep, (coalesce(threads, -1)))';

/** Record the cells of the runs with these row ids (publish: a batch of runs; bench: many). */
export async function recordLatest(tx: Sql, runPks: readonly number[]): Promise<void> {
  await tx.query(
    `INSERT INTO leaderboard_latest (plausible, metric, model, dtype, shape, runner, synthetic, device_id, ep, threads, created_at, run_pk, cell_id)
     SELECT DISTINCT ON (m.metric, c.model, c.plausibility = 'ok', c.dtype, c.shape, c.runner, c.synthetic, r.device_id, c.ep, coalesce(c.threads, -1))
       c.plausibility = 'ok', m.metric, c.model, c.dtype, c.shape, c.runner, c.synthetic, r.device_id, c.ep, c.threads, r.created_at, r.id, c.id
     FROM runs r JOIN cells c ON c.run_pk = r.id JOIN metric_summaries m ON m.cell_id = c.id
     WHERE r.id = ANY($1::int[]) AND c.status = 'ok'
     ORDER BY m.metric, c.model, c.plausibility = 'ok', c.dtype, c.shape, c.runner, c.synthetic, r.device_id, c.ep, coalesce(c.threads, -1),
       r.created_at DESC, r.id DESC, c.id DESC
     ON CONFLICT ${CONFLICT_KEY} DO UPDATE SET threads = excluded.threads, created_at = excluded.created_at, run_pk = excluded.run_pk, cell_id = excluded.cell_id
     WHERE (leaderboard_latest.created_at, leaderboard_latest.run_pk, leaderboard_latest.cell_id) < (excluded.created_at, excluded.run_pk, excluded.cell_id)`,
    [`{${runPks.join(',')}}`],
  );
}
