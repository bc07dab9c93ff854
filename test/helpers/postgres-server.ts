/**
 * A throwaway PostgreSQL cluster for integration tests: initdb into a temp folder, a free
 * loopback port, the unix socket inside the temp folder, password authentication (so a wrong
 * password can be tested), stopped and deleted afterwards. Uses the Debian server binaries
 * (/usr/lib/postgresql/<v>/bin); as root the server runs as the `postgres` user (PostgreSQL
 * refuses to run as root).
 *
 * Absent binaries: the tests skip with a one-line how-to — unless EDGEBENCH_REQUIRE_POSTGRES=1
 * (set by .ci/run), which turns the skip into a failure.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export const REQUIRE_POSTGRES_ENV = 'EDGEBENCH_REQUIRE_POSTGRES';
export const POSTGRES_HOWTO =
  'PostgreSQL server tests skipped: no initdb/postgres binaries; enable with `apt-get install postgresql` (or set PG_BIN to their folder); EDGEBENCH_REQUIRE_POSTGRES=1 makes this a failure';

export function findPostgresBin(): string | null {
  const candidates: string[] = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    for (const v of readdirSync(root).sort((a, b) => Number(b) - Number(a))) candidates.push(join(root, v, 'bin'));
  }
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (pgConfig.status === 0) candidates.push(pgConfig.stdout.trim());
  return candidates.find((d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'postgres'))) ?? null;
}

/** Whether the server tests run; throws when they are required but impossible. */
export function postgresAvailable(): boolean {
  const bin = findPostgresBin();
  if (bin) return true;
  if (process.env[REQUIRE_POSTGRES_ENV] === '1') throw new Error(`${REQUIRE_POSTGRES_ENV}=1 but ${POSTGRES_HOWTO}`);
  console.warn(POSTGRES_HOWTO);
  return false;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface PostgresServer {
  port: number;
  user: string;
  password: string;
  /** URL of a database on this server (created by createDatabase) */
  url(database: string, password?: string): string;
  createDatabase(name: string): Promise<string>;
  stop(): void;
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = findPostgresBin();
  if (!bin) throw new Error(POSTGRES_HOWTO);
  const dir = mkdtempSync(join(tmpdir(), 'eb-pg-'));
  const data = join(dir, 'data');
  const user = 'edgebench';
  const password = 'test-secret-pw';
  const asRoot = process.getuid?.() === 0;
  // PostgreSQL refuses to run as root: hand the folder to the postgres user and run through runuser
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
  }
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, `${password}\n`);
  if (asRoot) chownSync(pwfile, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()), 0);
  const run = (cmd: string, args: string[]) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]] : [join(bin, cmd), args];
    const r = spawnSync(file, argv, { encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr || r.stdout}`);
  };
  run('initdb', ['-D', data, '-U', user, '--pwfile', pwfile, '-A', 'scram-sha-256', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50`;
  run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', opts, '-w', '-t', '120', 'start']);
  const url = (database: string, pw = password) => `postgres://${user}:${encodeURIComponent(pw)}@127.0.0.1:${port}/${database}`;
  let stopped = false;
  // a test runner killed by a timeout skips afterAll: never leave a server behind
  const onExit = () => b.stop();
  process.once('exit', onExit);
  const b: PostgresServer = {
    port,
    user,
    password,
    url,
    async createDatabase(name: string) {
      const c = new pg.Client({ connectionString: url('postgres') });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await c.end();
      }
      return url(name);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      process.off('exit', onExit);
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  return b;
}
