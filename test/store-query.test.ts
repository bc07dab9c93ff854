/**
 * Leaderboard and history over an embedded store: comparable rows only, implausible rows left
 * out, "nothing matches" says what exists, and a history step's verdict is exactly what
 * `compare` says for the same two runs.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRuns } from '../src/compare/compare-runs.ts';
import { openAnalyzedRun } from '../src/results/open-run.ts';
import type { NoiseBand } from '../src/compare/noise-band.ts';
import { parseMatch, parseSince } from '../src/cli/history.ts';
import type { StoreDb } from '../src/store/db.ts';
import { queryHistory } from '../src/store/history.ts';
import { formatHistoryMarkdown } from '../src/store/history-text.ts';
import { queryLeaderboard, rankRows } from '../src/store/leaderboard.ts';
import { METRIC_DIRECTION } from '../src/compare/direction.ts';
import { MetricName } from '../src/results/schema.ts';
import { openStore } from '../src/store/open-store.ts';
import { prepareRuns, publishPrepared } from '../src/store/publish-runs.ts';
import { writeStoreRun, type StoreRunSpec } from './fixtures/store/runs.ts';
import { embeddedBackend } from './helpers/store-backends.ts';

const backend = embeddedBackend();
const tmp = mkdtempSync(join(tmpdir(), 'eb-store-query-'));
const BAND: NoiseBand = { pct: 5, environment: 'laptop', source: 'flag' };
let db: StoreDb;
const dirs = new Map<string, string>();

async function add(spec: StoreRunSpec): Promise<void> {
  const dir = await writeStoreRun(join(tmp, spec.runId), spec);
  dirs.set(spec.runId, dir);
}

beforeAll(async () => {
  await backend.setup();
  // two laptops over five commits; the last commit makes dev-a 40 % slower on tg64
  for (const [dev, tpot] of [
    ['dev-a', 60],
    ['dev-b', 45],
  ] as const) {
    for (let i = 0; i < 5; i++) {
      await add({
        runId: `${dev}-r${i}`,
        fingerprint: dev,
        cpuBrand: dev === 'dev-a' ? 'Xeon A' : 'Core B',
        commit: `c${i}${dev}`,
        createdAt: `2026-11-2${i}T08:00:00.000Z`,
        seed: i * 11 + (dev === 'dev-a' ? 0 : 5),
        cells: [{ shape: 'tg64', tpotMs: i === 4 && dev === 'dev-a' ? tpot * 1.4 : tpot, requests: 12 }],
      });
    }
  }
  // the same model with real weights: ranked apart, never beside synthetic ones
  await add({ runId: 'real-1', fingerprint: 'dev-c', cpuBrand: 'Ryzen C', cells: [{ shape: 'tg64', tpotMs: 30, synthetic: false }] });
  // decode beyond the memory roofline (0.9 GB/token at 20 GB/s ×1.5 → 33 tok/s; this is 100 tok/s)
  await add({ runId: 'too-fast', fingerprint: 'dev-d', cpuBrand: 'Impossible D', cells: [{ shape: 'tg64', tpotMs: 10 }] });
  const { target } = await backend.fresh();
  db = await openStore(target);
  await publishPrepared(db, await prepareRuns([...dirs.values()], { source: 'cli', references: false }));
  // an older run of dev-b published last: it must not displace dev-b's newest run
  await add({
    runId: 'dev-b-late-old',
    fingerprint: 'dev-b',
    cpuBrand: 'Core B',
    commit: 'cold',
    createdAt: '2026-11-19T08:00:00.000Z',
    seed: 99,
    cells: [{ shape: 'tg64', tpotMs: 40, requests: 12 }],
  });
  await publishPrepared(db, await prepareRuns([dirs.get('dev-b-late-old')!], { source: 'cli', references: false }));
});

type ScanRow = Parameters<typeof rankRows>[0][number];

/** The leaderboard query before migration 0003: DISTINCT ON over every cell (the reference the maintained table must equal). */
async function scanLeaderboard(metric: MetricName, includeImplausible: boolean) {
  const rows = await db.query<ScanRow>(
    `SELECT DISTINCT ON (c.dtype, c.shape, c.runner, c.synthetic, d.fingerprint, c.ep, c.threads)
       c.model, c.dtype, c.shape, c.runner, c.synthetic, c.ep, c.threads, d.label AS device, d.device_class, d.fingerprint,
       r.run_id, r.created_at, r.git_commit, m.median, m.ci_lo, m.ci_hi, m.n, m.unit, c.plausibility
     FROM metric_summaries m JOIN cells c ON c.id = m.cell_id JOIN runs r ON r.id = c.run_pk JOIN devices d ON d.id = r.device_id
     WHERE m.metric = $1 AND c.model = 'llama-3.2-1b' AND c.status = 'ok' ${includeImplausible ? '' : "AND c.plausibility = 'ok'"}
     ORDER BY c.dtype, c.shape, c.runner, c.synthetic, d.fingerprint, c.ep, c.threads, r.created_at DESC, r.id DESC`,
    [metric],
  );
  return rankRows(rows, METRIC_DIRECTION[metric], 20);
}

