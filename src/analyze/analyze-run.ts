/** `analyze` stage: raw traces in a results folder → summary.json. Pure apart from the file I/O. */
import { readRun, writeSummary, type RunFolder } from '../results/io.ts';
import { refuseToShrink } from './keep-summary.ts';
import { SCHEMA_VERSION, type RunSummary } from '../results/schema.ts';
import { readPackageVersion } from '../version.ts';
import { analyzeCell } from './analyze-cell.ts';
import { runWarnings } from './warnings.ts';
import { runnerWarnings, sideBySide } from './side-by-side.ts';

export interface AnalyzeRunOptions {
  /** bootstrap seed; defaults to the seed stored in run.json */
  seed?: number;
  resamples?: number;
  /** timestamp for generatedAt (tests pass a fixed one) */
  now?: Date;
  /** `run` itself: its summary is of the cells it just wrote, even if fewer than a stale summary's */
  replaceLargerSummary?: boolean;
}

export function summarizeRun(run: RunFolder, opts: AnalyzeRunOptions = {}): RunSummary {
  const seed = opts.seed ?? run.manifest.seed;
  const cellOpts = { seed, ...(opts.resamples !== undefined && { resamples: opts.resamples }) };
  const cells = run.cells.map((c) => analyzeCell(c, cellOpts));
  const sbs = sideBySide(cells, cellOpts);
  return {
    schemaVersion: SCHEMA_VERSION,
    runId: run.manifest.runId,
    generatedAt: (opts.now ?? new Date()).toISOString(),
    edgebenchVersion: readPackageVersion(),
    seed,
    warnings: [...runWarnings(run.manifest, run.cells.length), ...runnerWarnings(cells)],
    cells,
    ...(sbs ? { sideBySide: sbs } : {}),
  };
}

/** Read and validate `dir`, recompute every summary from the raw traces, write summary.json. */
export async function analyzeRun(dir: string, opts: AnalyzeRunOptions = {}): Promise<RunSummary> {
  const run = await readRun(dir);
  if (!opts.replaceLargerSummary) await refuseToShrink(dir, run.cells.length);
  const summary = summarizeRun(run, opts);
  await writeSummary(dir, summary);
  return summary;
}
