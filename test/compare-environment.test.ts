/**
 * compare/assert when the machine changed between two runs of the same configuration: an A/A
 * pair where the head ran while other processes took 1.6 of 2 cores (and so is ~60 % slower)
 * is `inconclusive: environment changed` with the figures, unless --ignore-environment.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noisy, writeSyntheticRun, type SyntheticCell } from './fixtures/compare/synthetic-run.ts';
import { cliInProcess } from './fixtures/compare/cli.ts';
import type { CompareReport } from '../src/compare/types.ts';
import { environmentDifferences } from '../src/compare/environment-change.ts';
import type { MachineLoad } from '../src/results/machine-schema.ts';

const quiet: MachineLoad = {
  source: 'linux-proc',
  logicalCores: 2,
  durationS: 10,
  otherCores: 0.05,
  otherCoresMax: 0.1,
  selfCores: 1.9,
  stealPct: 0.2,
  freqMHz: { mean: 2400, min: 2400, maxRated: null },
  thermalMaxC: null,
  power: 'unknown',
  topOther: [],
  samples: 10,
};
const busy: MachineLoad = { ...quiet, otherCores: 1.6, otherCoresMax: 1.9, topOther: [{ name: 'cc1plus', cores: 1.2 }] };

let tmp: string;
const dir = (n: string) => join(tmp, n);
const cells = (seed: number, slow: number, machine: MachineLoad): SyntheticCell[] => [
  { shape: 'tg16', ttftMs: noisy(5, 0.03, 20, seed), tpotMs: noisy(10 * slow, 0.03, 20, seed + 1), machine },
];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'eb-env-'));
  await writeSyntheticRun(dir('quiet'), { runId: 'quiet', cells: cells(1, 1, quiet) });
  await writeSyntheticRun(dir('busy'), { runId: 'busy', cells: cells(2, 1.6, busy) });
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('environment changed', () => {
  it('names each condition that differs beyond its threshold', () => {
    expect(environmentDifferences(quiet, busy)).toEqual(['other processes 0.05 vs 1.60 cores']);
    expect(environmentDifferences(quiet, { ...quiet, otherCores: 0.2 })).toEqual([]); // within 0.25 cores
    expect(
      environmentDifferences(quiet, { ...quiet, stealPct: 9, freqMHz: { mean: 1800, min: 1700, maxRated: null }, power: 'battery' }),
    ).toEqual(['steal 0.2 vs 9.0 %', 'CPU clock 2400 vs 1800 MHz']); // power unknown on one side: not compared
    expect(
      environmentDifferences(
        { ...quiet, power: 'ac' },
        { ...quiet, stealPct: 9, freqMHz: { mean: 1800, min: 1700, maxRated: null }, thermalMaxC: 90, power: 'battery' },
      ),
    ).toEqual(['steal 0.2 vs 9.0 %', 'CPU clock 2400 vs 1800 MHz', 'power ac vs battery']);
    expect(environmentDifferences(undefined, busy)).toEqual([]); // not recorded (older runs): nothing to say
  });

  it('compare: a busy head is inconclusive with the figures and the --ab hint, not "regressed"', async () => {
    const r = await cliInProcess(['compare', dir('quiet'), dir('busy'), '--environment', 'laptop', '--json']);
    const rep = JSON.parse(r.stdout) as CompareReport;
    const c = rep.cells[0]!;
    expect(c.environmentChanged).toEqual(['other processes 0.05 vs 1.60 cores']);
    expect(c.metrics.map((m) => m.verdict)).toEqual(c.metrics.map(() => 'inconclusive'));
    expect(c.metrics[0]!.reason).toMatch(/^environment changed: other processes 0\.05 vs 1\.60 cores \(.*edgebench run --ab/);
    expect(rep.totals.regressed).toBe(0);
    const text = await cliInProcess(['compare', dir('quiet'), dir('busy'), '--environment', 'laptop']);
    expect(text.stdout).toMatch(/environment changed: other processes 0\.05 vs 1\.60 cores/);
  });

  it('--ignore-environment compares anyway (the slowdown is then "regressed")', async () => {
    const r = await cliInProcess(['compare', dir('quiet'), dir('busy'), '--environment', 'laptop', '--json', '--ignore-environment']);
    const rep = JSON.parse(r.stdout) as CompareReport;
    expect(rep.cells[0]!.metrics.find((m) => m.metric === 'tpotMs')!.verdict).toBe('regressed');
    expect(rep.settings.ignoreEnvironment).toBe(true);
    expect(r.code).toBe(2);
  });
});
