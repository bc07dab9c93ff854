/**
 * Server driver: a PostgreSQL server through `pg` (node-postgres). One client per command is
 * enough (publish, leaderboard and history each run a handful of statements); `serve --db`
 * keeps it open for the session.
 */
import pg from 'pg';
import { EdgebenchError } from '../errors.ts';
import type { Sql, SqlParam, StoreDb } from './db.ts';
import { redactUrl } from './redact-url.ts';

const HINT =
  'set EDGEBENCH_DB (or --db) to a reachable postgres://user:password@host:port/database, or leave both unset for the embedded store';

/** pg/network errors → one line that names the setting to fix. */
export function connectionError(e: unknown, shown: string): EdgebenchError {
  const err = e as { code?: string; message?: string };
  const code = err.code ?? '';
  const reason =
    code === '28P01' || code === '28000'
      ? 'authentication failed (wrong user or password)'
      : code === '3D000'
        ? 'no such database'
        : code === 'ECONNREFUSED'
          ? 'connection refused (no server listening there)'
          : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
            ? 'unknown host'
            : code === 'ETIMEDOUT'
              ? 'connection timed out'
              : (err.message ?? String(e)).split('\n')[0];
  return new EdgebenchError('STORE_UNAVAILABLE', `cannot connect to the store ${shown}: ${reason}`, HINT, { cause: e });
}

function sqlOf(client: pg.ClientBase): Sql {
  return {
    async query<T extends object>(text: string, params: readonly SqlParam[] = []): Promise<T[]> {
      // bytes as a Buffer over the same memory: pg sends a Buffer in binary format (db.ts SqlParam)
      const values = params.map((p) =>
        p instanceof Uint8Array && !Buffer.isBuffer(p) ? Buffer.from(p.buffer, p.byteOffset, p.byteLength) : p,
      );
      const r = await client.query<T & pg.QueryResultRow>(text, values);
      return r.rows;
    },
    async exec(text: string): Promise<void> {
      await client.query(text);
    },
  };
}

export async function openPg(url: string, opts: { connectTimeoutMs?: number } = {}): Promise<StoreDb> {
  const shown = redactUrl(url);
  let client: pg.Client;
  try {
    client = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
      application_name: 'edgebench',
    });
  } catch (e) {
    throw connectionError(e, shown);
  }
  // a dropped connection later must not crash the process with an unhandled 'error' event
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw connectionError(e, shown);
  }
  await client.query("SET client_min_messages = 'warning'");
  const base = sqlOf(client);
  return {
    kind: 'server',
    location: shown,
    query: base.query,
    async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      await client.query('BEGIN');
      try {
        const out = await fn(base);
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    },
    exec: base.exec,
    async close() {
      await client.end();
    },
  };
}
