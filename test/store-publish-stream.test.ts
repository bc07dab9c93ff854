/**
 * `edgebench publish <dirs…>` streams (src/store/publish-stream.ts): runs prepared by worker
 * threads a batch ahead while the store writes. Against the embedded store and, when the binaries
 * are installed, a real PostgreSQL server: what the workers write is exactly what the in-thread
 * path writes, a re-publish is a no-op, a corrupt folder stops the publish before its batch (the
 * batches before it complete and reported), and a corrupt first batch never opens the store.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreDb } from '../src/store/db.ts';
import { openStore } from '../src/store/open-store.ts';
import { prepareRuns, publishPrepared } from '../src/store/publish-runs.ts';
import { publishRuns } from '../src/store/publish-stream.ts';
import { writeStoreRun } from './fixtures/store/runs.ts';
import { postgresAvailable } from './helpers/postgres-server.ts';
import { embeddedBackend, serverBackend, withStore, type Backend } from './helpers/store-backends.ts';

const tmp = mkdtempSync(join(tmpdir(), 'eb-store-stream-'));

async function runs(prefix: string, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      await writeStoreRun(join(tmp, `${prefix}-${i}`), {
        runId: `${prefix}-${i}`,
        fingerprint: `dev-${i % 2}`,
        seed: i,
        cells: [
          { shape: 'pp64+tg16', tpotMs: 40 + i },
          { shape: 'tg32', status: i === 1 ? 'errored' : 'ok' },
        ],
      }),
    );
  }
  return out;
}

/** Everything publish wrote, without the store's row ids and clocks: equal dumps mean the same rows. */
async function dump(db: StoreDb): Promise<unknown[]> {
  return db.query(
    `SELECT r.run_id, r.content_hash, d.fingerprint, e.hash AS env, c.idx, c.model, c.status, c.plausibility, c.warnings::text AS warnings,
       (SELECT json_agg(json_build_array(m.metric, m.median, m.ci_lo, m.samples::text) ORDER BY m.metric) FROM metric_summaries m WHERE m.cell_id = c.id)::text AS metrics,
       (SELECT t.requests::text || coalesce(t.energy::text, '') FROM traces t WHERE t.cell_id = c.id) AS trace,
       (SELECT count(*)::int FROM run_references x WHERE x.run_pk = r.id AND x.cell_idx = c.idx) AS refs
     FROM runs r JOIN devices d ON d.id = r.device_id JOIN environments e ON e.id = r.environment_id JOIN cells c ON c.run_pk = r.id
     ORDER BY r.run_id, c.idx`,
  );
}

const pgOk = postgresAvailable();

for (const backend of [embeddedBackend(), ...(pgOk ? [serverBackend()] : [])] as Backend[]) {
  describe(`publish streams through worker threads (${backend.name})`, () => {
    beforeAll(() => backend.setup(), 60_000);
    afterAll(() => backend.teardown());

    it('writes exactly what the in-thread path writes, batch by batch; publishing again is a no-op', async () => {
      const dirs = await runs(`same-${backend.name}`, 5);
      const a = (await backend.fresh()).target;
      const b = (await backend.fresh()).target;
      const batches: number[] = [];
      const { results, figures } = await publishRuns(dirs, () => openStore(a), {
        source: 'cli',
        workers: 2,
        batchRuns: 2,
        onBatch: (rs) => batches.push(rs.length),
      });
      expect(figures.workers).toBe(2);
      expect(batches).toEqual([2, 2, 1]);
      expect(results.map((r) => [r.runId, r.outcome])).toEqual(dirs.map((_, i) => [`same-${backend.name}-${i}`, 'published']));
      await withStore(b, async (db) => publishPrepared(db, await prepareRuns(dirs, { source: 'cli' })));
      const [fromWorkers, inThread] = [await withStore(a, dump), await withStore(b, dump)];
      expect(fromWorkers).toHaveLength(10);
      expect(fromWorkers).toEqual(inThread);
      expect((fromWorkers as { refs: number }[]).some((r) => r.refs > 0)).toBe(true); // the shipped references were matched in the workers

      const again = await publishRuns(dirs, () => openStore(a), { source: 'cli', workers: 2, batchRuns: 2 });
      expect(again.results.map((r) => r.outcome)).toEqual(dirs.map(() => 'already-published'));
      expect(again.results.map((r) => r.contentHash)).toEqual(results.map((r) => r.contentHash));
    }, 120_000);

    it('a corrupt folder stops the publish before its batch: the batches before it are stored and said; fixing it and publishing again finishes', async () => {
      const dirs = await runs(`corrupt-${backend.name}`, 5);
      const { target } = await backend.fresh();
      const cellFile = join(dirs[3]!, 'cells', '0000-broken.json');
      writeFileSync(cellFile, '{"schemaVersion": 3, "index": 0, "key": ');
      const err = await publishRuns(dirs, () => openStore(target), { source: 'cli', workers: 2, batchRuns: 2 }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'RESULTS_INVALID' });
      expect((err as Error).message).toMatch(/0000-broken\.json: not valid JSON.*the 2 runs before it are in the store/);
      const stored = await withStore(target, async (db) => db.query<{ run_id: string }>('SELECT run_id FROM runs ORDER BY run_id'));
      expect(stored.map((r) => r.run_id)).toEqual([`corrupt-${backend.name}-0`, `corrupt-${backend.name}-1`]);

      writeFileSync(cellFile, '{}'); // still invalid: refused by the schema, naming the field
      await expect(publishRuns(dirs, () => openStore(target), { source: 'cli', workers: 1, batchRuns: 2 })).rejects.toMatchObject({
        code: 'RESULTS_INVALID',
      });
      rmSync(cellFile);
      const fixed = await publishRuns(dirs, () => openStore(target), { source: 'cli', workers: 1, batchRuns: 2 });
      expect(fixed.results.map((r) => r.outcome)).toEqual([
        'already-published',
        'already-published',
        'published',
        'published',
        'published',
      ]);
    }, 120_000);
  });
}

describe('publish streams: a corrupt first batch', () => {
  it('never opens the store', async () => {
    const dirs = await runs('first-bad', 3);
    writeFileSync(join(dirs[0]!, 'run.json'), '{ truncated');
    let opened = 0;
    const open = async (): Promise<StoreDb> => {
      opened++;
      throw new Error('the store must not be opened');
    };
    await expect(publishRuns(dirs, open, { source: 'cli', workers: 1, batchRuns: 2, references: false })).rejects.toMatchObject({
      code: 'RESULTS_INVALID',
    });
    expect(opened).toBe(0);
  }, 60_000);
});
