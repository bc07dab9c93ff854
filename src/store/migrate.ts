/**
 * Bring a store to this edgebench's schema, in one transaction under an advisory lock so that
 * concurrent first publishers to an empty server do not race. A store newer than this
 * edgebench is refused with the version that made it.
 */
import { EdgebenchError } from '../errors.ts';
import { readPackageVersion } from '../version.ts';
import type { Sql, StoreDb } from './db.ts';
import { MIGRATIONS, STORE_SCHEMA_VERSION } from './migrations/index.ts';

/** Arbitrary constant: the advisory lock key all edgebench migrations share. */
const MIGRATION_LOCK = 734_201_912;

const CREATE_LEDGER = `CREATE TABLE IF NOT EXISTS edgebench_store_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  edgebench_version text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

export interface MigrateResult {
  from: number;
  to: number;
}

async function currentVersion(tx: Sql): Promise<{ version: number; by: string | null }> {
  const rows = await tx.query<{ version: number; edgebench_version: string }>(
    'SELECT version, edgebench_version FROM edgebench_store_migrations ORDER BY version DESC LIMIT 1',
  );
  return { version: rows[0]?.version ?? 0, by: rows[0]?.edgebench_version ?? null };
}

function refuseNewer(db: StoreDb, version: number, by: string | null): never {
  throw new EdgebenchError(
    'STORE_VERSION',
    `the store ${db.location} has schema v${version} (written by edgebench ${by ?? '?'}); this edgebench ${readPackageVersion()} knows up to v${STORE_SCHEMA_VERSION}`,
    `upgrade edgebench to ${by ?? 'a newer version'} or later to use this store`,
  );
}

/** `upTo` (tests): stop at an older schema, to test upgrades from it. */
export async function migrate(db: StoreDb, opts: { upTo?: number } = {}): Promise<MigrateResult> {
  const target = opts.upTo ?? STORE_SCHEMA_VERSION;
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec(CREATE_LEDGER);
    const { version, by } = await currentVersion(tx);
    if (version > STORE_SCHEMA_VERSION) refuseNewer(db, version, by);
    for (const m of MIGRATIONS.filter((x) => x.version > version && x.version <= target)) {
      await tx.exec(m.sql);
      await tx.query('INSERT INTO edgebench_store_migrations (version, name, edgebench_version) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        readPackageVersion(),
      ]);
    }
    return { from: version, to: Math.max(version, target) };
  });
}
