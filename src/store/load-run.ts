/**
 * A results folder as the store reads it, through the one run loader (results/open-run.ts):
 * run.json and cells validated (and upgraded from older schemas), plus the summary —
 * summary.json when it describes exactly these cells, otherwise recomputed from the raw traces.
 */
import { summarizeRun } from '../analyze/summarize-run.ts';
import type { LocalCell } from '../references/local.ts';
import { toLocalCells } from '../references/local-cells.ts';
import { openAnalyzedRun, type AnalyzedRun } from '../results/open-run.ts';

export interface StoreRun extends AnalyzedRun {
  localCells: LocalCell[];
}

function summaryDescribesCells(r: AnalyzedRun): boolean {
  const s = r.summary.cells;
  return s.length === r.cells.length && s.every((c, i) => c.index === r.cells[i]!.index && JSON.stringify(c.key) === JSON.stringify(r.cells[i]!.key) && c.status === r.cells[i]!.status);
}

export async function loadRunForStore(dir: string): Promise<StoreRun> {
  let r = await openAnalyzedRun(dir, { summary: 'stored-if-current' });
  // summary.json is stale (cells added by --resume after analyze): recompute from the traces
  if (!summaryDescribesCells(r)) r = { ...r, summary: summarizeRun(r, { now: new Date(r.manifest.createdAt) }), summarySource: 'recomputed from raw traces' };
  return { ...r, localCells: toLocalCells(r) };
}
