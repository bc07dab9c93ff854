/**
 * The results folder's files (see schema.ts): run.json, cells/NNNN-<slug>.json, summary.json.
 * Every read is validated (after upgrade-on-read) and a bad file is reported by name and field.
 * Commands read a whole run through ./open-run.ts.
 */
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { z } from 'zod';
import { EdgebenchError, zodToError } from '../errors.ts';
import { TMP_SUFFIX, writeJsonAtomic } from './atomic-write.ts';
import { CellResult, RunManifest, RunSummary, type CellKey, type RunStatus } from './schema.ts';
import { upgradeCell, upgradeManifest } from './upgrade.ts';

export const RUN_FILE = 'run.json';
export const CELLS_DIR = 'cells';
export const SUMMARY_FILE = 'summary.json';
const CELL_FILE = /^(\d{4,})-[^/]*\.json$/;

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function cellFiles(dir: string): Promise<string[]> {
  const names = await readdir(join(dir, CELLS_DIR)).catch(() => [] as string[]);
  return names.filter((n) => CELL_FILE.test(n) && !n.endsWith(TMP_SUFFIX)).sort();
}

/** `cells/` file name of a cell: zero-padded index + a readable slug of its key. */
export function cellFileName(cell: { index: number; key: CellKey }): string {
  const k = cell.key;
  const parts = [basename(k.model), k.dtype, k.runner, k.ep, `t${k.threads ?? 'auto'}`, k.shape.name];
  const slug = parts.join('-').toLowerCase().replace(/[^a-z0-9.+@_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 100);
  return `${String(cell.index).padStart(4, '0')}-${slug}.json`;
}

async function readJson(path: string, hint: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new EdgebenchError('RESULTS_INVALID', `cannot read ${path}: ${msg}`, hint);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new EdgebenchError('RESULTS_INVALID', `${path}: not valid JSON — truncated or damaged (${msg})`, hint);
  }
}

function validate<T>(schema: z.ZodType<T>, raw: unknown, where: string, hint: string): T {
  const r = schema.safeParse(raw);
  if (!r.success) throw zodToError('RESULTS_INVALID', where, r.error, hint);
  return r.data;
}

async function hasResults(dir: string): Promise<boolean> {
  return (await exists(join(dir, RUN_FILE))) || (await exists(join(dir, SUMMARY_FILE))) || (await cellFiles(dir)).length > 0;
}

