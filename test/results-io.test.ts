import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  appendCell,
  cellFileName,
  createRunFolder,
  finishedCellKeys,
  readCells,
  readManifest,
  readSummary,
  setRunStatus,
} from '../src/results/io.ts';
import { openRun } from '../src/results/open-run.ts';
import { CellResult, RunManifest, SCHEMA_VERSION } from '../src/results/schema.ts';
import { upgradeCell, upgradeManifest } from '../src/results/upgrade.ts';
import { isEdgebenchError } from '../src/errors.ts';

const GOLDEN = join(import.meta.dirname, 'fixtures/results/golden');
const V0 = join(import.meta.dirname, 'fixtures/results/v0');

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'edgebench-io-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function copyGolden(): Promise<string> {
  const dir = join(tmp, 'run');
  await cp(GOLDEN, dir, { recursive: true });
  return dir;
}

async function errorOf(p: Promise<unknown>): Promise<{ code: string; message: string; hint: string | undefined }> {
  try {
    await p;
  } catch (e) {
    if (isEdgebenchError(e)) return { code: e.code, message: e.message, hint: e.hint };
    throw e;
  }
  throw new Error('expected an EdgebenchError');
}

async function goldenManifest(): Promise<RunManifest> {
  // the golden folder is stored in an older schema: read it as edgebench does (upgrade on read)
  return RunManifest.parse(upgradeManifest(JSON.parse(await readFile(join(GOLDEN, 'run.json'), 'utf8')), 'golden run.json'));
}
async function goldenCell(name: string): Promise<CellResult> {
  return CellResult.parse(upgradeCell(JSON.parse(await readFile(join(GOLDEN, 'cells', name), 'utf8')), name));
}

describe('reading a run folder', () => {
  it('reads and validates the golden folder in index order', async () => {
    const run = await openRun(GOLDEN);
    expect(run.manifest.runId).toBe('golden-2026-11-23');
    expect(run.cells.map((c) => [c.index, c.status])).toEqual([
      [0, 'ok'],
      [1, 'ok'],
      [2, 'errored'],
      [3, 'unsupported'],
    ]);
  });

  it('names the file when a cell was truncated (killed mid-write without atomic rename)', async () => {
    const dir = await copyGolden();
    const file = join(dir, 'cells', '0001-tiny-q4-fake-webgpu-t1-tg1.json');
    await truncate(file, 200);
    const e = await errorOf(openRun(dir));
    expect(e.code).toBe('RESULTS_INVALID');
    expect(e.message).toContain(file);
    expect(e.message).toMatch(/not valid JSON/);
    expect(e.hint).toContain('--resume');
  });

  it('names the file and the field when a value is wrong', async () => {
    const dir = await copyGolden();
    const file = join(dir, 'cells', '0000-tiny-q4-fake-cpu-t1-pp4+tg4.json');
    const raw = JSON.parse(await readFile(file, 'utf8')) as { requests: { tokenTimesMs: unknown[] }[]; status: string };
    raw.requests[2]!.tokenTimesMs[1] = -5;
    raw.status = 'finished';
    await writeFile(file, JSON.stringify(raw));
    const e = await errorOf(readCells(dir));
    expect(e.code).toBe('RESULTS_INVALID');
    expect(e.message).toContain(file);
    expect(e.message).toContain('requests.2.tokenTimesMs.1');
    expect(e.message).toContain('status');
  });

  it('ignores a half-written temp file left by SIGKILL', async () => {
    const dir = await copyGolden();
    await writeFile(join(dir, 'cells', '.0004-tiny-q4-fake-cpu-t1-tg4.json.123.abcd.tmp'), '{"schemaVersion": 1, "ind');
    await writeFile(join(dir, 'cells', '0005-x.json.tmp'), '{');
    expect((await readCells(dir)).length).toBe(4);
  });

  it('explains a folder without run.json and a future schema version', async () => {
    expect((await errorOf(openRun(tmp))).message).toMatch(/no run\.json/);
    const dir = await copyGolden();
    const m = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(dir, 'run.json'), JSON.stringify({ ...m, schemaVersion: 99 }));
    const e = await errorOf(readManifest(dir));
    expect(e.message).toMatch(/schema v99/);
    expect(e.hint).toMatch(/upgrade edgebench/);
  });

  it('upgrades a v0 folder on read (ns token times, old field names)', async () => {
    const run = await openRun(V0);
    expect(run.manifest.schemaVersion).toBe(SCHEMA_VERSION);
    expect(run.manifest.environment.device.source).toBe('detected');
    expect(run.manifest.edgebenchVersion).toBe('0.1.0');
    expect(run.manifest.status).toBe('complete');
    const cell = run.cells[0]!;
    expect(cell.schemaVersion).toBe(SCHEMA_VERSION);
    expect(cell.model === null || cell.model.weights === (cell.model.synthetic ? 'synthetic' : 'real')).toBe(true);
    expect(cell.requests[0]!.tokenTimesMs).toEqual([10, 20, 30, 40]); // 10 000 000 ns = 10 ms
    expect(cell.requests[1]!.tokenTimesMs).toEqual([20, 26, 32, 38]);
    expect(cell.peakRssBytes).toBe(300_000_000);
    expect(cell.rssAfterLoadBytes).toBeNull();
    expect(cell.memoryBandwidthBytesPerS).toBeNull();
  });

  it('reports v0 problems in v0 terms', async () => {
    const dir = join(tmp, 'v0');
    await cp(V0, dir, { recursive: true });
    const file = join(dir, 'cells', '0000-tiny-q4-fake-cpu-t1-pp4+tg4.json');
    const raw = JSON.parse(await readFile(file, 'utf8')) as { requests: Record<string, unknown>[] };
    delete raw.requests[0]!.tokenTimesNs;
    await writeFile(file, JSON.stringify(raw));
    const e = await errorOf(readCells(dir));
    expect(e.message).toContain('(schema v0)');
    expect(e.message).toContain('requests.0.tokenTimesNs');
  });
});

