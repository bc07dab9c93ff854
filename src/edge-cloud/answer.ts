/** The short answer for finished run folders (what `edgebench run` prints last). */
import { evaluateClaims } from '../claims/index.ts';
import type { ClaimsConfig } from '../claims/config.ts';
import { loadReferences } from '../references/load.ts';
import { openReportRuns } from '../report/report-run.ts';
import { formatAnswer } from './answer-text.ts';
import { buildEdgeCloud } from './compare.ts';
import { endpointsOnly } from './measured-cloud.ts';

export async function answerForRun(dir: string, config: ClaimsConfig, referencesDir?: string): Promise<string> {
  const [run] = await openReportRuns([dir]);
  if (!run) return '';
  const refs = loadReferences(referencesDir);
  const claims = evaluateClaims(run.localCells, refs.figures, config);
  const rows = buildEdgeCloud(run.localCells, refs.figures, config);
  return formatAnswer(run.manifest.environment.device, run.device, rows, claims, run.runId, endpointsOnly(run.localCells));
}
