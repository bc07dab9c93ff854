/**
 * BUSY_MACHINE: other processes (or the hypervisor) took CPU while a cell was measured. The
 * figure is the mean over the cell (with the busiest second and the top processes) and the fix
 * names what to do about it on this machine.
 */
import type { CellResult, Warning } from '../results/schema.ts';
import { BUSY_STEAL_PCT, busyThresholdCores } from '../probes/machine-thresholds.ts';

const f2 = (x: number) => x.toFixed(2).replace(/\.?0+$/, '') || '0';

export function machineWarnings(cell: Pick<CellResult, 'machine' | 'index' | 'key' | 'boundary' | 'status'>): Warning[] {
  const m = cell.machine;
  if (!m || cell.status !== 'ok') return [];
  const threshold = busyThresholdCores(m.logicalCores);
  const busyCpu = m.otherCores > threshold;
  const busySteal = (m.stealPct ?? 0) > BUSY_STEAL_PCT;
  if (!busyCpu && !busySteal) return [];
  const where = `#${cell.index} ${cell.key.shape.name}`;
  const parts: string[] = [];
  if (busyCpu) {
    const peak =
      m.otherCoresMax !== null && m.otherCoresMax > m.otherCores + 0.05 ? `, up to ${f2(m.otherCoresMax)} in its busiest second` : '';
    const top = m.topOther.length ? ` (top: ${m.topOther.map((p) => `${p.name} ${f2(p.cores)}`).join(', ')})` : '';
    parts.push(`other processes used ${f2(m.otherCores)} of ${m.logicalCores} cores during ${where}${peak}${top}`);
  }
  if (busySteal) parts.push(`the hypervisor took ${m.stealPct!.toFixed(1)} % of CPU time (steal) during ${where}`);
  const http = cell.boundary === 'http-client';
  const names = m.topOther
    .map((p) => p.name)
    .slice(0, 2)
    .join(', ');
  const fix = [
    busyCpu
      ? `stop what else is running${names ? ` (${names})` : ''} and rerun, or rerun with --wait-for-quiet 120 so each cell starts on a quiet machine`
      : 'use a dedicated (non-shared) VM or host',
    'to compare two builds on a shared machine use `edgebench run --ab` (interleaved arms see the same load)',
  ].join('; ');
  return [
    {
      code: 'BUSY_MACHINE',
      severity: http ? 'info' : 'warn',
      message: `${parts.join('; ')} (threshold ${f2(threshold)} cores / ${BUSY_STEAL_PCT} % steal)${http ? '; for an http runner this includes a local server answering the requests' : ''}`,
      fix,
    },
  ];
}
