/** The `analyze` stage as a pure function: a run's manifest and raw cells → its RunSummary. */
import type { RunFolder } from '../results/open-run.ts';
import { SCHEMA_VERSION, type RunSummary } from '../results/schema.ts';
import { readPackageVersion } from '../version.ts';
import { analyzeCell } from './analyze-cell.ts';
import { attachQuality } from './quality.ts';
import { runWarnings } from './warnings.ts';
import { runnerWarnings, sideBySide } from './side-by-side.ts';

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
  const cells = attachQuality(
    run.cells.map((c) => analyzeCell(c, cellOpts)),
    run.quality ?? [],
  );
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
