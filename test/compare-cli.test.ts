/**
 * `edgebench compare` through the real CLI on synthetic results folders (seeded timings written
 * with the results I/O): verdicts and exit codes, CI outputs, and bad input — different models,
 * different devices, errored / missing / empty cells, an old schema version, unknown metrics.
 */
import { mkdtemp, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noisy, writeSyntheticRun, type SyntheticCell } from './fixtures/compare/synthetic-run.ts';
import type { CompareReport } from '../src/compare/types.ts';
import { cliInProcess, cliProcess } from './fixtures/compare/cli.ts';

let tmp: string;

/** Most cases run in-process (a process start costs seconds on a busy machine); exit codes and stack-trace checks spawn. */
const cli = (args: string[], env: Record<string, string> = {}) => cliInProcess(['compare', ...args], env);
const cliSpawn = (args: string[], env: Record<string, string> = {}) => cliProcess(['compare', ...args], env);

/** Two cells (pp8+tg16, tg16), 30 requests each, 5 % noise; `slow` multiplies the TPOT of the first. */
function cells(seed: number, slow = 1, extra: Partial<SyntheticCell> = {}): SyntheticCell[] {
  return [
    { shape: 'pp8+tg16', ttftMs: noisy(20, 0.05, 30, seed), tpotMs: noisy(10 * slow, 0.05, 30, seed + 1), ...extra },
    { shape: 'tg16', ttftMs: noisy(5, 0.05, 30, seed + 2), tpotMs: noisy(10, 0.05, 30, seed + 3), ...extra },
  ];
}

