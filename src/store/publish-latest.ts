/**
 * The leaderboard's "latest comparable cell per device" table (migration 0003): what a
 * leaderboard ranks is, per (metric, model, dtype, shape, runner, synthetic, device, ep, threads),
 * the cell of the most recent run (created_at, then the run's row id) — among all cells and among
 * plausible ones. Publish upserts its run's cells in its own transaction; an older run published
 * later does not displace a newer one.
 */
import type { Sql } from './db.ts';

const KEY = 'metric, model, scope, dtype, shape, runner, synthetic, device_id, ep, (coalesce(threads, -1))';

/** The unique index and ON CONFLICT target (threads may be null: null counts as one setup, as DISTINCT ON does). */
export const LATEST_CONFLICT_KEY = `(${KEY})`;

/** The newest cell per key among the runs `runFilter` (SQL over `r`) selects. */
export function latestSelect(runFilter: string): string {
  return `(scope, metric, model, dtype, shape, runner, synthetic, device_id, ep, threads, created_at, run_pk, cell_id)
SELECT DISTINCT ON (m.metric, c.model, s.scope, c.dtype, c.shape, c.runner, c.synthetic, r.device_id, c.ep, coalesce(c.threads, -1))
  s.scope, m.metric, c.model, c.dtype, c.shape, c.runner, c.synthetic, r.device_id, c.ep, c.threads, r.created_at, r.id, c.id
FROM runs r JOIN cells c ON c.run_pk = r.id JOIN metric_summaries m ON m.cell_id = c.id
CROSS JOIN (VALUES ('any'), ('plausible')) AS s(scope)
WHERE (${runFilter}) AND c.status = 'ok' AND (s.scope = 'any' OR c.plausibility = 'ok')
ORDER BY m.metric, c.model, s.scope, c.dtype, c.shape, c.runner, c.synthetic, r.device_id, c.ep, coalesce(c.threads, -1), r.created_at DESC, r.id DESC, c.id DESC`;
}

/** Record the cells of the runs with these row ids (publish: one run; bench: many). */
export async function recordLatest(tx: Sql, runPks: readonly number[]): Promise<void> {
  await tx.query(
    `INSERT INTO leaderboard_latest ${latestSelect('r.id = ANY($1::int[])')}
     ON CONFLICT ${LATEST_CONFLICT_KEY} DO UPDATE SET threads = excluded.threads, created_at = excluded.created_at, run_pk = excluded.run_pk, cell_id = excluded.cell_id
     WHERE (leaderboard_latest.created_at, leaderboard_latest.run_pk) < (excluded.created_at, excluded.run_pk)`,
    [`{${runPks.join(',')}}`],
  );
}
