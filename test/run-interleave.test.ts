/**
 * Round-robin interleaving (src/measure/interleave.ts) on the fake runner, and `run --interleave`
 * through the CLI: every cell gets its own stopping rule, the order is rotating round-robin and
 * is recorded with each cell.
 */
import { writeFakeSuite } from './helpers/fake-suite.ts';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { measureInterleaved, roundOrder } from '../src/measure/interleave.ts';
import { fakeRunner } from '../src/runners/fake/fake-runner.ts';
import { openRun } from '../src/results/open-run.ts';
import type { RepetitionPolicy } from '../src/config/policy.ts';

const policy = (p: Partial<RepetitionPolicy>): RepetitionPolicy => ({
  warmup: 1,
  minCount: 3,
  minTimeS: 0,
  maxCount: 100,
  maxTimeS: 100,
  cooldownS: 0,
  ...p,
});
const shape = (name: string, promptTokens: number, genTokens: number) => ({ name, promptTokens, genTokens, depth: 0 });

describe('measureInterleaved', () => {
  it('rotates the starting arm every round', () => {
    expect([0, 1, 2, 3].map((r) => roundOrder(3, r))).toEqual([
      [0, 1, 2],
      [1, 2, 0],
      [2, 0, 1],
      [0, 1, 2],
    ]);
  });

  it('runs arms round-robin until each one stops by its own rule; stopped arms drop out', async () => {
    const model = await fakeRunner.load({ id: 'fake', dtype: 'q4', dir: null, file: null } as never, {
      ep: 'cpu',
      threads: 1,
      settings: { decodeMs: 1, prefillMsPerToken: 0.01, loadMs: 0 },
    });
    const w = (s: ReturnType<typeof shape>) => ({ shape: s, vocabSize: 100, seed: 1 });
    const r = await measureInterleaved([
      { model, workload: w(shape('tg3', 0, 3)), policy: policy({ minCount: 2, maxCount: 2 }) },
      { model, workload: w(shape('pp4', 4, 0)), policy: policy({ minCount: 4, maxCount: 4 }) },
    ]);
    // round 0: 0 1; round 1: 1 0; round 2: (1 starts) 0 has stopped → 1; round 3: 1
    expect(r!.order).toEqual([0, 1, 1, 0, 1, 1]);
    expect(r!.arms.map((a) => a.stopping.measured)).toEqual([2, 4]);
    expect(r!.arms[0]!.requests.map((t) => t.phase)).toEqual(['cold', 'warmup', 'measured', 'measured']);
    expect(r!.arms.every((a) => a.stopping.wallS >= a.stopping.timedS)).toBe(true);
  });
});

describe('edgebench run --interleave', () => {
  it('interleaves the shapes of one model and records the order with each cell', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eb-inter-'));
    const out = join(dir, 'out');
    const suite = writeFakeSuite(dir, {
      name: 'inter',
      shapes: 'tg4, tg6, pp8',
      repetitions: { warmup: 1, minCount: 3, minTimeS: 0, maxCount: 3, maxTimeS: 5 },
      fake: { decodeMs: 2, prefillMsPerToken: 0.1, loadMs: 1 },
    });
    const r = spawnSync(
      process.execPath,
      [
        join(import.meta.dirname, '..', 'bin', 'edgebench.js'),
        'run',
        '--no-bandwidth',
        '--no-report',
        '--quiet',
        '--interleave',
        '--suite',
        suite,
        '--out',
        out,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    const run = await openRun(out);
    expect(run.cells).toHaveLength(3);
    for (const c of run.cells) {
      expect(c.interleave).toEqual({ cells: [0, 1, 2], order: [0, 1, 2, 1, 2, 0, 2, 0, 1] });
      expect(c.stopping!.measured).toBe(3);
    }
    const bad = spawnSync(
      process.execPath,
      [
        join(import.meta.dirname, '..', 'bin', 'edgebench.js'),
        'run',
        '--interleave',
        '--energy',
        'estimate',
        '--suite',
        suite,
        '--out',
        join(dir, 'x'),
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--interleave and --energy cannot be combined/);
  });
});
