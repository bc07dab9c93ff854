/**
 * A results folder as the store reads it: run.json and cells validated (and upgraded from older
 * schemas) by the results loader, plus the summary — summary.json when it describes exactly
 * these cells, otherwise recomputed from the raw traces (as `report` does).
 */
import { stat } from 'node:fs/promises';
import { summarizeRun } from '../analyze/analyze-run.ts';
import { EdgebenchError } from '../errors.ts';
import { loadRun, type ReportRun } from '../report/load-runs.ts';

export type StoreRun = Pick<ReportRun, 'dir' | 'manifest' | 'cells' | 'summary' | 'summarySource' | 'device' | 'deviceClass' | 'localCells'>;

function summaryDescribesCells(r: ReportRun): boolean {
  const s = r.summary.cells;
  return s.length === r.cells.length && s.every((c, i) => c.index === r.cells[i]!.index && JSON.stringify(c.key) === JSON.stringify(r.cells[i]!.key) && c.status === r.cells[i]!.status);
}

export async function loadRunForStore(dir: string): Promise<StoreRun> {
  const isDir = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw new EdgebenchError('RESULTS_INVALID', `${dir}: no such results folder`, 'pass a folder written by `edgebench run` (it holds run.json and cells/)');
  const r = await loadRun(dir);
  if (summaryDescribesCells(r)) return r;
  // summary.json is stale (cells added by --resume after analyze): recompute from the traces
  const summary = summarizeRun({ manifest: r.manifest, cells: r.cells }, { now: new Date(r.manifest.createdAt) });
  return { ...r, summary, summarySource: 'recomputed from raw traces' };
}
