/**
 * Store schema v3, for speed (npm run bench:store):
 * - leaderboard_latest: per comparable group, device and runner setup and metric, the most recent
 *   plausible cell and the most recent implausible one, kept up to date by publish in the same
 *   transaction (publish-latest.ts), so that a leaderboard reads a few hundred rows instead of
 *   sorting every cell ever published. Filled here from the runs already stored. No command
 *   deletes runs; if one ever does, it must refresh this table.
 * - a partial index for counting the implausible cells a leaderboard hides (they are rare).
 * - raw samples and traces as `json` (text checked once) instead of `jsonb`: nothing queries
 *   inside them, and jsonb's per-number conversion was the largest cost of a publish.
 */
export const name = 'leaderboard-latest';

export const sql = `
ALTER TABLE metric_summaries ALTER COLUMN samples TYPE json USING samples::json;
ALTER TABLE traces ALTER COLUMN requests TYPE json USING requests::json, ALTER COLUMN energy TYPE json USING energy::json;

CREATE TABLE leaderboard_latest (
  plausible boolean NOT NULL,
  metric text NOT NULL,
  model text NOT NULL,
  dtype text NOT NULL,
  shape text NOT NULL,
  runner text NOT NULL,
  synthetic boolean NOT NULL,
  device_id integer NOT NULL REFERENCES devices(id),
  ep text NOT NULL,
  threads integer,
  created_at timestamptz NOT NULL,
  run_pk integer NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  cell_id integer NOT NULL REFERENCES cells(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX leaderboard_latest_key ON leaderboard_latest
  (metric, model, plausible, dtype, shape, runner, synthetic, device_id, ep, (coalesce(threads, -1)));

INSERT INTO leaderboard_latest (plausible, metric, model, dtype, shape, runner, synthetic, device_id, ep, threads, created_at, run_pk, cell_id)
SELECT DISTINCT ON (m.metric, c.model, c.plausibility = 'ok', c.dtype, c.shape, c.runner, c.synthetic, r.device_id, c.ep, coalesce(c.threads, -1))
  c.plausibility = 'ok', m.metric, c.model, c.dtype, c.shape, c.runner, c.synthetic, r.device_id, c.ep, c.threads, r.created_at, r.id, c.id
FROM runs r JOIN cells c ON c.run_pk = r.id JOIN metric_summaries m ON m.cell_id = c.id
WHERE c.status = 'ok'
ORDER BY m.metric, c.model, c.plausibility = 'ok', c.dtype, c.shape, c.runner, c.synthetic, r.device_id, c.ep, coalesce(c.threads, -1),
  r.created_at DESC, r.id DESC, c.id DESC;

CREATE INDEX cells_implausible ON cells (model) WHERE plausibility <> 'ok';
`;
