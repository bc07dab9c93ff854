/**
 * A/B interleaving (`edgebench run --ab`): the ABBA order, pairing of the two arms, the
 * interleaved measurement on the fake runner (scripted timings), and the CLI for two runner
 * configurations and for two models, ending in `edgebench compare` on the two folders.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { abbaArm, measurePair, pairAbCells } from '../src/measure/ab-interleave.ts';
import { fakeRunner } from '../src/runners/fake/fake-runner.ts';
import { parseSuiteText } from '../src/config/suite.ts';
import { parseShape } from '../src/config/shapes.ts';
import { openRun } from '../src/results/open-run.ts';
import type { CompareReport } from '../src/compare/types.ts';
import { cliInProcess, cliProcess } from './fixtures/compare/cli.ts';
import { writeFakeSuite } from './helpers/fake-suite.ts';

function suite(dir: string, name: string, decodeMs: number, shapes = 'tg8', minCount = 8): string {
  return writeFakeSuite(dir, {
    name,
    shapes,
    repetitions: { warmup: 1, minCount, minTimeS: 0, maxCount: 40, maxTimeS: 20 },
    fake: { decodeMs, prefillMsPerToken: 0.05, loadMs: 1 },
  });
}

describe('interleaving', () => {
  it('alternates ABBA so a linear drift hits both arms equally', () => {
    expect(Array.from({ length: 8 }, (_, i) => 'AB'[abbaArm(i)]).join('')).toBe('ABBAABBA');
    // positions 0..3 of each block of four: A gets 0+3, B gets 1+2 — equal sums
    const sum = [0, 0];
    for (let i = 0; i < 8; i++) sum[abbaArm(i)]! += i;
    expect(sum[0]).toBe(sum[1]);
  });

  it('pairs the arms cell by cell and refuses matrices that do not line up', () => {
    const s = (shapes: string) => parseSuiteText(`name: s\nmodels: [m]\nrunners: [fake]\nshapes: [${shapes}]\n`, 's.yaml');
    expect(pairAbCells(s('tg8, pp16'), s('tg8, pp16')).map((p) => p.head.shape.name)).toEqual(['tg8', 'pp16']);
    expect(() => pairAbCells(s('tg8'), s('tg8, pp16'))).toThrow(/baseline arm has 1 cell\(s\), the head arm 2/);
    expect(() => pairAbCells(s('pp16, tg8'), s('tg8, pp16'))).toThrow(/cell 0 is pp16 in the baseline arm but tg8 in the head arm/);
  });

  it('measures the two arms alternately, with equal counts and a shared time axis', async () => {
    const settings = (decodeMs: number) => ({ ep: 'cpu', threads: null, settings: { decodeMs, prefillMsPerToken: 0.01, loadMs: 0 } });
    const src = { id: 'm', dir: null, file: null, dtype: 'q4', arch: null };
    const a = await fakeRunner.load(src, settings(1));
    const b = await fakeRunner.load(src, settings(3));
    const w = { shape: parseShape('tg4'), vocabSize: 512, seed: 1 };
    const policy = { warmup: 1, minCount: 6, minTimeS: 0.1, maxCount: 200, maxTimeS: 10, cooldownS: 0 };
    const traces = (await measurePair([a, b], [w, w], policy, () => false))!;
    const measured = traces.map((t) => t.filter((r) => r.phase === 'measured'));
    expect(traces.map((t) => t.map((r) => r.phase).slice(0, 2))).toEqual([
      ['cold', 'warmup'],
      ['cold', 'warmup'],
    ]);
    expect(measured[0]!.length).toBe(measured[1]!.length);
    expect(measured[0]!.length).toBeGreaterThanOrEqual(6);
    // each arm gets ≥ minTimeS of its own measured time (not half of the pair's wall time)
    const busyMs = (arm: number) => measured[arm]!.reduce((s, r) => s + r.tokenTimesMs.at(-1)!, 0);
    expect(busyMs(0)).toBeGreaterThanOrEqual(0.1 * 1000 * 0.95);
    expect(measured[0]!.length).toBeGreaterThan(6); // time, not the count, ended it
    expect(busyMs(1)).toBeGreaterThan(busyMs(0)); // the slower arm
    const order = [...measured[0]!.map((r) => ({ arm: 'A', t: r.offsetMs })), ...measured[1]!.map((r) => ({ arm: 'B', t: r.offsetMs }))]
      .sort((x, y) => x.t - y.t)
      .map((x) => x.arm)
      .join('');
    expect(order.startsWith('ABBAABBA')).toBe(true);
    expect(order).toBe(Array.from({ length: order.length }, (_, i) => 'AB'[abbaArm(i)]).join(''));
  });
});

describe('edgebench run --ab', () => {
  it('two runner configurations: two results folders, and compare finds the slower head (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eb-ab-'));
    const out = join(dir, 'out');
    // 4× slower decode and 24 requests per arm: detected even when other jobs load the machine
    const r = await cliProcess([
      'run',
      '--suite',
      suite(dir, 'head', 8, 'tg8', 24),
      '--ab',
      suite(dir, 'base', 2, 'tg8', 24),
      '--out',
      out,
      '--no-bandwidth',
      '--no-report',
      '--quiet',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['ab.json', 'baseline', 'head']);
    const ab = JSON.parse(readFileSync(join(out, 'ab.json'), 'utf8')) as { interleave: string; pairs: unknown[] };
    expect(ab.interleave).toBe('request-abba');
    const [base, head] = [await openRun(join(out, 'baseline')), await openRun(join(out, 'head'))];
    expect(base.cells[0]!.resolved!.settings.decodeMs).toBe(2);
    expect(head.cells[0]!.resolved!.settings.decodeMs).toBe(8);
    expect(base.cells[0]!.extra).toMatchObject({ abArm: 'baseline', abInterleave: 'request-abba' });
    // the two arms' measured requests interleave in time
    const starts = (c: (typeof base.cells)[number]) => c.requests.filter((q) => q.phase === 'measured').map((q) => Date.parse(q.startedAt));
    expect(Math.min(...starts(head.cells[0]!))).toBeLessThan(Math.max(...starts(base.cells[0]!)));

    const cmp = await cliInProcess(['compare', join(out, 'baseline'), join(out, 'head'), '--environment', 'laptop', '--json']);
    expect(cmp.code, cmp.stdout.slice(0, 4000)).toBe(2);
    const rep = JSON.parse(cmp.stdout) as CompareReport;
    expect(rep.cells[0]!.metrics.find((m) => m.metric === 'tpotMs')!.verdict).toBe('regressed');
    expect(rep.cells[0]!.metrics.find((m) => m.metric === 'decodeTokensPerS')!.verdict).toBe('regressed');
  });

  it("a baseline model: the suite's model is replaced in the baseline arm; compare needs --allow-mismatch", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eb-ab-'));
    const out = join(dir, 'out');
    const r = await cliInProcess([
      'run',
      '--suite',
      suite(dir, 'head', 2),
      '--ab',
      'fake-model-main',
      '--out',
      out,
      '--no-bandwidth',
      '--no-report',
      '--quiet',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect((await openRun(join(out, 'baseline'))).cells[0]!.key.model).toBe('fake-model-main');
    expect((await openRun(join(out, 'head'))).cells[0]!.key.model).toBe('fake-model');
    const refused = await cliInProcess(['compare', join(out, 'baseline'), join(out, 'head')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/different models: baseline fake-model-main \(q4\); head fake-model \(q4\)/);
    const ok = await cliInProcess(['compare', join(out, 'baseline'), join(out, 'head'), '--allow-mismatch', '--noise-band', '50']);
    expect(ok.code, ok.stdout).toBe(0); // the same scripted timings: no change beyond 50 %
  });

  it('bad --ab input: unmatched matrices, several models, --resume', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eb-ab-'));
    const shapes = await cliInProcess([
      'run',
      '--suite',
      suite(dir, 'head', 2, 'tg8, tg4'),
      '--ab',
      suite(dir, 'base', 2, 'tg8'),
      '--out',
      join(dir, 'o1'),
      '--quiet',
    ]);
    expect(shapes.code).toBe(1);
    expect(shapes.stderr).toMatch(/error\[USAGE\]: --ab: the baseline arm has 1 cell\(s\), the head arm 2/);
    const models = await cliInProcess([
      'run',
      '--suite',
      suite(dir, 'head', 2),
      '--model',
      'a,b',
      '--ab',
      'c',
      '--out',
      join(dir, 'o2'),
      '--quiet',
    ]);
    expect(models.code).toBe(1);
    expect(models.stderr).toMatch(/the suite has 2 models; a baseline model replaces exactly one/);
    const resume = await cliInProcess(['run', '--ab', 'x', '--resume', join(dir, 'o1'), '--quiet']);
    expect(resume.code).toBe(1);
    expect(resume.stderr).toMatch(/--ab runs cannot be resumed/);
  });
});