afterAll(async () => {
  await db?.close();
  await backend.teardown();
});

describe('leaderboard', () => {
  it('ranks the latest run per device within comparable groups; synthetic and real apart; implausible left out', async () => {
    const lb = await queryLeaderboard(db, { model: 'llama-3.2-1b', metric: 'decodeTokensPerS', limit: 20 });
    expect(lb.groups.map((g) => [g.shape, g.synthetic, g.rows.map((r) => r.runId)])).toEqual([
      ['tg64', false, ['real-1']],
      ['tg64', true, ['dev-b-r4', 'dev-a-r4']],
    ]);
    const row = lb.groups[1]!.rows[0]!;
    expect(row.n).toBe(12);
    expect(row.ciLo).toBeLessThanOrEqual(row.median);
    expect(row.ciHi).toBeGreaterThanOrEqual(row.median);
    expect(row.median).toBeCloseTo(1000 / 45, 0);
    expect(lb.hiddenImplausible).toBe(1);
    const all = await queryLeaderboard(db, { model: 'llama-3.2-1b', metric: 'decodeTokensPerS', limit: 20, includeImplausible: true });
    expect(all.groups[1]!.rows[0]).toMatchObject({ runId: 'too-fast', plausibility: 'IMPLAUSIBLE' });
  });

  it('lower-is-better metrics rank ascending', async () => {
    const lb = await queryLeaderboard(db, { model: 'llama-3.2-1b', metric: 'tpotMs', limit: 1 });
    expect(lb.groups[1]!.rows.map((r) => r.runId)).toEqual(['dev-b-r4']);
    expect(lb.groups[1]!.more).toBe(1);
  });

  it('a query matching nothing says what the store holds', async () => {
    await expect(queryLeaderboard(db, { model: 'gemma-3-1b', metric: 'ttftMs', limit: 5 })).rejects.toMatchObject({
      code: 'STORE_NO_MATCH',
      message: 'no measured cell in the store matches model gemma-3-1b, metric ttftMs',
      hint: 'models with ttftMs in the store: llama-3.2-1b',
    });
    await expect(queryLeaderboard(db, { model: 'llama-3.2-1b', metric: 'ttftMs', deviceClass: 'phone', limit: 5 })).rejects.toMatchObject({
      hint: 'llama-3.2-1b has device classes: laptop; dtypes: q4; shapes: tg64; runners: ort-node',
    });
  });
});

