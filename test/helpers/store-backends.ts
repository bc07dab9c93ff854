/**
 * The two store backends the same tests run against: an embedded PGlite folder (copied from a
 * template made once, since initdb in WASM takes seconds) and a database on a throwaway
 * PostgreSQL server (test/helpers/postgres-server.ts).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { StoreDb } from '../../src/store/db.ts';
import { openStore, type StoreTarget } from '../../src/store/open-store.ts';
import { postgresAvailable, startPostgres, type PostgresServer } from './postgres-server.ts';

export interface Backend {
  name: 'embedded' | 'server';
  setup(): Promise<void>;
  /** a new, empty store */
  fresh(): Promise<{ target: StoreTarget; arg: string }>;
  teardown(): Promise<void>;
  server?: PostgresServer;
}

export function embeddedBackend(): Backend {
  let root = '';
  let template = '';
  let n = 0;
  return {
    name: 'embedded',
    async setup() {
      root = mkdtempSync(join(tmpdir(), 'eb-store-'));
      template = join(root, 'template');
      const db = await PGlite.create(template);
      await db.close();
    },
    async fresh() {
      const dir = join(root, `store-${++n}`);
      cpSync(template, dir, { recursive: true });
      return { target: { kind: 'embedded', dir }, arg: dir };
    },
    async teardown() {
      if (root) rmSync(root, { recursive: true, force: true });
    },
  };
}

export function serverBackend(): Backend {
  let n = 0;
  const b: Backend = {
    name: 'server',
    async setup() {
      b.server = await startPostgres();
    },
    async fresh() {
      const url = await b.server!.createDatabase(`store_${++n}`);
      return { target: { kind: 'server', url }, arg: url };
    },
    async teardown() {
      b.server?.stop();
    },
  };
  return b;
}

/** Both backends, the server one only where PostgreSQL is installed (else a one-line skip notice). */
export function backends(): Backend[] {
  return postgresAvailable() ? [embeddedBackend(), serverBackend()] : [embeddedBackend()];
}

/** Opens the store, runs fn on it, closes it. */
export async function withStore<T>(target: StoreTarget, fn: (db: StoreDb) => Promise<T>): Promise<T> {
  const db = await openStore(target);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
