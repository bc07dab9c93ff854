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
import { parseSuiteText } from '../src/config/suite.ts';
import { runSuite } from '../src/measure/run-suite.ts';
import { EdgebenchError } from '../src/errors.ts';
import type { CellResult } from '../src/results/schema.ts';

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

  it('interleaves thread counts too: every thread count of a model is loaded at once and measured round-robin', async () => {
    const suite = parseSuiteText(
      `name: t\nmodels: [fake-model]\nrunners: [fake]\nthreads: [1, 2]\nshapes: [tg3, pp4]\n` +
        `repetitions: { warmup: 0, minCount: 2, minTimeS: 0, maxCount: 2, maxTimeS: 5 }\n` +
        `runnerSettings:\n  fake: { decodeMs: 1, prefillMsPerToken: 0.01, loadMs: 0 }\n`,
      't.yaml',
    );
    const cells: CellResult[] = [];
    let loads = 0;
    const deps = { environment: {} as never, measureBandwidth: async () => null, checkMemory: () => void loads++ };
    const run = {
      suite,
      done: new Set<string>(),
      appendCell: async (c: CellResult) => void cells.push(c),
      onEvent: () => {},
      shouldStop: () => false,
    };
    await runSuite({ ...run, interleave: true }, deps);
    expect(loads).toBe(2);
    expect(cells.map((c) => [c.key.threads, c.key.shape.name, c.status])).toEqual([
      [1, 'tg3', 'ok'],
      [1, 'pp4', 'ok'],
      [2, 'tg3', 'ok'],
      [2, 'pp4', 'ok'],
    ]);
    // one group of four cells, two rounds: 0 1 2 3, then starting one further: 1 2 3 0
    for (const c of cells) expect(c.interleave).toEqual({ cells: [0, 1, 2, 3], order: [0, 1, 2, 3, 1, 2, 3, 0] });
    expect(cells.map((c) => c.resolved!.threads)).toEqual([1, 1, 2, 2]);

    // the memory bound: the second load does not fit beside the first → its cells are errors with the fix, the first still runs
    cells.length = 0;
    let n = 0;
    const tight = {
      ...deps,
      checkMemory: () => {
        if (n++ === 1)
          throw new EdgebenchError(
            'OUT_OF_MEMORY',
            'fake-model needs about 9.6 GB but only 4.0 GB of memory is free',
            'close other programs',
          );
      },
    };
    await runSuite({ ...run, interleave: true }, tight);
    expect(cells.map((c) => c.status)).toEqual(['errored', 'errored', 'ok', 'ok']);
    expect(cells[0]!.error!.hint).toMatch(/drop --interleave \(thread counts then load one after another\)/);
    expect(cells[2]!.interleave).toEqual({ cells: [0, 1], order: [0, 1, 1, 0] });

    // without --interleave thread counts stay separate loads, one after another
    cells.length = 0;
    await runSuite(run, deps);
    expect(cells.every((c) => c.interleave === undefined)).toBe(true);
  });
});
