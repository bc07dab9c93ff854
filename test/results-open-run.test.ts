/** The one run loader (src/results/open-run.ts): stored vs recomputed summaries, errors naming the folder. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeRun } from '../src/analyze/analyze-run.ts';
import { isEdgebenchError } from '../src/errors.ts';
import { openAnalyzedRun, openAnalyzedRuns, openRun } from '../src/results/open-run.ts';

const GOLDEN = join(import.meta.dirname, 'fixtures/results/golden');
const LAPTOP = join(import.meta.dirname, 'fixtures/report/run-laptop');

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'edgebench-open-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function errorOf(p: Promise<unknown>): Promise<{ code: string; message: string; hint: string | undefined }> {
  try {
    await p;
  } catch (e) {
    if (isEdgebenchError(e)) return { code: e.code, message: e.message, hint: e.hint };
    throw e;
  }
  throw new Error('expected an EdgebenchError');
}

/** A copy of the laptop fixture with a summary.json of this schema (written by `analyze`). */
async function analyzedCopy(): Promise<string> {
  const dir = join(tmp, 'run');
  await cp(LAPTOP, dir, { recursive: true });
  await analyzeRun(dir, { resamples: 200 });
  return dir;
}

describe('openRun', () => {
  it('keeps errored and unsupported cells as rows and labels the device once', async () => {
    const run = await openRun(GOLDEN);
    expect(run.cells.map((c) => c.status)).toEqual(['ok', 'ok', 'errored', 'unsupported']);
    expect(run.runId).toBe('golden-2026-11-23');
    expect(run.device).toMatch(/\((linux|darwin|win32) \w+\)$/);
  });

  it('names the role and the folder when it does not exist', async () => {
    const e = await errorOf(openRun(join(tmp, 'nope'), { role: 'baseline' }));
    expect(e.code).toBe('RESULTS_INVALID');
    expect(e.message).toBe(`baseline ${join(tmp, 'nope')}: no such results folder`);
  });
});

describe('openAnalyzedRun', () => {
  it('uses a current summary.json, and recomputes one that is absent, of an older schema or when asked', async () => {
    const dir = await analyzedCopy();
    expect((await openAnalyzedRun(dir, { summary: 'stored-if-current' })).summarySource).toBe('summary.json');
    expect((await openAnalyzedRun(dir, { summary: 'recompute' })).summarySource).toBe('recomputed from raw traces');
    const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as { schemaVersion: number };
    await writeFile(join(dir, 'summary.json'), JSON.stringify({ ...summary, schemaVersion: summary.schemaVersion - 1 }));
    expect((await openAnalyzedRun(dir, { summary: 'stored-if-current' })).summarySource).toBe('recomputed from raw traces');
    const golden = await openAnalyzedRun(GOLDEN, { summary: 'stored-if-current' });
    expect(golden.summarySource).toBe('recomputed from raw traces');
    expect(golden.summary.cells.map((c) => c.status)).toEqual(['ok', 'ok', 'errored', 'unsupported']);
  });

  it('a summary of another run is an error naming the file', async () => {
    const dir = await analyzedCopy();
    const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as { runId: string };
    await writeFile(join(dir, 'summary.json'), JSON.stringify({ ...summary, runId: 'other' }));
    const e = await errorOf(openAnalyzedRun(dir, { summary: 'stored-if-current' }));
    expect(e.message).toContain(join(dir, 'summary.json'));
    expect(e.hint).toMatch(/edgebench analyze/);
  });

  it('recomputes a summary.json that no longer describes the cells (a cell added or removed after analyze)', async () => {
    const dir = await analyzedCopy();
    const [first] = (await readdir(join(dir, 'cells'))).sort();
    await rm(join(dir, 'cells', first!));
    const run = await openAnalyzedRun(dir, { summary: 'stored-if-current' });
    expect(run.summarySource).toBe('recomputed from raw traces');
    expect(run.summary.cells.map((c) => c.index)).toEqual(run.cells.map((c) => c.index));
  });

  it('refuses no folder and the same run twice', async () => {
    expect((await errorOf(openAnalyzedRuns([], { summary: 'recompute' }))).code).toBe('USAGE');
    const e = await errorOf(openAnalyzedRuns([LAPTOP, LAPTOP], { summary: 'stored-if-current' }));
    expect(e.message).toMatch(/given twice/);
  });
});
