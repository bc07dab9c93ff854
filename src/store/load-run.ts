/**
 * A results folder as the store reads it, through the one run loader (results/open-run.ts):
 * run.json and cells validated (and upgraded from older schemas), plus the summary —
 * summary.json when it describes exactly these cells, otherwise recomputed from the raw traces.
 */
import type { LocalCell } from '../references/local.ts';
import { toLocalCells } from '../references/local-cells.ts';
import { openAnalyzedRun, type AnalyzedRun } from '../results/open-run.ts';

export interface StoreRun extends AnalyzedRun {
  localCells: LocalCell[];
}

export async function loadRunForStore(dir: string): Promise<StoreRun> {
  // a stale summary.json (cells added by --resume after analyze) is recomputed by the loader
  const r = await openAnalyzedRun(dir, { summary: 'stored-if-current' });
  return { ...r, localCells: toLocalCells(r) };
}
