/**
 * Lifecycle of `edgebench run` through the real CLI with the fake runner (scripted timings):
 * refusing an existing folder, errored/unsupported cells, SIGINT and SIGKILL mid-run with every
 * finished cell kept, and --resume finishing the rest.
 */
import { writeFakeSuite } from './helpers/fake-suite.ts';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRun } from '../src/results/open-run.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'edgebench.js');

function suiteFile(dir: string, extra = '', shapes = 'pp8, tg4, tg8, tg1, pp4+tg4@d8'): string {
  return writeFakeSuite(dir, {
    name: 'lifecycle',
    shapes,
    repetitions: { warmup: 1, minCount: 3, minTimeS: 0.3, maxCount: 20, maxTimeS: 5 },
    fake: { decodeMs: 5, prefillMsPerToken: 0.5, loadMs: 5 },
    extra,
  });
}

function run(args: string[]) {
  return spawnSync(process.execPath, [BIN, 'run', '--no-bandwidth', '--no-report', '--quiet', '--energy', 'off', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
}

const cellFiles = (out: string) =>
  existsSync(join(out, 'cells')) ? readdirSync(join(out, 'cells')).filter((f) => f.endsWith('.json')) : [];

describe('edgebench run lifecycle (fake runner)', () => {
  it('runs a suite, stores raw traces, reports tg1 TPOT as n/a, and refuses to overwrite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eb-life-'));
    const out = join(dir, 'out');
    const r = run(['--suite', suiteFile(dir), '--out', out, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as {
      cells: { key: { shape: { name: string } }; metrics: { tpotMs: unknown; decodeTokensPerS: { median: number } | null } }[];
    };
    expect(summary.cells).toHaveLength(5);
    const tg1 = summary.cells.find((c) => c.key.shape.name === 'tg1')!;
    expect(tg1.metrics.tpotMs).toBeNull();
    const tg8 = summary.cells.find((c) => c.key.shape.name === 'tg8')!;
    // scripted 5 ms per decode step → ~200 tok/s (timers only ever fire late)
    expect(tg8.metrics.decodeTokensPerS!.median).toBeGreaterThan(60);
    expect(tg8.metrics.decodeTokensPerS!.median).toBeLessThan(205);
    const stored = await openRun(out);
    const traces = stored.cells.find((c) => c.key.shape.name === 'tg8')!.requests;
    expect(traces.map((t) => t.phase).slice(0, 2)).toEqual(['cold', 'warmup']);
    expect(traces.filter((t) => t.phase === 'measured').every((t) => t.tokenTimesMs.length === 8)).toBe(true);

    const again = run(['--suite', suiteFile(dir), '--out', out]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/error\[RESULTS_EXISTS\].*already holds results/);
    expect(again.stderr).toMatch(/hint: --resume/);
    expect(again.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('records errored and unsupported cells and goes on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eb-life-'));
    const out = join(dir, 'out');
    const f = join(dir, 's.yaml');
    writeFileSync(
      f,
      `name: mixed
models: [m]
runners: [fake, ort-node]
eps: [cpu, qnn]
shapes: [tg2]
repetitions: { warmup: 0, minCount: 2, minTimeS: 0, maxCount: 2, maxTimeS: 5 }
runnerSettings:
  fake: { failOn: generate }
`,
    );
    const r = run(['--suite', f, '--out', out]);
    // nothing measured: the run failed (exit 1), and its last line says so; every row is kept
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr.trim().split('\n').pop()).toMatch(/^failed: no cell measured anything \(4 cell\(s\): 3 errored, 1 unsupported\)/);
    const stored = await openRun(out);
    const status = stored.cells.map((c) => `${c.key.runner}/${c.key.ep}:${c.status}`);
    expect(status).toEqual(['fake/cpu:errored', 'fake/qnn:errored', 'ort-node/cpu:errored', 'ort-node/qnn:unsupported']);
    expect(stored.cells[3]!.error!.message).toMatch(/no 'qnn' execution provider/);
    expect(stored.cells[2]!.error!.code).toBe('MODEL_NOT_FOUND');
  });

  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    it(`keeps finished cells after ${signal} and --resume completes the rest`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'eb-kill-'));
      const out = join(dir, 'out');
      const suite = suiteFile(dir, '', 'tg8, tg9, tg10, tg11, tg12, tg13');
      const child = spawn(
        process.execPath,
        [BIN, 'run', '--no-bandwidth', '--no-report', '--quiet', '--energy', 'off', '--suite', suite, '--out', out],
        { stdio: 'ignore' },
      );
      const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
      const t0 = Date.now();
      while (cellFiles(out).length < 2 && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 50));
      child.kill(signal);
      const code = await exited;
      if (signal === 'SIGINT') expect(code).toBe(130);
      const partial = await openRun(out); // every file on disk is complete and valid
      expect(partial.cells.length).toBeGreaterThanOrEqual(2);
      expect(partial.cells.length).toBeLessThan(6);
      if (signal === 'SIGINT') expect(partial.manifest.status).toBe('interrupted');
      const resumed = run(['--resume', out]);
      expect(resumed.status, resumed.stderr).toBe(0);
      const full = await openRun(out);
      expect(full.cells.map((c) => c.key.shape.name)).toEqual(['tg8', 'tg9', 'tg10', 'tg11', 'tg12', 'tg13']);
      expect(full.manifest.status).toBe('complete');
    });
  }

  it('rejects bad flags with one line and a hint', () => {
    for (const [args, re] of [
      [['--threads', '0'], /--threads 0: expected auto or a whole number from 1 to \d+/],
      [['--reps', '-3'], /--reps -3/],
      [['--shape', 'pp0'], /zero token count/],
      [['--runner', 'ort-nod'], /no runner 'ort-nod' \(did you mean ort-node\?\)/],
      [['--suite', 'nope.yaml'], /suite file nope\.yaml not found/],
    ] as const) {
      const r = run([...args, '--out', join(mkdtempSync(join(tmpdir(), 'eb-bad-')), 'out')]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(re);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