describe('writing a run folder', () => {
  it('creates, appends atomically, refuses to overwrite, resumes, forces', async () => {
    const dir = join(tmp, 'new-run');
    const manifest = { ...(await goldenManifest()), status: 'running' as const };
    await createRunFolder(dir, manifest);
    const c0 = await goldenCell('0000-tiny-q4-fake-cpu-t1-pp4+tg4.json');
    const c2 = await goldenCell('0002-tiny-q4-fake-cpu-t1-pp4096.json');
    const path = await appendCell(dir, c0);
    expect(path.endsWith(join('cells', '0000-tiny-q4-fake-cpu-t1-pp4+tg4.json'))).toBe(true);
    await appendCell(dir, c2);
    expect((await readdir(join(dir, 'cells'))).filter((n) => n.endsWith('.tmp'))).toEqual([]);

    const refused = await errorOf(createRunFolder(dir, manifest));
    expect(refused.code).toBe('RESULTS_EXISTS');
    expect(refused.hint).toContain(`--resume ${dir}`);
    expect(refused.hint).toContain('--force');

    // resume keeps the stored cells; errored cells are retried unless asked otherwise
    const resumed = await createRunFolder(dir, { ...manifest, argv: ['run', '--resume', dir] }, { resume: true });
    expect(resumed.argv).toEqual(manifest.argv);
    expect(await finishedCellKeys(dir)).toEqual([c0.key]);
    expect(await finishedCellKeys(dir, { includeErrored: true })).toEqual([c0.key, c2.key]);

    const other = await errorOf(createRunFolder(dir, { ...manifest, suite: { name: 'other' } }, { resume: true }));
    expect(other.message).toMatch(/suite differs/);

    await setRunStatus(dir, 'interrupted');
    expect((await readManifest(dir)).status).toBe('interrupted');

    await writeFile(join(dir, 'notes.txt'), 'mine');
    await createRunFolder(dir, manifest, { force: true });
    expect(await readCells(dir)).toEqual([]);
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('mine'); // only edgebench's files go
  });

  it('a rerun of the same index replaces the old file', async () => {
    const dir = join(tmp, 'r');
    await createRunFolder(dir, await goldenManifest());
    const c = await goldenCell('0002-tiny-q4-fake-cpu-t1-pp4096.json');
    await appendCell(dir, c);
    await appendCell(dir, { ...c, key: { ...c.key, shape: { ...c.key.shape, name: 'pp4096b' } } });
    expect(await readdir(join(dir, 'cells'))).toEqual(['0002-tiny-q4-fake-cpu-t1-pp4096b.json']);
  });

  it('refuses to write an invalid cell, naming the field', async () => {
    const dir = join(tmp, 'bad');
    const c = await goldenCell('0002-tiny-q4-fake-cpu-t1-pp4096.json');
    const e = await errorOf(appendCell(dir, { ...c, loadMs: -1 }));
    expect(e.message).toContain('loadMs');
  });

  it('a run SIGKILLed while writing large cells leaves only whole cells', async () => {
    const dir = join(tmp, 'killed');
    await createRunFolder(dir, await goldenManifest());
    const script = join(tmp, 'writer.mts'); // .mts: ESM with top-level await outside the package
    const io = join(import.meta.dirname, '../src/results/io.ts');
    const cellPath = join(GOLDEN, 'cells', '0000-tiny-q4-fake-cpu-t1-pp4+tg4.json');
    await writeFile(
      script,
      `import { readFileSync } from 'node:fs';
import { appendCell } from ${JSON.stringify(io)};
import { upgradeCell } from ${JSON.stringify(join(import.meta.dirname, '../src/results/upgrade.ts'))};
const cell = upgradeCell(JSON.parse(readFileSync(${JSON.stringify(cellPath)}, 'utf8')), 'golden');
const req = cell.requests[2];
cell.requests = Array.from({ length: 3000 }, (_, i) => ({ ...req, index: i, tokenTimesMs: Array.from({ length: 128 }, (_, k) => k + i / 7) }));
for (let i = 0; ; i++) await appendCell(process.argv[2], { ...cell, index: i });
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script, dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    let alive = true;
    void exited.then(() => (alive = false));
    const deadline = Date.now() + 60_000;
    while (alive && Date.now() < deadline && (await readdir(join(dir, 'cells'))).filter((n) => n.endsWith('.json')).length < 3) {
      await new Promise((r) => setTimeout(r, 20));
    }
    // kill while a temp file is being written, so the kill lands mid-write
    while (alive && Date.now() < deadline && !(await readdir(join(dir, 'cells'))).some((n) => n.endsWith('.tmp'))) {
      await new Promise((r) => setImmediate(r));
    }
    expect(alive, `writer exited early: ${stderr}`).toBe(true);
    child.kill('SIGKILL');
    await exited;
    const cells = await readCells(dir);
    expect(cells.length).toBeGreaterThanOrEqual(3);
    expect(cells.every((c) => c.requests.length === 3000)).toBe(true);
  });

  it('slugs file names from the key', () => {
    const key = {
      model: '/home/me/My Models/Qwen3-0.6B',
      dtype: 'q4f16',
      runner: 'ort-node',
      ep: 'cpu',
      threads: null,
      shape: { name: 'pp512+tg128@d1024', promptTokens: 512, genTokens: 128, depth: 1024 },
    };
    expect(cellFileName({ index: 12, key })).toBe('0012-qwen3-0.6b-q4f16-ort-node-cpu-tauto-pp512+tg128@d1024.json');
  });

  it('readSummary says how to make one', async () => {
    expect((await errorOf(readSummary(GOLDEN))).hint).toMatch(/edgebench analyze/);
  });
});