function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableStringify(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * Prepare `dir` for a run and write run.json. A folder that already holds results is refused
 * unless `resume` (keep the stored manifest and cells; the suite must match) or `force` (delete
 * edgebench's files there, nothing else). Returns the manifest in effect.
 */
export async function createRunFolder(
  dir: string,
  manifest: RunManifest,
  opts: { force?: boolean; resume?: boolean } = {},
): Promise<RunManifest> {
  if (opts.force && opts.resume) throw new EdgebenchError('USAGE', '--force and --resume cannot be used together', 'use --resume to continue a run, --force to start over');
  const fresh = validate(RunManifest, manifest, 'run manifest (internal)', 'this is a bug in edgebench; please report it');
  if (opts.resume) {
    const stored = await readManifest(dir);
    if (stableStringify(stored.suite) !== stableStringify(fresh.suite)) {
      throw new EdgebenchError('RESULTS_EXISTS', `${dir}: the suite differs from the one this run was started with`, `resume with the same suite, or start over with --force`);
    }
    const resumed: RunManifest = { ...stored, status: 'running' };
    await writeJsonAtomic(join(dir, RUN_FILE), resumed);
    return resumed;
  }
  if (await hasResults(dir)) {
    if (!opts.force) {
      throw new EdgebenchError('RESULTS_EXISTS', `${dir} already holds results`, `--resume ${dir} to continue that run, or --force to overwrite it`);
    }
    for (const name of await readdir(join(dir, CELLS_DIR)).catch(() => [] as string[])) {
      if (CELL_FILE.test(name) || name.endsWith(TMP_SUFFIX)) await rm(join(dir, CELLS_DIR, name), { force: true });
    }
    await rm(join(dir, SUMMARY_FILE), { force: true });
    await rm(join(dir, RUN_FILE), { force: true });
  }
  await mkdir(join(dir, CELLS_DIR), { recursive: true }).catch((e: unknown) => {
    throw new EdgebenchError('OUTPUT_UNWRITABLE', `cannot create ${dir}: ${e instanceof Error ? e.message : String(e)}`, 'choose a writable folder with --out');
  });
  await writeJsonAtomic(join(dir, RUN_FILE), fresh);
  return fresh;
}

/** Mark the run complete or interrupted (rewrites run.json atomically). */
export async function setRunStatus(dir: string, status: RunStatus): Promise<void> {
  const m = await readManifest(dir);
  await writeJsonAtomic(join(dir, RUN_FILE), { ...m, status });
}

/** Write one finished cell atomically; replaces an earlier file for the same index. */
export async function appendCell(dir: string, cell: CellResult): Promise<string> {
  const valid = validate(CellResult, cell, `cell ${cell.index} (internal)`, 'this is a bug in edgebench; please report it');
  const name = cellFileName(valid);
  const cellsDir = join(dir, CELLS_DIR);
  await mkdir(cellsDir, { recursive: true });
  const path = join(cellsDir, name);
  await writeJsonAtomic(path, valid);
  const prefix = `${name.split('-')[0]}-`;
  for (const other of await cellFiles(dir)) {
    if (other !== name && other.startsWith(prefix)) await rm(join(cellsDir, other), { force: true });
  }
  return path;
}

export async function readManifest(dir: string): Promise<RunManifest> {
  const path = join(dir, RUN_FILE);
  if (!(await exists(path))) {
    throw new EdgebenchError('RESULTS_INVALID', `${dir}: no ${RUN_FILE} — not an edgebench results folder`, 'pass the folder `edgebench run` wrote, e.g. results/<run-id>');
  }
  const hint = `${path} is damaged; it cannot be recovered from the cells — rerun the suite`;
  return validate(RunManifest, upgradeManifest(await readJson(path, hint), path), path, hint);
}

/** Every cell file, validated, in index order. Stray `*.tmp` files from a killed run are ignored. */
export async function readCells(dir: string): Promise<CellResult[]> {
  const cells: CellResult[] = [];
  const seen = new Map<number, string>();
  for (const name of await cellFiles(dir)) {
    const path = join(dir, CELLS_DIR, name);
    const hint = `delete ${path} and rerun with --resume ${dir} to measure that cell again`;
    const cell = validate(CellResult, upgradeCell(await readJson(path, hint), path), path, hint);
    const dup = seen.get(cell.index);
    if (dup) throw new EdgebenchError('RESULTS_INVALID', `${path}: index ${cell.index} is also used by ${dup}`, `delete one of the two files`);
    seen.set(cell.index, name);
    cells.push(cell);
  }
  return cells.sort((a, b) => a.index - b.index);
}

/** Keys of the cells already on disk, for `--resume` (errored cells are retried unless asked). */
export async function finishedCellKeys(dir: string, opts: { includeErrored?: boolean } = {}): Promise<CellKey[]> {
  return (await readCells(dir)).filter((c) => opts.includeErrored || c.status !== 'errored').map((c) => c.key);
}

export async function writeSummary(dir: string, summary: RunSummary): Promise<string> {
  const valid = validate(RunSummary, summary, 'run summary (internal)', 'this is a bug in edgebench; please report it');
  const path = join(dir, SUMMARY_FILE);
  await writeJsonAtomic(path, valid);
  return path;
}

export async function readSummary(dir: string): Promise<RunSummary> {
  const path = join(dir, SUMMARY_FILE);
  const hint = `recompute it with: edgebench analyze ${dir}`;
  if (!(await exists(path))) throw new EdgebenchError('RESULTS_INVALID', `${dir}: no ${SUMMARY_FILE} yet`, hint);
  return validate(RunSummary, await readJson(path, hint), path, hint);
}

/** summary.json's content already read and parsed (the loader peeks at its schema version first), validated as readSummary does. */
export function validateSummary(dir: string, raw: unknown): RunSummary {
  return validate(RunSummary, raw, join(dir, SUMMARY_FILE), `recompute it with: edgebench analyze ${dir}`);
}
