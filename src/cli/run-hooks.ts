/** What happens after a run finishes: the report (unless --no-report). */
import type { RunSummary } from '../results/schema.ts';
import type { ClaimsConfig } from '../claims/config.ts';

export interface AfterRun {
  dir: string;
  summary: RunSummary;
  report: boolean;
  log: (m: string) => void;
  /** claim thresholds with the cost flags applied (--electricity-usd-per-kwh, …) */
  claimsConfig?: ClaimsConfig;
}

export async function afterRunHooks(a: AfterRun): Promise<void> {
  if (!a.report || a.summary.cells.length === 0) return;
  // the report stack (charts: vega) loads only when a report is written
  const { writeReport } = await import('../report/write.ts');
  const { defaultReportDir } = await import('./report.ts');
  const { files } = await writeReport({
    runDirs: [a.dir],
    outDir: defaultReportDir([a.dir]),
    ...(a.claimsConfig && { claimsConfig: a.claimsConfig }),
  });
  a.log(`report: ${files.join(', ')}`);
}
