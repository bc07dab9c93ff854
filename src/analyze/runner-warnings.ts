/**
 * RUNNER_SETUP: a runner found something in how it was set up that makes its figures slower than
 * its engine can be (its `resolved.settings.setupWarning`), and says what to change
 * (`setupFix`). Generic: the runner decides what to say; analysis only passes it on.
 */
import type { CellResult, Warning } from '../results/schema.ts';

export function runnerSetupWarnings(cell: Pick<CellResult, 'resolved' | 'index' | 'key' | 'status'>): Warning[] {
  const s = cell.resolved?.settings;
  const text = s?.['setupWarning'];
  if (cell.status !== 'ok' || typeof text !== 'string' || text === '') return [];
  const fix = s?.['setupFix'];
  return [
    {
      code: 'RUNNER_SETUP',
      severity: 'warn',
      message: `#${cell.index} ${cell.key.shape.name} (${cell.key.runner}): ${text}`,
      fix: typeof fix === 'string' && fix !== '' ? fix : 'see the runner’s section of the README',
    },
  ];
}
