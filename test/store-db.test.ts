/**
 * The results store against a REAL PostgreSQL server (throwaway cluster on loopback) and against
 * the embedded PGlite store — the same tests, the same SQL: publish, idempotence, concurrent
 * publishers in several processes, a publish killed mid-transaction, migrations from empty and
 * from the previous schema, a store from a newer edgebench, bad input.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EdgebenchError } from '../src/errors.ts';
import type { StoreDb } from '../src/store/db.ts';
import { queryLeaderboard } from '../src/store/leaderboard.ts';
import { migrate } from '../src/store/migrate.ts';
import { STORE_SCHEMA_VERSION } from '../src/store/migrations/index.ts';
import { openStore, type StoreTarget } from '../src/store/open-store.ts';
import { prepareRuns, publishPrepared } from '../src/store/publish-runs.ts';
import { cliInProcess } from './fixtures/compare/cli.ts';
import { writeStoreRun } from './fixtures/store/runs.ts';
import { postgresAvailable } from './helpers/postgres-server.ts';
import { embeddedBackend, serverBackend, withStore, type Backend } from './helpers/store-backends.ts';

const ROOT = join(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'eb-store-runs-'));
let runN = 0;

async function run(spec: Partial<Parameters<typeof writeStoreRun>[1]> = {}): Promise<string> {
  const runId = spec.runId ?? `run-${runN + 1}`;
  return writeStoreRun(join(tmp, `${runId}-${++runN}`), { runId, cells: [{ shape: 'pp64+tg16' }, { shape: 'tg32' }], ...spec });
}

async function publish(target: StoreTarget, dirs: string[]) {
  const prepared = await prepareRuns(dirs, { source: 'cli', references: false });
  const db = await openStore(target);
  try {
    return await publishPrepared(db, prepared);
  } finally {
    await db.close();
  }
}

async function counts(db: StoreDb): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ['runs', 'devices', 'environments', 'cells', 'metric_summaries', 'traces']) {
    out[t] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`))[0]!.n;
  }
  return out;
}

/** A helper script in its own node process (tsx loader, no CLI start-up). */
function child(script: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/helpers', script), ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => void (stdout += String(d)));
    c.stderr.on('data', (d: Buffer) => void (stderr += String(d)));
    c.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function waitForLine(child: ReturnType<typeof spawn>, line: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no "${line}" within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      out += String(d);
      if (out.includes(line)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (d: Buffer) => void (err += String(d)));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before "${line}": ${err}`));
    });
  });
}

const pgOk = postgresAvailable();

for (const backend of [embeddedBackend(), serverBackend()] as Backend[]) {
  describe.skipIf(backend.name === 'server' && !pgOk)(`results store (${backend.name})`, () => {
    beforeAll(() => backend.setup());
    afterAll(() => backend.teardown());

    it('publishes a run: every table filled, once, in one transaction; the same run again is a no-op', async () => {
      const { target } = await backend.fresh();
      const dir = await run({ commit: 'abc123' });
      const [first] = await publish(target, [dir]);
      expect(first!.outcome).toBe('published');
      const [again] = await publish(target, [dir]);
      expect(again!.outcome).toBe('already-published');
      expect(again!.contentHash).toBe(first!.contentHash);
      await withStore(target, async (db) => {
        expect(await counts(db)).toEqual({ runs: 1, devices: 1, environments: 1, cells: 2, metric_summaries: 13, traces: 2 });
        const [r] = await db.query<{ git_commit: string; content_hash: string }>('SELECT git_commit, content_hash FROM runs');
        expect(r).toEqual({ git_commit: 'abc123', content_hash: first!.contentHash });
        const [m] = await db.query<{ n: number; samples: number[] }>(
          "SELECT m.n, m.samples FROM metric_summaries m JOIN cells c ON c.id = m.cell_id WHERE c.idx = 0 AND m.metric = 'ttftMs'",
        );
        expect(m!.n).toBe(10);
        expect(m!.samples).toHaveLength(10);
      });
    });

    it('refuses a different run under an id already published, and changes nothing', async () => {
      const { target } = await backend.fresh();
      await publish(target, [await run({ runId: 'same-id' })]);
      const other = await writeStoreRun(join(tmp, `same-id-other-${++runN}`), { runId: 'same-id', cells: [{ shape: 'tg8' }] });
      await expect(publish(target, [other])).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
      await withStore(target, async (db) => expect((await counts(db)).cells).toBe(2));
    });

    it('several runs in one command share a transaction: a folder given twice is published once; a conflicting run refuses its whole batch', async () => {
      const { target } = await backend.fresh();
      const a = await run({ runId: 'batch-a', fingerprint: 'dev-x' });
      const b = await run({ runId: 'batch-b', fingerprint: 'dev-y' });
      expect((await publish(target, [a, b, a])).map((r) => r.outcome)).toEqual(['published', 'published', 'already-published']);
      const c = await run({ runId: 'batch-c', fingerprint: 'dev-z' });
      const changed = await writeStoreRun(join(tmp, `batch-b-changed-${++runN}`), { runId: 'batch-b', cells: [{ shape: 'tg8' }] });
      await expect(publish(target, [c, changed])).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
      await withStore(target, async (db) => {
        expect(await counts(db)).toMatchObject({ runs: 2, devices: 2, cells: 4 });
        expect((await db.query<{ run_id: string }>('SELECT run_id FROM runs ORDER BY run_id')).map((r) => r.run_id)).toEqual([
          'batch-a',
          'batch-b',
        ]);
      });
    });

    it('concurrent publishers in several processes: every distinct run once, the shared run once', async () => {
      const { arg, target } = await backend.fresh();
      const shared = await run({ runId: 'shared' });
      const own = await Promise.all([1, 2, 3].map((i) => run({ runId: `proc-${i}`, fingerprint: `dev-${i}` })));
      const results = await Promise.all(own.map((d) => child('publish-child.ts', [arg, d, shared])));
      for (const r of results) expect(r.code, r.stderr).toBe(0);
      const said = results.map((r) => r.stdout).join('');
      expect(said.match(/^published shared$/gm)).toHaveLength(1);
      expect(said.match(/^already-published shared$/gm)).toHaveLength(2);
      expect(said.match(/^published proc-\d$/gm)).toHaveLength(3);
      await withStore(target, async (db) => expect(await counts(db)).toMatchObject({ runs: 4, devices: 4, cells: 8 }));
    });

    it('a publish killed inside its transaction leaves nothing; the next publish succeeds', async () => {
      const { arg, target } = await backend.fresh();
      const dir = await run();
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/helpers/publish-hang.ts'), arg, dir], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      await waitForLine(child, 'IN_TX', 90_000);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      await withStore(target, async (db) => expect(await counts(db)).toMatchObject({ runs: 0, cells: 0, metric_summaries: 0, traces: 0 }));
      const [r] = await publish(target, [dir]);
      expect(r!.outcome).toBe('published');
    });

    it('migrates an empty store and a store of the previous schema (data kept); refuses a newer one', async () => {
      const { target } = await backend.fresh();
      const db = await openStore(target, { migrate: false });
      try {
        expect(await migrate(db, { upTo: STORE_SCHEMA_VERSION - 1 })).toEqual({ from: 0, to: STORE_SCHEMA_VERSION - 1 });
        // a device stored by the previous schema survives the upgrade
        await db.query(
          "INSERT INTO devices (fingerprint, label, device_class, device_class_source, kind) VALUES ('old-dev', 'old', 'laptop', 'detected', 'node')",
        );
        expect(await migrate(db)).toEqual({ from: STORE_SCHEMA_VERSION - 1, to: STORE_SCHEMA_VERSION });
        expect(await migrate(db)).toEqual({ from: STORE_SCHEMA_VERSION, to: STORE_SCHEMA_VERSION });
        expect(await db.query('SELECT label FROM devices')).toEqual([{ label: 'old' }]);
        await db.query("INSERT INTO edgebench_store_migrations (version, name, edgebench_version) VALUES (99, 'future', '9.9.9')");
      } finally {
        await db.close();
      }
      const err = await openStore(target).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EdgebenchError);
      expect((err as EdgebenchError).code).toBe('STORE_VERSION');
      expect((err as EdgebenchError).message).toMatch(
        new RegExp(`schema v99 \\(written by edgebench 9\\.9\\.9\\).*knows up to v${STORE_SCHEMA_VERSION}`),
      );
    });

    it('compresses raw samples and traces with lz4 (migration 4: pglz spent ms a run on them)', async () => {
      const { target } = await backend.fresh();
      await publish(target, [await run({ runId: 'lz4', cells: [{ shape: 'tg128' }] })]);
      await withStore(target, async (db) => {
        const rows = await db.query<{ requests: string | null; samples: string | null }>(
          `SELECT pg_column_compression(t.requests) AS requests, pg_column_compression(m.samples) AS samples
           FROM traces t JOIN metric_summaries m ON m.cell_id = t.cell_id WHERE m.metric = 'itlMs'`,
        );
        // both backends here have lz4 (PGlite always; Debian's PostgreSQL is built with it)
        expect(rows).toEqual([{ requests: 'lz4', samples: 'lz4' }]);
      });
    });

    it('a store of schema v2 with runs in it: the upgrade fills the leaderboard table, keeps samples, and publishing goes on', async () => {
      const { target } = await backend.fresh();
      const db = await openStore(target, { migrate: false });
      try {
        await migrate(db, { upTo: 2 });
        // three runs of one device as v2 stored them: the newest cell is implausible
        await db.query(
          "INSERT INTO devices (fingerprint, label, device_class, device_class_source, kind) VALUES ('dev-v2', 'Old laptop', 'laptop', 'detected', 'node')",
        );
        await db.query("INSERT INTO environments (hash, device_id, data) SELECT 'env-v2', id, '{}'::jsonb FROM devices");
        for (const [i, median, verdict] of [
          [1, 10, 'ok'],
          [2, 12, 'ok'],
          [3, 99, 'IMPLAUSIBLE'],
        ] as const) {
          await db.query(
            `INSERT INTO runs (run_id, content_hash, device_id, environment_id, created_at, status, results_schema_version, edgebench_version, published_by, seed, suite, source)
             SELECT $1, 'sha256:v2', d.id, e.id, $2, 'complete', 1, '0.1.0', '0.1.0', 42, '{}'::jsonb, 'cli' FROM devices d, environments e`,
            [`v2-run-${i}`, `2026-11-0${i}T08:00:00.000Z`],
          );
          await db.query(
            `INSERT INTO cells (run_pk, idx, model, dtype, runner, ep, threads, shape, prompt_tokens, gen_tokens, depth, status, boundary, synthetic, started_at, ended_at, plausibility, implausible_reasons, warnings)
             SELECT id, 0, 'llama-3.2-1b', 'q4', 'ort-node', 'cpu', 2, 'tg64', 1, 64, 0, 'ok', 'harness', true, created_at, created_at, $2, '[]'::jsonb, '[]'::jsonb FROM runs WHERE run_id = $1`,
            [`v2-run-${i}`, verdict],
          );
          await db.query(
            `INSERT INTO metric_summaries (cell_id, metric, unit, boundary, n, median, mean, min, max, ci_lo, ci_hi, ci_resamples, ci_seed, samples)
             SELECT c.id, 'decodeTokensPerS', 'tok/s', 'harness', 3, $2, $2, $2, $2, $2, $2, 1000, 1, $3::jsonb FROM cells c JOIN runs r ON r.id = c.run_pk WHERE r.run_id = $1`,
            [`v2-run-${i}`, median, JSON.stringify([median - 0.5, median, median + 0.5])],
          );
        }
        expect(await migrate(db)).toEqual({ from: 2, to: STORE_SCHEMA_VERSION });
        const lb = await queryLeaderboard(db, { model: 'llama-3.2-1b', metric: 'decodeTokensPerS', limit: 5 });
        expect(lb.groups.map((g) => g.rows.map((r) => [r.runId, r.median, r.device]))).toEqual([[['v2-run-2', 12, 'Old laptop']]]);
        expect(lb.hiddenImplausible).toBe(1);
        const all = await queryLeaderboard(db, { model: 'llama-3.2-1b', metric: 'decodeTokensPerS', limit: 5, includeImplausible: true });
        expect(all.groups[0]!.rows.map((r) => r.runId)).toEqual(['v2-run-3']);
        expect(
          await db.query(
            "SELECT m.samples FROM metric_summaries m JOIN cells c ON c.id = m.cell_id JOIN runs r ON r.id = c.run_pk WHERE r.run_id = 'v2-run-1'",
          ),
        ).toEqual([{ samples: [9.5, 10, 10.5] }]);
      } finally {
        await db.close();
      }
      // a run published after the upgrade, on the same device and setup, newer: it leads
      const [r] = await publish(target, [
        await run({
          runId: 'after-upgrade',
          fingerprint: 'dev-v2',
          createdAt: '2026-11-20T08:00:00.000Z',
          cells: [{ shape: 'tg64', runner: 'ort-node', ep: 'cpu' }],
        }),
      ]);
      expect(r!.outcome).toBe('published');
      await withStore(target, async (db) => {
        const lb = await queryLeaderboard(db, { model: 'llama-3.2-1b', metric: 'decodeTokensPerS', limit: 5 });
        expect(lb.groups.flatMap((g) => g.rows.map((x) => x.runId))).toContain('after-upgrade');
        expect(lb.groups.flatMap((g) => g.rows.map((x) => x.runId))).not.toContain('v2-run-2');
        // with implausible rows: the newer of the setup's latest plausible (after-upgrade) and latest implausible (v2-run-3) cell
        const all = await queryLeaderboard(db, { model: 'llama-3.2-1b', metric: 'decodeTokensPerS', limit: 5, includeImplausible: true });
        expect(all.groups.flatMap((g) => g.rows.map((x) => x.runId))).toEqual(['after-upgrade']);
      });
    });

    it('bad input: an old-schema run is upgraded and stored; a corrupt run is refused before anything is written', async () => {
      const { target } = await backend.fresh();
      const [old] = await publish(target, [join(ROOT, 'test/fixtures/results/v0')]);
      expect(old!.outcome).toBe('published');
      const bad = await run({ runId: 'corrupt' });
      writeFileSync(join(bad, 'cells', '0001-broken.json'), '{"schemaVersion": 1, "index": 1, "key": ');
      await expect(publish(target, [await run({ runId: 'fine-before-corrupt' }), bad])).rejects.toMatchObject({ code: 'RESULTS_INVALID' });
      await withStore(target, async (db) => expect((await counts(db)).runs).toBe(1));
    });
  });
}

describe.skipIf(!pgOk)('store connection errors (real PostgreSQL)', () => {
  const b = serverBackend();
  beforeAll(() => b.setup());
  afterAll(() => b.teardown());

  it('a wrong password and an unreachable server are one line naming EDGEBENCH_DB', async () => {
    await b.server!.createDatabase('auth');
    const dir = await run({ runId: 'conn' });
    const wrong = await cliInProcess(['publish', dir, '--db', b.server!.url('auth', 'not-the-password'), '--no-references']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(
      /^error\[STORE_UNAVAILABLE\]: cannot connect to the store postgres:\/\/edgebench:\*\*\*@127\.0\.0\.1:\d+\/auth: authentication failed/,
    );
    expect(wrong.stderr).toContain('EDGEBENCH_DB');
    expect(wrong.stderr).not.toContain('not-the-password');
    const closed = await cliInProcess(['publish', dir, '--no-references'], { EDGEBENCH_DB: 'postgres://x:y@127.0.0.1:1/none' });
    expect(closed.code).toBe(1);
    expect(closed.stderr).toMatch(/connection refused/);
    expect(closed.stderr).toContain('EDGEBENCH_DB');
    expect(closed.stderr).not.toContain('INTERNAL');
  });
});

describe('store: nothing is created by a refused publish', () => {
  it('a corrupt run never opens the embedded store', async () => {
    const bad = await run({ runId: 'corrupt-2' });
    writeFileSync(join(bad, 'run.json'), '{ truncated');
    const storeDir = join(tmp, 'never-created');
    const r = await cliInProcess(['publish', bad, '--db', storeDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[RESULTS_INVALID\]: .*run\.json: not valid JSON/);
    expect(existsSync(storeDir)).toBe(false);
  });
});
