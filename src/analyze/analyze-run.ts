/** `analyze` stage: raw traces in a results folder → summary.json. */
import { writeSummary } from '../results/io.ts';
import { openRun } from '../results/open-run.ts';
import type { RunSummary } from '../results/schema.ts';
import { summarizeRun, type AnalyzeRunOptions } from './summarize-run.ts';

/** Read and validate `dir`, recompute every summary from the raw traces, write summary.json. */
export async function analyzeRun(dir: string, opts: AnalyzeRunOptions = {}): Promise<RunSummary> {
  const summary = summarizeRun(await openRun(dir), opts);
  await writeSummary(dir, summary);
  return summary;
}