const dir = (name: string) => join(tmp, name);

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'eb-compare-'));
  await writeSyntheticRun(dir('base'), { runId: 'base', cells: cells(100) });
  await writeSyntheticRun(dir('same'), { runId: 'same', cells: cells(200) });
  await writeSyntheticRun(dir('slow'), { runId: 'slow', cells: cells(300, 1.2) });
  await writeSyntheticRun(dir('other-model'), { runId: 'other-model', cells: cells(400, 1, { model: 'other' }) });
  await writeSyntheticRun(dir('other-device'), { runId: 'other-device', fingerprint: 'dev-b', cells: cells(500) });
  await writeSyntheticRun(dir('errored'), { runId: 'errored', cells: [cells(600)[0]!, { shape: 'tg16', status: 'errored' }] });
  await writeSyntheticRun(dir('missing'), { runId: 'missing', cells: [cells(700)[0]!] });
  await writeSyntheticRun(dir('empty-cell'), { runId: 'empty-cell', cells: [cells(800)[0]!, { shape: 'tg16', ttftMs: [] }] });
  await writeSyntheticRun(dir('no-cells'), { runId: 'no-cells', cells: [] });
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('edgebench compare', () => {
  it('A/A: exit 0, every metric unchanged or inconclusive, never regressed', async () => {
    const r = await cli([dir('base'), dir('same'), '--environment', 'laptop']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/noise band ±5 % \(environment laptop\)/);
    expect(r.stdout).toMatch(/Holm correction over 9 test\(s\)/); // TPOT/TTFT/e2e/decode × 2 cells + prefill of pp8+tg16
    expect(r.stdout).not.toMatch(/regressed\s*$/m);
    expect(r.stdout).toMatch(/0 regressed.*→ PASS/);
  });

  it('a 20 % slower decode: exit 2, regressed in ms and in tok/s, with JSON, JUnit and the step summary', async () => {
    const summary = join(tmp, 'step-summary.md');
    const junit = join(tmp, 'out', 'compare.xml');
    const jsonOut = join(tmp, 'out', 'compare.json');
    const r = await cliSpawn([dir('base'), dir('slow'), '--environment', 'laptop', '--junit', junit, '--json-out', jsonOut], {
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/pp8\+tg16\s+tpotMs\s+.*\+2\d\.\d %.*regressed/);
    expect(r.stdout).toMatch(/pp8\+tg16\s+decodeTokensPerS\s+.*−1\d\.\d %.*regressed/);
    expect(r.stdout).toMatch(/tg16\s+tpotMs\s+.*(unchanged|inconclusive)/);
    expect(r.stdout).toMatch(/→ FAIL/);
    const report = JSON.parse(await readFile(jsonOut, 'utf8')) as CompareReport;
    expect(report.passed).toBe(false);
    const tpot = report.cells[0]!.metrics.find((m) => m.metric === 'tpotMs')!;
    expect(tpot.verdict).toBe('regressed');
    expect(tpot.ratio!).toBeGreaterThan(1.12);
    expect(tpot.ratioCi!.lo).toBeLessThan(tpot.ratio!);
    expect(tpot.pAdjusted).toBeGreaterThanOrEqual(tpot.pValue);
    const xml = await readFile(junit, 'utf8');
    expect(xml).toMatch(/<testsuite name="edgebench compare" tests="9" failures="\d+"/);
    expect(xml).toMatch(
      /<testcase classname="tiny q4 fake cpu t1 pp8\+tg16" name="tpotMs" time="0">\s*<failure message="regressed: worse by/,
    );
    const md = await readFile(summary, 'utf8');
    expect(md).toMatch(/^## edgebench compare: ❌ regression/);
    expect(md).toMatch(/\| tiny q4 fake cpu t1 pp8\+tg16 \| tpotMs \|.*❌ regressed \|/);
    expect(r.stderr).toContain('$GITHUB_STEP_SUMMARY');
  });

  it('--noise-band wider than the change: no regression, exit 0; --json on stdout', async () => {
    const r = await cli([dir('base'), dir('slow'), '--noise-band', '25', '--json', '--no-step-summary'], {
      GITHUB_STEP_SUMMARY: join(tmp, 'never.md'),
    });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as CompareReport;
    expect(report.settings.noiseBand).toEqual({ pct: 25, environment: 'custom', source: 'flag' });
    expect(report.totals.regressed).toBe(0);
    await expect(readFile(join(tmp, 'never.md'))).rejects.toThrow();
  });

  it('different models: refused (exit 1) unless --allow-mismatch', async () => {
    const r = await cliSpawn([dir('base'), dir('other-model')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[USAGE\]: the runs measured different models: baseline tiny \(q4\); head other \(q4\)/);
    expect(r.stderr).toMatch(/hint: .*--allow-mismatch/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const ok = await cli([dir('base'), dir('other-model'), '--allow-mismatch', '--environment', 'laptop']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/warning: comparing different models \(--allow-mismatch\)/);
    expect(ok.stdout).toMatch(/other q4 fake cpu t1 pp8\+tg16 vs tiny q4\s+tpotMs/);
  });

  it('different devices: compared, with a warning naming both fingerprints', async () => {
    const r = await cli([dir('base'), dir('other-device'), '--environment', 'laptop']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/warning: the runs come from different devices \(baseline .*fingerprint dev-a; head .*fingerprint dev-b\)/);
  });

  it('errored, missing and empty head cells fail the comparison (exit 2), they are never passed silently', async () => {
    const errored = await cli([dir('base'), dir('errored'), '--environment', 'laptop']);
    const missing = await cli([dir('base'), dir('missing'), '--environment', 'laptop']);
    const empty = await cli([dir('base'), dir('empty-cell'), '--environment', 'laptop']);
    expect(errored.code).toBe(2);
    expect(errored.stdout).toMatch(/tg16\s+—\s+ok\s+errored\s+FAILED: head cell errored: OUT_OF_MEMORY/);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toMatch(/FAILED: missing in head/);
    expect(empty.code).toBe(2);
    expect(empty.stdout).toMatch(/FAILED: head cell is empty \(no measured requests\)/);
    // an errored baseline cell is reported, and the head is not blamed for it
    const reverse = await cli([dir('errored'), dir('base'), '--environment', 'laptop']);
    expect(reverse.code).toBe(0);
    expect(reverse.stdout).toMatch(/warning: tiny q4 fake cpu t1 tg16: baseline cell errored: OUT_OF_MEMORY.*nothing to compare with/);
  });

  it('a run with no cells, a missing folder, an unknown metric: exit 1 with one line and a hint', async () => {
    const noCells = await cli([dir('base'), dir('no-cells')]);
    const missing = await cli([dir('base'), dir('nope')]);
    const metric = await cli([dir('base'), dir('same'), '--metrics', 'tpotMs,tokensPerJoule']);
    expect(noCells.code).toBe(1);
    expect(noCells.stderr).toMatch(/error\[RESULTS_INVALID\]: head .*no-cells: the run has no cells/);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/error\[RESULTS_INVALID\]: head .*nope: no such results folder/);
    expect(metric.code).toBe(1);
    expect(metric.stderr).toMatch(
      /error\[USAGE\]: unknown metric 'tokensPerJoule'\n\s+hint: valid metrics: ttftMs, e2eMs, tpotMs, decodeTokensPerS/,
    );
  });

  it('a baseline written with results schema v0 is upgraded on read and compared', async () => {
    const old = dir('v0');
    await writeSyntheticRun(old, { runId: 'v0', cells: cells(100) });
    // rewrite it as v0: token times in ns, peakRss, run.json with `version` and no status (and none of v2's device class / weights)
    const run = JSON.parse(await readFile(join(old, 'run.json'), 'utf8')) as Record<string, unknown> & {
      environment: Record<string, unknown>;
    };
    const {
      edgebenchVersion,
      status: _status,
      environment: { device: _device, ...envV1 },
      ...rest
    } = run;
    await writeFile(join(old, 'run.json'), JSON.stringify({ ...rest, environment: envV1, schemaVersion: 0, version: edgebenchVersion }));
    for (const f of await readdir(join(old, 'cells'))) {
      const c = JSON.parse(await readFile(join(old, 'cells', f), 'utf8')) as Record<string, unknown> & {
        requests: { tokenTimesMs: number[] }[];
      };
      const {
        peakRssBytes,
        rssAfterLoadBytes: _r,
        memoryBandwidthBytesPerS: _m,
        requests,
        model,
        ...cr
      } = c as typeof c & { model: Record<string, unknown> | null };
      const { weights: _w, ...modelV1 } = model ?? {};
      const v0 = {
        ...cr,
        model: model ? modelV1 : null,
        schemaVersion: 0,
        peakRss: peakRssBytes,
        requests: requests.map(({ tokenTimesMs, ...q }) => ({ ...q, tokenTimesNs: tokenTimesMs.map((ms) => ms * 1e6) })),
      };
      await writeFile(join(old, 'cells', f), JSON.stringify(v0));
    }
    const fromOld = await cli([old, dir('slow'), '--environment', 'laptop', '--json']);
    const fromNew = await cli([dir('base'), dir('slow'), '--environment', 'laptop', '--json']);
    expect(fromOld.code).toBe(2);
    const a = JSON.parse(fromOld.stdout) as CompareReport;
    const b = JSON.parse(fromNew.stdout) as CompareReport;
    // same traces, same verdicts and (up to ns rounding) the same numbers
    expect(a.cells.map((c) => c.metrics.map((m) => m.verdict))).toEqual(b.cells.map((c) => c.metrics.map((m) => m.verdict)));
    expect(a.cells[0]!.metrics[0]!.baselineMedian).toBeCloseTo(b.cells[0]!.metrics[0]!.baselineMedian, 6);
  });
});
