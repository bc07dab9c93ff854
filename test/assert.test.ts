/**
 * `edgebench assert`: the assertion-file grammar (unknown metrics and keys are errors naming them),
 * evaluation (absolute and relative bounds, median vs pessimistic, cell status), and the CLI
 * (exit 0 / 1 / 2, JSON, JUnit with one test case per assertion).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAssertConfig, parseAssertText } from '../src/assert/config.ts';
import { evaluateAssertions, type AssertionResult } from '../src/assert/evaluate.ts';
import type { AssertReport } from '../src/assert/report.ts';
import { compareRuns } from '../src/compare/compare-runs.ts';
import { openAnalyzedRun, type AnalyzedRun } from '../src/results/open-run.ts';
import { NOISE_ENVIRONMENTS } from '../src/compare/noise-band.ts';
import { noisy, writeSyntheticRun } from './fixtures/compare/synthetic-run.ts';
import { cliInProcess, cliProcess } from './fixtures/compare/cli.ts';

let tmp: string;
let base: AnalyzedRun;
let slow: AnalyzedRun;
const laptop = { pct: NOISE_ENVIRONMENTS.laptop, environment: 'laptop' as const, source: 'flag' as const };

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'eb-assert-'));
  // tg16: TPOT 10 ms (100 tok/s) → 12 ms in `slow`; pp8+tg16 unchanged; pp64 errored in `slow`
  await writeSyntheticRun(join(tmp, 'base'), {
    runId: 'base',
    cells: [
      { shape: 'tg16', ttftMs: noisy(5, 0.05, 30, 1), tpotMs: noisy(10, 0.05, 30, 2) },
      { shape: 'pp8+tg16', ttftMs: noisy(20, 0.05, 30, 3), tpotMs: noisy(10, 0.05, 30, 4) },
    ],
  });
  await writeSyntheticRun(join(tmp, 'slow'), {
    runId: 'slow',
    cells: [
      { shape: 'tg16', ttftMs: noisy(5, 0.05, 30, 11), tpotMs: noisy(12, 0.05, 30, 12) },
      { shape: 'pp8+tg16', ttftMs: noisy(20, 0.05, 30, 13), tpotMs: noisy(10, 0.05, 30, 14) },
      { shape: 'pp64', status: 'errored' },
    ],
  });
  await writeSyntheticRun(join(tmp, 'ok'), {
    runId: 'ok',
    cells: [{ shape: 'tg16', ttftMs: noisy(5, 0.05, 30, 21), tpotMs: noisy(10, 0.05, 30, 22) }],
  });
  base = await openAnalyzedRun(join(tmp, 'base'), { summary: 'recompute', role: 'baseline' });
  slow = await openAnalyzedRun(join(tmp, 'slow'), { summary: 'recompute', role: 'head' });
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('assertion file', () => {
  it('an unknown metric is an error naming it, its line and the valid names', () => {
    const text = 'assertions:\n  tpotMs: error\n  tokensPerJoule: [error, { min: 3 }]\n';
    expect(() => parseAssertText(text, 'a.yaml')).toThrow(/^a\.yaml:3: unknown metric 'tokensPerJoule'$/);
    try {
      parseAssertText(text, 'a.yaml');
    } catch (e) {
      expect((e as { hint?: string }).hint).toBe(
        'valid metrics: ttftMs, e2eMs, tpotMs, decodeTokensPerS, prefillTokensPerS, itlMs, rooflineFraction',
      );
      expect((e as { code?: string }).code).toBe('CONFIG_INVALID');
    }
    expect(() => parseAssertText('assertMatrix:\n  - match: { shape: tg16 }\n    assertions:\n      ttfMs: warn\n', 'b.yaml')).toThrow(
      /b\.yaml:4: unknown metric 'ttfMs'/,
    );
  });

  it('bounds named after a metric: accepted under that metric, refused elsewhere or as metrics', () => {
    const c = parseAssertText(
      'assertions:\n  decodeTokensPerS: [error, { minDecodeTokensPerS: 20, maxRegressionPct: 10, aggregation: pessimistic }]\n  ttftMs: [warn, { maxTtftMs: 500 }]\n',
      'c.yaml',
    );
    expect(c.assertions.decodeTokensPerS).toEqual({ level: 'error', min: 20, maxRegressionPct: 10, aggregation: 'pessimistic' });
    expect(c.assertions.ttftMs).toEqual({ level: 'warn', max: 500, aggregation: 'median' });
    expect(() => parseAssertText('assertions:\n  ttftMs: [error, { minDecodeTokensPerS: 20 }]\n', 'd.yaml')).toThrow(
      /d\.yaml:2: 'minDecodeTokensPerS' under 'ttftMs' bounds another metric/,
    );
    expect(() => parseAssertText('assertions:\n  maxTtftMs: 500\n', 'e.yaml')).toThrow(/e\.yaml:2: 'maxTtftMs' is a bound, not a metric/);
  });

  it('unknown keys, bad levels and bad aggregations are errors with the line', () => {
    expect(() => parseAssertText('asserts:\n  ttftMs: warn\n', 'f.yaml')).toThrow(/f\.yaml:1: unknown key 'asserts'/);
    expect(() => parseAssertText('assertions:\n  ttftMs: fatal\n', 'g.yaml')).toThrow(/g\.yaml:2: assertions\.ttftMs: /);
    expect(() => parseAssertText('assertions:\n  ttftMs: [error, { max: 5, aggregation: optimistic }]\n', 'h.yaml')).toThrow(
      /h\.yaml:2: assertions\.ttftMs/,
    );
    expect(() => parseAssertText('assertions: [\n', 'i.yaml')).toThrow(/i\.yaml(:\d+)?: YAML syntax error/);
  });

  it('the example edgebench.assert.yaml at the repository root is valid', () => {
    const c = loadAssertConfig(join(import.meta.dirname, '..', 'edgebench.assert.yaml'));
    expect(c.cellStatus).toBe('error');
    expect(c.assertMatrix.length).toBeGreaterThan(0);
  });
});

describe('evaluation', () => {
  const find = (rs: AssertionResult[], shape: string, check: string) => rs.find((r) => r.label.endsWith(` ${shape}`) && r.check === check)!;

  it('min / max on the median, or pessimistically on the worse end of the CI', () => {
    const med = parseAssertText('assertions:\n  decodeTokensPerS: [error, { min: 99 }]\n  tpotMs: [error, { max: 10.1 }]\n', 'm.yaml');
    const r = evaluateAssertions({ config: med, head: base.summary, comparison: null });
    const tg = (check: string) => find(r, 'tg16', check);
    const m = base.summary.cells[0]!.metrics;
    expect(tg('min').actual).toBe(m.decodeTokensPerS!.median);
    expect(tg('max').actual).toBe(m.tpotMs!.median);
    const pess = parseAssertText(
      'aggregation: pessimistic\nassertions:\n  decodeTokensPerS: [error, { min: 99 }]\n  tpotMs: [error, { max: 10.1 }]\n',
      'p.yaml',
    );
    const rp = evaluateAssertions({ config: pess, head: base.summary, comparison: null });
    expect(find(rp, 'tg16', 'min').actual).toBe(m.decodeTokensPerS!.ci95.lo);
    expect(find(rp, 'tg16', 'max').actual).toBe(m.tpotMs!.ci95.hi);
    // the pessimistic value is never better than the median
    expect(find(rp, 'tg16', 'min').actual!).toBeLessThanOrEqual(tg('min').actual!);
    expect(find(rp, 'tg16', 'max').actual!).toBeGreaterThanOrEqual(tg('max').actual!);
  });

  it('maxRegressionPct against a baseline: significant 20 % fails, 25 % allowed passes, pessimistic is stricter', () => {
    const cfg = (max: number, agg = 'median') =>
      parseAssertText(`assertions:\n  tpotMs: [error, { maxRegressionPct: ${max}, aggregation: ${agg} }]\n`, 'r.yaml');
    const comparison = compareRuns(base, slow, { noiseBand: laptop, metrics: ['tpotMs'] });
    const r10 = evaluateAssertions({ config: cfg(10), head: slow.summary, comparison });
    expect(find(r10, 'tg16', 'maxRegressionPct').outcome).toBe('fail');
    expect(find(r10, 'tg16', 'maxRegressionPct').actual!).toBeGreaterThan(15);
    expect(find(r10, 'pp8+tg16', 'maxRegressionPct').outcome).toBe('pass');
    expect(find(r10, 'pp64', 'status').outcome).toBe('fail'); // errored head cell
    expect(find(evaluateAssertions({ config: cfg(25), head: slow.summary, comparison }), 'tg16', 'maxRegressionPct').outcome).toBe('pass');
    const tg = comparison.cells.find((c) => c.id.endsWith('|tg16'))!.metrics[0]!;
    const limit = (tg.regressionPct! + tg.regressionCi!.hi) / 2; // between the median and the CI's worst end
    expect(find(evaluateAssertions({ config: cfg(limit), head: slow.summary, comparison }), 'tg16', 'maxRegressionPct').outcome).toBe(
      'pass',
    );
    expect(
      find(evaluateAssertions({ config: cfg(limit, 'pessimistic'), head: slow.summary, comparison }), 'tg16', 'maxRegressionPct').outcome,
    ).toBe('fail');
  });

  it('a level alone follows the compare verdict; without a baseline it is skipped, not passed', () => {
    const config = parseAssertText('assertions:\n  tpotMs: error\n', 'l.yaml');
    const comparison = compareRuns(base, slow, { noiseBand: laptop, metrics: ['tpotMs'] });
    const r = evaluateAssertions({ config, head: slow.summary, comparison });
    expect(find(r, 'tg16', 'noRegression').outcome).toBe('fail');
    expect(find(r, 'pp8+tg16', 'noRegression').outcome).toMatch(/^(pass|inconclusive)$/); // unchanged data
    const none = evaluateAssertions({ config, head: slow.summary, comparison: null });
    expect(find(none, 'tg16', 'noRegression')).toMatchObject({
      outcome: 'skip',
      message: expect.stringMatching(/no baseline given/) as unknown,
    });
  });

  it('assertMatrix entries override per metric for matching cells only', () => {
    const config = parseAssertText(
      'assertions:\n  tpotMs: [error, { max: 1 }]\nassertMatrix:\n  - match: { shape: /^tg/ }\n    assertions:\n      tpotMs: [warn, { max: 1 }]\n',
      'x.yaml',
    );
    const r = evaluateAssertions({ config, head: base.summary, comparison: null });
    expect(find(r, 'tg16', 'max').level).toBe('warn');
    expect(find(r, 'pp8+tg16', 'max').level).toBe('error');
  });
});

describe('edgebench assert (CLI)', () => {
  it('exit 2 on a failed error-level assertion, with one JUnit test case per assertion', async () => {
    const cfg = join(tmp, 'a.yaml');
    await writeFile(
      cfg,
      'environment: laptop\nassertions:\n  tpotMs: [error, { maxRegressionPct: 10 }]\n  decodeTokensPerS: [warn, { min: 1000 }]\n',
    );
    const junit = join(tmp, 'assert.xml');
    const r = await cliProcess(['assert', join(tmp, 'slow'), '--config', cfg, '--baseline', join(tmp, 'base'), '--junit', junit]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/tg16\s+tpotMs regression ≤ 10 %\s+error\s+FAIL/);
    expect(r.stdout).toMatch(/decodeTokensPerS ≥ 1000\s+warn\s+WARN/);
    expect(r.stdout).toMatch(/pp64\s+cell status\s+error\s+FAIL\s+cell errored: OUT_OF_MEMORY/);
    const xml = await readFile(junit, 'utf8');
    // 3 cells' status + tpot regression ×2 + decode min ×2 (pp64 errored: no metric checks)
    expect(xml).toMatch(/<testsuite name="edgebench assert" tests="7" failures="2" errors="0" skipped="0">/);
    expect(xml.match(/<testcase /g)).toHaveLength(7);
  });

  it('exit 0 when everything passes (warnings do not fail); JSON on stdout', async () => {
    const cfg = join(tmp, 'b.yaml');
    await writeFile(cfg, 'assertions:\n  decodeTokensPerS: [error, { minDecodeTokensPerS: 50 }]\n  ttftMs: [warn, { maxTtftMs: 1 }]\n');
    const r = await cliInProcess(['assert', join(tmp, 'ok'), '--config', cfg, '--json']);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout) as AssertReport;
    expect(rep.passed).toBe(true);
    expect(rep.totals).toEqual({ pass: 2, failError: 0, failWarn: 1, inconclusive: 0, skip: 0 });
  });

  it('exit 1 for an unknown metric in the file, naming it and listing the valid ones', async () => {
    const cfg = join(tmp, 'c.yaml');
    await writeFile(cfg, 'assertions:\n  decodeTokensPerSecond: [error, { min: 5 }]\n');
    const r = await cliInProcess(['assert', join(tmp, 'ok'), '--config', cfg]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error[CONFIG_INVALID]: ${cfg}:2: unknown metric 'decodeTokensPerSecond'`);
    expect(r.stderr).toMatch(/hint: valid metrics: ttftMs, e2eMs, tpotMs, decodeTokensPerS/);
    const missing = await cliInProcess(['assert', join(tmp, 'ok'), '--config', join(tmp, 'nope.yaml')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/assertion file .*nope\.yaml not found/);
  });
});
