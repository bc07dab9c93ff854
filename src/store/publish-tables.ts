/**
 * The per-run tables publish writes in bulk — cells, metric summaries, traces, reference uses —
 * as column lists shared by the two sides: render-run.ts encodes a run's rows column by column
 * (pg-columns.ts) where the run is prepared, publish.ts inserts a batch `FROM unnest(…)` with one
 * parameter per column. Rows are keyed by the run id and the cell index (not row ids, which only
 * the store knows); the statements join them to `runs` and `cells`.
 */
import { dataJson } from './json-text.ts';
import { columnParam, ColumnWriter, sqlArrayType, type ColumnType, type EncodedColumn } from './pg-columns.ts';

export interface Column {
  name: string;
  /** how it travels */
  type: ColumnType;
  /** the column's SQL type where it differs from how it travels (timestamps go as their ISO text) */
  cast?: 'timestamptz';
}

const col = (name: string, type: ColumnType, cast?: Column['cast']): Column => ({ name, type, ...(cast && { cast }) });

export const TABLE_COLUMNS = {
  cells: [
    col('run_id', 'text'),
    col('idx', 'int4'),
    col('model', 'text'),
    col('dtype', 'text'),
    col('runner', 'text'),
    col('ep', 'text'),
    col('threads', 'int4'),
    col('shape', 'text'),
    col('prompt_tokens', 'int4'),
    col('gen_tokens', 'int4'),
    col('depth', 'int4'),
    col('status', 'text'),
    col('error', 'jsonb'),
    col('boundary', 'text'),
    col('resolved', 'jsonb'),
    col('model_info', 'jsonb'),
    col('synthetic', 'bool'),
    col('load_ms', 'float8'),
    col('peak_rss_bytes', 'float8'),
    col('memory_bandwidth_bytes_per_s', 'float8'),
    col('started_at', 'text', 'timestamptz'),
    col('ended_at', 'text', 'timestamptz'),
    col('plausibility', 'text'),
    col('implausible_reasons', 'jsonb'),
    col('warnings', 'jsonb'),
  ],
  metrics: [
    col('run_id', 'text'),
    col('idx', 'int4'),
    col('metric', 'text'),
    col('unit', 'text'),
    col('boundary', 'text'),
    col('n', 'int4'),
    col('median', 'float8'),
    col('mean', 'float8'),
    col('sd', 'float8'),
    col('cv', 'float8'),
    col('p90', 'float8'),
    col('p99', 'float8'),
    col('min', 'float8'),
    col('max', 'float8'),
    col('ci_lo', 'float8'),
    col('ci_hi', 'float8'),
    col('ci_resamples', 'int4'),
    col('ci_seed', 'float8'),
    col('samples', 'json'),
  ],
  traces: [col('run_id', 'text'), col('idx', 'int4'), col('requests', 'json'), col('energy', 'json')],
  uses: [
    col('run_id', 'text'),
    col('set_hash', 'text'),
    col('cell_idx', 'int4'),
    col('metric', 'text'),
    col('figure_id', 'text'),
    col('comparable', 'bool'),
  ],
} as const satisfies Record<string, readonly Column[]>;

export type TableName = keyof typeof TABLE_COLUMNS;

type Cell = string | number | boolean | null | undefined;

/** One value as its column sends it: json/jsonb as their JSON text (null stays SQL NULL, as JSON null did in json_to_recordset). */
function wireValue(c: Column, v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (c.type === 'json' || c.type === 'jsonb') return dataJson(v);
  return v as Cell;
}

/** A run's rows of one table (objects keyed by column name) → its encoded columns, in TABLE_COLUMNS order. */
export function encodeRows(table: TableName, rows: readonly Record<string, unknown>[]): EncodedColumn[] {
  return TABLE_COLUMNS[table].map((c) => {
    const w = new ColumnWriter(c.name, c.type);
    for (const r of rows) w.push(wireValue(c, r[c.name]));
    return w.done();
  });
}

/** The runs' encoded columns of one table → one parameter per column; null when the runs have no rows. */
export function tableParams(table: TableName, runs: readonly (readonly EncodedColumn[])[]): Uint8Array[] | null {
  if (!runs.some((cols) => cols[0]!.count > 0)) return null;
  return TABLE_COLUMNS[table].map((c, i) =>
    columnParam(
      c.type,
      runs.map((cols) => cols[i]!),
    ),
  );
}

/** `unnest($1::text[], $2::int4[], …) AS x(run_id, idx, …)` for a table's parameters. */
export function unnestFrom(table: TableName): string {
  const cols = TABLE_COLUMNS[table];
  return `unnest(${cols.map((c, i) => `$${i + 1}::${sqlArrayType(c.type)}`).join(', ')}) AS x(${cols.map((c) => c.name).join(', ')})`;
}

/** The table's columns other than the keys, plain (`a, b`) or read from `x` with their casts (`x.a, x.b::timestamptz`). */
export function valueColumns(table: TableName, keys: readonly string[], from?: 'x'): string {
  return TABLE_COLUMNS[table]
    .filter((c: Column) => !keys.includes(c.name))
    .map((c: Column) => (from ? `${from}.${c.name}${c.cast ? `::${c.cast}` : ''}` : c.name))
    .join(', ');
}
