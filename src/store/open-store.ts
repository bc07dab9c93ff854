/**
 * Which store a command uses: `--db` wins, then EDGEBENCH_DB, then the embedded store under
 * ~/.edgebench/store. A postgres:// or postgresql:// URL means a server; anything else is the
 * folder of an embedded (PGlite) store. Opening migrates it to this edgebench's schema.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { EdgebenchError } from '../errors.ts';
import type { StoreDb } from './db.ts';
import { migrate } from './migrate.ts';
import { redactUrl } from './redact-url.ts';

export const DB_ENV = 'EDGEBENCH_DB';

export type StoreTarget = { kind: 'embedded'; dir: string } | { kind: 'server'; url: string };

export function defaultStoreDir(): string {
  return join(homedir(), '.edgebench', 'store');
}

export function resolveStoreTarget(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): StoreTarget {
  const raw = flag ?? env[DB_ENV] ?? '';
  const value = raw.trim();
  if (value === '') {
    if (flag !== undefined)
      throw new EdgebenchError('USAGE', '--db: empty', `pass a folder or a postgres:// URL, or leave --db out for ${defaultStoreDir()}`);
    return { kind: 'embedded', dir: defaultStoreDir() };
  }
  if (/^postgres(ql)?:\/\//i.test(value)) return { kind: 'server', url: value };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    const from = flag !== undefined ? '--db' : DB_ENV;
    throw new EdgebenchError(
      'USAGE',
      `${from}: unsupported URL scheme in '${value.split('://')[0]}://…'`,
      'use postgres://user:password@host:port/database, or a folder for the embedded store',
    );
  }
  return { kind: 'embedded', dir: resolve(value) };
}

export function describeTarget(t: StoreTarget): string {
  return t.kind === 'embedded' ? `embedded store ${t.dir}` : `PostgreSQL server ${redactUrl(t.url)}`;
}

/** Open (drivers are imported on demand: PGlite's WASM is only loaded for the embedded store). */
export async function openStore(target: StoreTarget, opts: { migrate?: boolean } = {}): Promise<StoreDb> {
  const db =
    target.kind === 'embedded'
      ? await (await import('./driver-pglite.ts')).openPglite(target.dir)
      : await (await import('./driver-pg.ts')).openPg(target.url);
  if (opts.migrate === false) return db;
  try {
    await migrate(db);
  } catch (e) {
    await db.close().catch(() => undefined);
    if (e instanceof EdgebenchError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new EdgebenchError(
      'STORE_UNAVAILABLE',
      `cannot prepare the store ${db.location}: ${msg.split('\n')[0]}`,
      `the database user needs CREATE rights on first use; or point --db / ${DB_ENV} at another store`,
      { cause: e },
    );
  }
  return db;
}