describe('leaderboard table (migration 0003)', () => {
  it('gives exactly what a DISTINCT ON scan over every cell gives, for each metric, with and without implausible rows', async () => {
    let compared = 0;
    for (const metric of MetricName.options) {
      for (const includeImplausible of [false, true]) {
        const scan = await scanLeaderboard(metric, includeImplausible);
        const q = queryLeaderboard(db, { model: 'llama-3.2-1b', metric, limit: 20, includeImplausible });
        if (scan.length === 0) await expect(q).rejects.toMatchObject({ code: 'STORE_NO_MATCH' });
        else expect((await q).groups).toEqual(scan);
        compared += scan.length;
      }
    }
    expect(compared).toBeGreaterThan(20);
    const tg = await queryLeaderboard(db, { model: 'llama-3.2-1b', metric: 'tpotMs', limit: 20 });
    expect(tg.groups[1]!.rows.map((r) => r.runId)).not.toContain('dev-b-late-old');
  });
});

describe('history', () => {
  it('marks the step compare calls a regression, and only that one, with the same verdict as compare', async () => {
    const h = await queryHistory(db, {
      metric: 'tpotMs',
      match: { shape: 'tg64', device: 'dev-a' },
      since: null,
      noiseBand: BAND,
      alpha: 0.01,
      resamples: 10_000,
      maxPoints: 50,
    });
    expect(h.series).toHaveLength(1);
    const pts = h.series[0]!.points;
    expect(pts.map((p) => p.commit)).toEqual(['c0dev-a', 'c1dev-a', 'c2dev-a', 'c3dev-a', 'c4dev-a']);
    expect(pts.map((p) => p.change?.verdict === 'regressed')).toEqual([false, false, false, false, true]);
    expect(h.regressions).toBe(1);
    for (let i = 1; i < 5; i++) {
      const base = await openAnalyzedRun(dirs.get(`dev-a-r${i - 1}`)!, { summary: 'recompute' });
      const head = await openAnalyzedRun(dirs.get(`dev-a-r${i}`)!, { summary: 'recompute' });
      const c = compareRuns(base, head, { noiseBand: BAND, metrics: ['tpotMs'] }).cells[0]!.metrics[0]!;
      expect(pts[i]!.change).toMatchObject({ verdict: c.verdict, pAdjusted: c.pAdjusted, regressionPct: c.regressionPct });
    }
    expect(formatHistoryMarkdown(h)).toContain('line [');
  });

  it('--since and --match narrow the series; nothing matching says what exists', async () => {
    const h = await queryHistory(db, {
      metric: 'tpotMs',
      match: { shape: 'tg64' },
      since: new Date('2026-11-23T00:00:00Z'),
      noiseBand: BAND,
      alpha: 0.01,
      resamples: 1000,
      maxPoints: 50,
    });
    // dev-b and dev-a: two runs each since the 23rd; real-1 (dev-c, the 23rd): one
    expect(h.series.map((s) => [s.fingerprint, s.points.length])).toEqual([
      ['dev-b', 2],
      ['dev-c', 1],
      ['dev-a', 2],
    ]);
    await expect(
      queryHistory(db, {
        metric: 'tpotMs',
        match: { shape: 'tg999' },
        since: null,
        noiseBand: BAND,
        alpha: 0.01,
        resamples: 1000,
        maxPoints: 50,
      }),
    ).rejects.toMatchObject({
      code: 'STORE_NO_MATCH',
      hint: 'the store has tpotMs for models llama-3.2-1b; shapes tg64',
    });
  });

  it('parses and bounds --match and --since', () => {
    expect(parseMatch(['shape=tg64,model=llama-3.2-1b', 'device=abc'])).toEqual({ shape: 'tg64', model: 'llama-3.2-1b', device: 'abc' });
    expect(() => parseMatch(['host=x'])).toThrow(/key one of model, dtype, shape/);
    expect(parseSince('30d', new Date('2026-12-06T00:00:00Z')).toISOString()).toBe('2026-11-06T00:00:00.000Z');
    expect(parseSince('2026-11-01').toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(() => parseSince('99999d')).toThrow(/1h\.\.3650d/);
    expect(() => parseSince('yesterday')).toThrow(/duration/);
  });
});
