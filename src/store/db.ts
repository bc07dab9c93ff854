/**
 * The one data layer of the results store: plain parameterised SQL ($1, $2, …) that runs
 * unchanged on both drivers — PGlite (PostgreSQL compiled to WASM, in-process, file-backed) and
 * a PostgreSQL server through `pg`. Everything above this file speaks only these interfaces.
 */
import { dataJson } from './json-text.ts';

/**
 * A value bound to a placeholder. JSON goes in as text and is cast with `::json`/`::jsonb` in the
 * SQL. Bytes are sent in binary format, which for a `::json` parameter is exactly its UTF-8 text:
 * publish's multi-MB row parameters go in that way, so neither driver re-encodes (nor, in PGlite,
 * measures character by character) a string that a worker thread already encoded. Only for `::json`.
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
