/**
 * Store schema v1: devices, trimmed environments, runs, cells, one row per metric summary (with
 * its raw samples, so `history` can rerun compare's tests), and the raw per-token traces in a side
 * table so that leaderboard queries never read them.
 * Numbers that can exceed 2^31 are double precision (exact up to 2^53), so both drivers return
 * JS numbers without int8 → string conversions.
 */
export const name = 'initial';

export const sql = `
CREATE TABLE devices (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  fingerprint text NOT NULL UNIQUE,
  label text NOT NULL,
  device_class text NOT NULL,
  device_class_source text NOT NULL,
  kind text NOT NULL,
  first_seen timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE environments (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  hash text NOT NULL UNIQUE,
  device_id integer NOT NULL REFERENCES devices(id),
  data jsonb NOT NULL
);

CREATE TABLE runs (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id text NOT NULL UNIQUE,
  content_hash text NOT NULL,
  device_id integer NOT NULL REFERENCES devices(id),
  environment_id integer NOT NULL REFERENCES environments(id),
  created_at timestamptz NOT NULL,
  published_at timestamptz NOT NULL DEFAULT now(),
  status text NOT NULL,
  results_schema_version integer NOT NULL,
  edgebench_version text NOT NULL,
  published_by text NOT NULL,
  git_commit text,
  git_dirty boolean,
  seed double precision NOT NULL,
  suite jsonb NOT NULL,
  source text NOT NULL
);

CREATE TABLE cells (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_pk integer NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  idx integer NOT NULL,
  model text NOT NULL,
  dtype text NOT NULL,
  runner text NOT NULL,
  ep text NOT NULL,
  threads integer,
  shape text NOT NULL,
  prompt_tokens integer NOT NULL,
  gen_tokens integer NOT NULL,
  depth integer NOT NULL,
  status text NOT NULL,
  error jsonb,
  boundary text NOT NULL,
  resolved jsonb,
  model_info jsonb,
  synthetic boolean NOT NULL,
  load_ms double precision,
  peak_rss_bytes double precision,
  memory_bandwidth_bytes_per_s double precision,
  started_at timestamptz NOT NULL,
  ended_at timestamptz NOT NULL,
  plausibility text NOT NULL,
  implausible_reasons jsonb NOT NULL,
  warnings jsonb NOT NULL,
  UNIQUE (run_pk, idx)
);

CREATE TABLE metric_summaries (
  cell_id integer NOT NULL REFERENCES cells(id) ON DELETE CASCADE,
  metric text NOT NULL,
  unit text NOT NULL,
  boundary text NOT NULL,
  n integer NOT NULL,
  median double precision NOT NULL,
  mean double precision NOT NULL,
  sd double precision,
  cv double precision,
  p90 double precision,
  p99 double precision,
  min double precision NOT NULL,
  max double precision NOT NULL,
  ci_lo double precision NOT NULL,
  ci_hi double precision NOT NULL,
  ci_resamples integer NOT NULL,
  ci_seed double precision NOT NULL,
  samples jsonb NOT NULL,
  PRIMARY KEY (cell_id, metric)
);

CREATE TABLE traces (
  cell_id integer PRIMARY KEY REFERENCES cells(id) ON DELETE CASCADE,
  requests jsonb NOT NULL,
  energy jsonb
);

CREATE INDEX cells_run ON cells (run_pk);
`;
