/**
 * Store schema v3, for speed (npm run bench:store):
 * - leaderboard_latest: per comparable group, device and runner setup, the most recent cell with
 *   each metric — once among all cells ('any') and once among plausible cells ('plausible') —
 *   kept up to date by publish in the same transaction (publish-latest.ts), so that a leaderboard
 *   reads a few hundred rows instead of sorting every cell ever published. Filled here from the
 *   runs already stored. No command deletes runs; if one ever does, it must refresh this table.
 * - a partial index for counting the implausible cells a leaderboard hides (they are rare).
 * - raw samples and traces as `json` (text checked once) instead of `jsonb`: nothing queries
 *   inside them, and jsonb's per-number conversion was the largest cost of a publish.
 */
import { LATEST_CONFLICT_KEY, latestSelect } from '../publish-latest.ts';

export const name = 'leaderboard-latest';

export const sql = `
ALTER TABLE metric_summaries ALTER COLUMN samples TYPE json USING samples::json;
ALTER TABLE traces ALTER COLUMN requests TYPE json USING requests::json, ALTER COLUMN energy TYPE json USING energy::json;

CREATE TABLE leaderboard_latest (
  scope text NOT NULL CHECK (scope IN ('any', 'plausible')),
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
CREATE UNIQUE INDEX leaderboard_latest_key ON leaderboard_latest ${LATEST_CONFLICT_KEY};

INSERT INTO leaderboard_latest ${latestSelect('TRUE')};

CREATE INDEX cells_implausible ON cells (model) WHERE plausibility <> 'ok';
`;
