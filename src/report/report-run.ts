/** A run as the report and the claims see it: the opened run plus its cells as local cells. */
import type { LocalCell } from '../references/local.ts';
import { toLocalCells } from '../references/local-cells.ts';
import { openAnalyzedRuns, type AnalyzedRun } from '../results/open-run.ts';

export interface ReportRun extends AnalyzedRun {
  localCells: LocalCell[];
}

export function withLocalCells(run: AnalyzedRun): ReportRun {
  return { ...run, localCells: toLocalCells(run) };
}

/** The stored summary when current, else recomputed (src/results/open-run.ts). */
export async function openReportRuns(dirs: readonly string[]): Promise<ReportRun[]> {
  return (await openAnalyzedRuns(dirs, { summary: 'stored-if-current' })).map(withLocalCells);
}
