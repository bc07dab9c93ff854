/**
 * Store schema v2: which published reference figures each run was set beside (the figures a report
 * of that run cites, with the dataset's title and dates), and the index leaderboard queries use.
 */
export const name = 'references-and-leaderboard-index';

export const sql = `
CREATE TABLE reference_sets (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  hash text NOT NULL UNIQUE,
  title text NOT NULL,
  compiled text NOT NULL,
  audit_date text NOT NULL
);

CREATE TABLE run_references (
  run_pk integer NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  reference_set_id integer NOT NULL REFERENCES reference_sets(id),
  cell_idx integer NOT NULL,
  metric text NOT NULL,
  figure_id text NOT NULL,
  comparable boolean NOT NULL,
  PRIMARY KEY (run_pk, cell_idx, metric, figure_id)
);

CREATE INDEX cells_comparable ON cells (model, dtype, shape, runner, synthetic);
CREATE INDEX metric_summaries_metric ON metric_summaries (metric, cell_id);
`;
