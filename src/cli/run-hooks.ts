/** What happens after a run finishes (the report, when that stage is available). */
import type { RunSummary } from '../results/schema.ts';

export interface AfterRun {
  dir: string;
  summary: RunSummary;
  report: boolean;
  log: (m: string) => void;
}

export async function afterRunHooks(_a: AfterRun): Promise<void> {}
