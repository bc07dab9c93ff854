/**
 * The one way a results folder is read (analyze, report, claims, compare, assert): run.json and
 * every cell file, upgraded on read and validated (a bad file is reported by name and field),
 * errored and unsupported cells kept as rows; and, when asked, the run's summary — the stored
 * summary.json when it is current (this schema, these cells), else recomputed from the raw traces
 * (pure, seeded).
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { summarizeRun } from '../analyze/summarize-run.ts';
import { EdgebenchError } from '../errors.ts';
import type { DeviceClassName } from '../edge-cloud/device-class.ts';
import { checkDir } from '../util/input-path.ts';
import { deviceClassOf, deviceLabel } from './device.ts';
import { readCells, readManifest, readSummary, SUMMARY_FILE, validateSummary } from './io.ts';
import { readQualityEntries } from './quality-io.ts';
import type { QualityEntry } from './quality-schema.ts';
import { SCHEMA_VERSION, type CellResult, type RunManifest, type RunSummary } from './schema.ts';

/** What the device wrote: the manifest and the raw cells, in index order. */
export interface RunFolder {
  manifest: RunManifest;
  cells: CellResult[];
  /** the quality stage's records (quality/*.json), when it ran */
  quality?: QualityEntry[];
}

export interface OpenRun extends RunFolder {
  dir: string;
  runId: string;
  device: string;
  deviceClass: DeviceClassName;
  /** the device's price when the user recorded it (--device-price-usd) */
  devicePriceUsd: number | null;
}

export interface AnalyzedRun extends OpenRun {
  summary: RunSummary;
  summarySource: 'summary.json' | 'recomputed from raw traces';
}

/**
 * 'stored-if-current': summary.json unless absent or of an older schema (report, claims);
 * 'recompute': always from the raw traces, so two runs compare on this edgebench's definitions.
 */
export type SummaryPolicy = 'stored-if-current' | 'recompute';

export interface OpenOptions {
  /** how the folder is named in errors ("baseline", "head") */
  role?: string;
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

export async function openRun(dir: string, opts: OpenOptions = {}): Promise<OpenRun> {
  if (!(await isDirectory(dir))) {
    const hint = 'pass a folder written by `edgebench run` (it holds run.json and cells/)';
    // a file, a symlink loop, no permission: said as such (src/util/input-path.ts); else it is missing
    checkDir(dir, { what: `${opts.role ? `${opts.role} ` : ''}results folder`, code: 'RESULTS_INVALID', hint }, true);
    throw new EdgebenchError('RESULTS_INVALID', `${opts.role ? `${opts.role} ` : ''}${dir}: no such results folder`, hint);
  }
  const manifest = await readManifest(dir);
  const cells = await readCells(dir);
  const quality = await readQualityEntries(dir);
  const env = manifest.environment;
  return { dir, runId: manifest.runId, manifest, cells, quality, device: deviceLabel(env), deviceClass: deviceClassOf(env), devicePriceUsd: env.device.priceUsd };
}

/** summary.json's schema version and parsed content (parsed once: it is most of a run's bytes). */
async function storedSummary(path: string): Promise<{ version: number | null; raw: unknown } | 'absent'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    // any other read error: readSummary reports it with the file name
    return e instanceof Error && 'code' in e && e.code === 'ENOENT' ? 'absent' : { version: null, raw: undefined };
  }
  try {
    const raw: unknown = JSON.parse(text);
    const v = typeof raw === 'object' && raw !== null && 'schemaVersion' in raw ? raw.schemaVersion : null;
    return { version: typeof v === 'number' ? v : null, raw };
  } catch {
    return { version: null, raw: undefined }; // truncated: readSummary reports it with the file name
  }
}

/** The summary has exactly these cells: same indices, keys and statuses, in order. */
function describesCells(summary: RunSummary, cells: readonly CellResult[]): boolean {
  const s = summary.cells;
  return s.length === cells.length && s.every((c, i) => c.index === cells[i]!.index && c.status === cells[i]!.status && JSON.stringify(c.key) === JSON.stringify(cells[i]!.key));
}

async function summaryOf(run: OpenRun, policy: SummaryPolicy): Promise<[RunSummary, AnalyzedRun['summarySource']]> {
  const recomputed = (): [RunSummary, AnalyzedRun['summarySource']] => [summarizeRun(run, { now: new Date(run.manifest.createdAt) }), 'recomputed from raw traces'];
  if (policy === 'recompute') return recomputed();
  const stored = await storedSummary(join(run.dir, SUMMARY_FILE));
  if (stored === 'absent' || (stored.version !== null && stored.version < SCHEMA_VERSION)) return recomputed();
  const summary = stored.raw === undefined ? await readSummary(run.dir) : validateSummary(run.dir, stored.raw);
  if (summary.runId !== run.runId) {
    throw new EdgebenchError('RESULTS_INVALID', `${join(run.dir, SUMMARY_FILE)}: runId "${summary.runId}" does not match run.json ("${run.runId}")`, `recompute it with: edgebench analyze ${run.dir}`);
  }
  // stale when cells were added (--resume) or rewritten after `analyze`: recompute from the traces
  if (!describesCells(summary, run.cells)) return recomputed();
  return [summary, 'summary.json'];
}

export async function openAnalyzedRun(dir: string, opts: OpenOptions & { summary: SummaryPolicy }): Promise<AnalyzedRun> {
  const run = await openRun(dir, opts);
  const [summary, summarySource] = await summaryOf(run, opts.summary);
  return { ...run, summary, summarySource };
}

/** Several folders side by side (report, claims): at least one, each run once. */
export async function openAnalyzedRuns(dirs: readonly string[], opts: { summary: SummaryPolicy }): Promise<AnalyzedRun[]> {
  if (dirs.length === 0) throw new EdgebenchError('USAGE', 'no results folder given', 'pass one or more folders written by `edgebench run`, e.g. results/<run-id>');
  const runs: AnalyzedRun[] = [];
  for (const d of dirs) runs.push(await openAnalyzedRun(d, opts));
  const ids = new Set<string>();
  for (const r of runs) {
    if (ids.has(r.runId)) throw new EdgebenchError('USAGE', `run ${r.runId} was given twice`, 'pass each results folder once');
    ids.add(r.runId);
  }
  return runs;
}
