/**
 * The one data layer of the results store: plain parameterised SQL ($1, $2, …) that runs
 * unchanged on both drivers — PGlite (PostgreSQL compiled to WASM, in-process, file-backed) and
 * a PostgreSQL server through `pg`. Everything above this file speaks only these interfaces.
 */
import { dataJson } from './json-text.ts';

/**
 * A value bound to a placeholder. JSON goes in as text and is cast with `::json`/`::jsonb` in the
 * SQL. Bytes are sent as they are, in binary format: for a `::json` parameter its UTF-8 text, for
 * an array parameter (`$n::float8[]`, …) PostgreSQL's binary array format (pg-columns.ts) —
 * publish's multi-MB row columns go in that way, encoded once by a worker thread, and neither
 * driver re-encodes them nor PostgreSQL parses them. Only for `::json` and those arrays.
 */
export type SqlParam = string | number | boolean | null | Uint8Array;

export interface Sql {
  query<T extends object>(text: string, params?: readonly SqlParam[]): Promise<T[]>;
  /** several statements without parameters (migrations) */
  exec(text: string): Promise<void>;
}

export interface StoreDb extends Sql {
  readonly kind: 'embedded' | 'server';
  /** where the store is, for messages: a folder, or a connection URL without its password */
  readonly location: string;
  /** BEGIN … COMMIT around `fn`; ROLLBACK when it throws (nothing half-written) */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Inserting many rows with one parameter: `json_to_recordset($n::json)` reads them back as a table. */
export function jsonParam(value: unknown): string {
  return dataJson(value);
}
