/**
 * Embedded driver: PGlite (PostgreSQL in WASM) over a data folder. One process at a time may open
 * a PGlite folder, so the folder is guarded by a lock file (embedded-lock.ts) that other
 * publishers wait on.
 */
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { EdgebenchError } from '../errors.ts';
import type { Sql, SqlParam, StoreDb } from './db.ts';
import { acquireFolderLock, type FolderLock } from './embedded-lock.ts';
import { ARRAY_OIDS } from './pg-columns.ts';

type Queryable = Pick<PGlite, 'query' | 'exec'>;

/** PostgreSQL's type oid of json. */
const JSON_OID = 114;

type Serializer = (x: unknown) => string | Uint8Array;

/**
 * PGlite serializes a `json` parameter with JSON.stringify unless it is a string, and an array
 * parameter element by element; bytes (db.ts SqlParam: a json text, or a column in binary array
 * format, pg-columns.ts) must reach the protocol as they are, which sends them in binary format.
 */
function bytesAsIs(own: Record<number, Serializer | undefined>) {
  const serializers: Record<number, Serializer> = {};
  for (const oid of [JSON_OID, ...ARRAY_OIDS]) {
    const fallback = own[oid];
    serializers[oid] = (x) => (x instanceof Uint8Array ? x : fallback ? fallback(x) : String(x));
  }
  return { serializers };
}

function sqlOf(q: Queryable, serializers: ReturnType<typeof bytesAsIs>): Sql {
  return {
    async query<T extends object>(text: string, params: readonly SqlParam[] = []): Promise<T[]> {
      const bytes = params.some((p) => p instanceof Uint8Array);
      const r = await q.query<T>(text, [...params], bytes ? (serializers as Parameters<PGlite['query']>[2]) : undefined);
      return r.rows;
    },
    async exec(text: string): Promise<void> {
      await q.exec(text);
    },
  };
}

export async function openPglite(dir: string, opts: { lockTimeoutMs?: number } = {}): Promise<StoreDb> {
  await mkdir(dir, { recursive: true }).catch((e: unknown) => {
    throw new EdgebenchError(
      'STORE_UNAVAILABLE',
      `cannot create the store folder ${dir}: ${e instanceof Error ? e.message : String(e)}`,
      'pass a writable folder with --db <path>, or set EDGEBENCH_DB',
    );
  });
  const lock: FolderLock = await acquireFolderLock(dir, opts.lockTimeoutMs ?? 60_000);
  let pg: PGlite;
  try {
    pg = await PGlite.create(dir);
  } catch (e) {
    await lock.release();
    const msg = e instanceof Error ? e.message : String(e);
    throw new EdgebenchError(
      'STORE_UNAVAILABLE',
      `cannot open the embedded store ${dir}: ${msg.split('\n')[0]}`,
      'the folder is not a PGlite store, or it is damaged; point --db (or EDGEBENCH_DB) at another folder',
    );
  }
  const serializers = bytesAsIs(pg.serializers as Record<number, Serializer | undefined>);
  const base = sqlOf(pg, serializers);
  return {
    kind: 'embedded',
    location: dir,
    query: base.query,
    exec: base.exec,
    transaction: <T>(fn: (tx: Sql) => Promise<T>) => pg.transaction((tx) => fn(sqlOf(tx, serializers))),
    async close() {
      try {
        await pg.close();
      } finally {
        await lock.release();
      }
    },
  };
}
