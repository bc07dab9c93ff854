/** How compare and assert name a run in their output: folder, id, date, device and git state. */
import type { AnalyzedRun } from '../results/open-run.ts';
import type { RunRef } from './types.ts';

export function runRef(r: Pick<AnalyzedRun, 'dir' | 'manifest' | 'device'>): RunRef {
  const env = r.manifest.environment;
  return {
    dir: r.dir,
    runId: r.manifest.runId,
    createdAt: r.manifest.createdAt,
    device: r.device,
    fingerprint: env.fingerprint,
    git: env.git,
  };
}
