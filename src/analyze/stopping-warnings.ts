/** CI_NOT_REACHED: the adaptive stopping rule hit a cap before the CI was as tight as asked. */
import type { CellResult, Warning } from '../results/schema.ts';

const CAP: Record<string, string> = { 'max-count': 'maxCount', 'max-time': 'maxTimeS' };

export function stoppingWarnings(cell: Pick<CellResult, 'stopping' | 'status'>): Warning[] {
  const s = cell.stopping;
  if (!s || cell.status !== 'ok' || s.rule !== 'ci-half-width' || s.reached !== false || s.reason === 'interrupted') return [];
  const width = s.halfWidthPct === null ? 'undefined (median 0)' : `±${s.halfWidthPct.toFixed(2)} %`;
  return [
    {
      code: 'CI_NOT_REACHED',
      severity: 'warn',
      message: `the 95 % CI of ${s.metric} reached ${width} after ${s.measured} requests / ${s.timedS.toFixed(1)} s timed, target ±${s.targetCiPct} % (stopped by ${CAP[s.reason] ?? s.reason})`,
      fix: `raise repetitions.${CAP[s.reason] ?? 'maxCount'} in the suite, quiet the machine (see BUSY_MACHINE), or accept a looser targetCiPct`,
      metrics: [s.metric],
    },
  ];
}
