/** `analyze` stage: raw traces in a results folder → summary.json. */
import { writeSummary } from '../results/io.ts';
import { openRun } from '../results/open-run.ts';
import { refuseToShrink } from './keep-summary.ts';
import type { RunSummary } from '../results/schema.ts';
import { summarizeRun, type AnalyzeRunOptions } from './summarize-run.ts';

/** Read and validate `dir`, recompute every summary from the raw traces, write summary.json. */
export async function analyzeRun(dir: string, opts: AnalyzeRunOptions & { replaceLargerSummary?: boolean } = {}): Promise<RunSummary> {
  const run = await openRun(dir);
  // `run` itself passes replaceLargerSummary: its summary is of the cells it just wrote
  if (!opts.replaceLargerSummary) await refuseToShrink(dir, run.cells.length);
  const summary = summarizeRun(run, opts);
  await writeSummary(dir, summary);
  return summary;
}
