/**
 * `edgebench run` with the adaptive stopping rule and machine-load recording, through the real CLI
 * with the fake runner: CI_NOT_REACHED when a cap comes first, BUSY_MACHINE while another process
 * burns a core (a bounded busy loop started by the test), and the bounds of the new flags.
 */
import { writeFakeSuite } from './helpers/fake-suite.ts';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRun } from '../src/results/open-run.ts';
import type { RunSummary } from '../src/results/schema.ts';
import { writeReport } from '../src/report/write.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'edgebench.js');

function run(args: string[]) {
  return spawnSync(process.execPath, [BIN, 'run', '--no-bandwidth', '--no-report', ...args], { encoding: 'utf8', timeout: 60_000 });
}

function suite(dir: string, targetCiPct: number, maxCount: number, minTimeS = 0.01): string {
  return writeFakeSuite(dir, {
    name: 'stop',
    shapes: 'tg6, pp16',
    repetitions: { warmup: 0, minCount: 5, minTimeS, maxCount, maxTimeS: 10, targetCiPct, checkEvery: 5 },
    fake: { decodeMs: 3, prefillMsPerToken: 0.5, loadMs: 1, jitter: 0.3 },
  });
}

describe('adaptive stopping through edgebench run', () => {
  it('a target that cannot be met within the cap marks the cell CI_NOT_REACHED with the width reached', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eb-stop-'));
    const out = join(dir, 'out');
    const r = run(['--suite', suite(dir, 0.001, 12), '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/CI_NOT_REACHED ±[\d.]+ % > 0\.001 %/);
    expect(r.stdout).toMatch(
      /CI_NOT_REACHED \(#0 tg6, #1 pp16\)\n {4}#0: the 95 % CI of decodeTokensPerS reached ±[\d.]+ % after 12 requests/,
    );
    const stored = await openRun(out);
    for (const c of stored.cells) {
      expect(c.stopping).toMatchObject({
        rule: 'ci-half-width',
        reason: 'max-count',
        reached: false,
        measured: 12,
        timeBasis: 'timed-windows',
      });
      expect(c.stopping!.looks.map((l) => l.n)).toEqual([5, 10, 12]);
      expect(c.machine!.logicalCores).toBeGreaterThan(0);
    }
    // the report states the rule and shows how each cell stopped and how busy the machine was
    const { files } = await writeReport({ runDirs: [out], outDir: join(dir, 'report'), formats: ['md', 'html'], title: 'stop' });
    const md = readFileSync(
      files.find((f) => f.endsWith('.md'))!,
      'utf8',
    );
    expect(md).toMatch(/<b>How each cell stopped, and how busy the machine was<\/b>/);
    expect(md).toMatch(
      /adaptive: after ≥ 5 requests and ≥ 0\.01 s of timed windows, stop when the 95 % bootstrap CI of the median decodeTokensPerS has half-width ≤ 0\.001 %/,
    );
    expect(md).toMatch(/0\.001 % CI\\?_NOT\\?_REACHED \(max-count\)/);
    expect(
      readFileSync(
        files.find((f) => f.endsWith('.html'))!,
        'utf8',
      ),
    ).toMatch(/Stopping and machine conditions/);
  });

  it('a loose target stops at the first look, and the summary CI is the one that stopped it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eb-stop-'));
    const out = join(dir, 'out');
    const r = run(['--suite', suite(dir, 100, 40), '--out', out, '--json', '--quiet']); // ±100 %: met at the first look even on a loaded machine
    expect(r.status, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as RunSummary;
    for (const c of s.cells) {
      expect(c.stopping).toMatchObject({ reason: 'ci-reached', reached: true, measured: 5 });
      const m = c.metrics[c.stopping!.metric]!;
      expect(c.stopping!.halfWidthPct).toBeCloseTo(((m.ci95.hi - m.ci95.lo) / 2 / m.median) * 100, 9);
    }
  });
});

describe('busy-machine detection', () => {
  it('a run made while another process burns a core carries BUSY_MACHINE with the figure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eb-busy-'));
    const out = join(dir, 'out');
    // bounded: the burner stops by itself after 8 s even if the test dies
    const burner = spawn(process.execPath, ['-e', 'const end = Date.now() + 8000; while (Date.now() < end) {}'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const r = run(['--suite', suite(dir, 50, 400, 1.5), '--out', out]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/BUSY_MACHINE/);
      expect(r.stdout).toMatch(/#0: other processes used [\d.]+ of \d+ cores during #0 tg6/);
      expect(r.stdout).toMatch(/--wait-for-quiet/);
      const stored = await openRun(out);
      expect(stored.cells[0]!.machine!.otherCores).toBeGreaterThan(0.3);
      expect(stored.cells[0]!.machine!.topOther.map((p) => p.name)).toContain('node');
    } finally {
      burner.kill('SIGKILL');
    }
  });

  it('bounds --wait-for-quiet and --target-ci before any work', () => {
    for (const [args, re] of [
      [['--wait-for-quiet', '0'], /--wait-for-quiet 0: expected seconds in \(0, 3600\]/],
      [['--wait-for-quiet', '99999'], /--wait-for-quiet 99999/],
      [['--target-ci', '-1'], /--target-ci -1: expected a percentage/],
    ] as const) {
      const r = run([...args, '--out', join(mkdtempSync(join(tmpdir(), 'eb-bad-')), 'out')]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(re);
      expect(r.stderr).not.toMatch(/INTERNAL|\n\s+at /);
    }
  });
});
