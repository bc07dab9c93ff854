/**
 * Store migrations, in order. The store's version is the number of migrations applied; a store
 * with more than this list knows was made by a newer edgebench and is refused (never downgraded).
 * Append only: a released migration is never edited.
 */
import * as m0001 from './0001-initial.ts';
import * as m0002 from './0002-references.ts';
import * as m0003 from './0003-leaderboard-latest.ts';
import * as m0004 from './0004-lz4-raw-data.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [m0001, m0002, m0003, m0004].map((m, i) => ({ version: i + 1, name: m.name, sql: m.sql }));

export const STORE_SCHEMA_VERSION = MIGRATIONS.length;
