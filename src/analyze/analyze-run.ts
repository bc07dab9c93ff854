/** `analyze` stage: raw traces in a results folder → summary.json. Pure apart from the file I/O. */
import { readRun, writeSummary, type RunFolder } from '../results/io.ts';
import { SCHEMA_VERSION, type RunSummary } from '../results/schema.ts';
import { readPackageVersion } from '../version.ts';
import { analyzeCell } from './analyze-cell.ts';
import { runWarnings } from './warnings.ts';

export interface AnalyzeRunOptions {
  /** bootstrap seed; defaults to the seed stored in run.json */
  seed?: number;
  resamples?: number;
  /** timestamp for generatedAt (tests pass a fixed one) */
  now?: Date;
}

export function summarizeRun(run: RunFolder, opts: AnalyzeRunOptions = {}): RunSummary {
  const seed = opts.seed ?? run.manifest.seed;
  const cellOpts = { seed, ...(opts.resamples !== undefined && { resamples: opts.resamples }) };
  return {
    schemaVersion: SCHEMA_VERSION,
    runId: run.manifest.runId,
    generatedAt: (opts.now ?? new Date()).toISOString(),
    edgebenchVersion: readPackageVersion(),
    seed,
    warnings: runWarnings(run.manifest, run.cells.length),
    cells: run.cells.map((c) => analyzeCell(c, cellOpts)),
  };
}

/** Read and validate `dir`, recompute every summary from the raw traces, write summary.json. */
export async function analyzeRun(dir: string, opts: AnalyzeRunOptions = {}): Promise<RunSummary> {
  const summary = summarizeRun(await readRun(dir), opts);
  await writeSummary(dir, summary);
  return summary;
}
