/** Warnings about a cell's energy figures, each with a fix (see src/analyze/warnings.ts). */
import type { EnergySummary } from '../results/energy-schema.ts';
import type { Warning } from '../results/schema.ts';

export const TEMPERATURE_RISE_C = 10;
export const HOT_C = 90;

export function energyWarnings(e: EnergySummary | undefined): Warning[] {
  if (!e) return [];
  const out: Warning[] = [];
  if (e.status === 'lost') {
    out.push({
      code: 'ENERGY_SOURCE_LOST',
      severity: 'warn',
      message: `energy source ${e.source} stopped mid-cell (${e.reason ?? 'no reason given'}); figures use the windows before that`,
      fix: 'check the meter, driver or permissions and rerun this cell (edgebench run --resume skips finished cells only if you delete this one)',
    });
  } else if (e.status === 'unavailable') {
    out.push({
      code: 'ENERGY_UNAVAILABLE',
      severity: 'warn',
      message: `no energy samples from ${e.source}: ${e.reason ?? 'unknown'}`,
      fix: 'see `edgebench doctor` for the energy sources usable here',
    });
  }
  if (e.method === 'estimated') {
    out.push({
      code: 'ENERGY_ESTIMATED',
      severity: 'info',
      message: 'energy figures are ESTIMATES (CPU TDP × utilisation), not measurements',
      fix: 'measure instead: RAPL (Linux, root or a udev rule), nvidia-smi (NVIDIA GPUs), powermetrics (macOS, sudo) or an external meter (--energy meter-csv:FILE)',
    });
  }
  const phases = [
    ['prefill', e.prefill],
    ['decode', e.decode],
  ] as const;
  const unresolved = phases.filter(([, p]) => p && p.uncertainty === 'unresolved').map(([n]) => n);
  if (unresolved.length) {
    out.push({
      code: 'ENERGY_UNRESOLVED',
      severity: 'warn',
      message: `${unresolved.join(' and ')} energy not reported: the measured windows are too short for ${e.source} (resolution ${e.resolutionMs?.toFixed(1) ?? '?'} ms)`,
      fix: 'raise --min-time (more requests pooled) or use a longer shape (tg128, pp512); battery and meter logs need minutes',
    });
  }
  const widened = phases.filter(([, p]) => p && p.aggregation === 'widened' && p.uncertainty !== 'unresolved').map(([n]) => n);
  if (widened.length) {
    out.push({
      code: 'ENERGY_WIDENED',
      severity: 'info',
      message: `${widened.join(' and ')} energy pooled over all measured requests: single windows are shorter than 10 steps of the source's resolution`,
      fix: 'use a finer source (RAPL, the nvidia-smi energy counter) or longer shapes to get per-request figures',
    });
  }
  const dropped = phases.filter(([, p]) => p && p.windowsUsed < p.windows).map(([n]) => n);
  // a counter keeps counting across a gap (only timing gets coarser); power readings do not
  if ((e.gaps > 0 && e.kind === 'power') || dropped.length) {
    out.push({
      code: 'ENERGY_GAPS',
      severity: 'warn',
      message: `the energy samples have ${e.gaps} gap(s) (spacing > 3 × the median)${dropped.length ? `; some ${dropped.join('/')} windows were left out` : ''}`,
      fix: 'keep the meter logging steadily (and its clock in sync); on a busy machine the sampler thread may stall',
    });
  }
  if (e.baselineW === null && e.status !== 'unavailable') {
    out.push({
      code: 'ENERGY_NO_BASELINE',
      severity: 'info',
      message: `no idle baseline${e.baselineNote ? ` (${e.baselineNote})` : ''}: only gross figures`,
      fix: 'let edgebench measure idle power before the run (--energy-baseline 5)',
    });
  }
  const nonPositive = phases.filter(([, p]) => p && p.netJ !== null && p.netJ <= 0).map(([n]) => n);
  if (nonPositive.length) {
    out.push({
      code: 'ENERGY_NET_NONPOSITIVE',
      severity: 'warn',
      message: `net ${nonPositive.join('/')} energy is ≤ 0: idle power before the run was at least the power while running`,
      fix: 'background load changed between the baseline and the run: close other work and rerun',
    });
  }
  const { start, end } = e.conditions;
  if (start && end) {
    if (start.powerSource !== end.powerSource) {
      out.push({
        code: 'ENERGY_POWER_SOURCE_CHANGED',
        severity: 'warn',
        message: `power source changed during the cell (${start.powerSource} → ${end.powerSource})`,
        fix: 'keep the device on AC (or on battery) for the whole run',
      });
    }
    const rises = Object.entries(end.temperaturesC)
      .map(([k, t]) => ({ k, t, d: t - (start.temperaturesC[k] ?? t) }))
      .filter((x) => x.d >= TEMPERATURE_RISE_C || x.t >= HOT_C);
    if (rises.length) {
      out.push({
        code: 'ENERGY_TEMPERATURE_RISE',
        severity: 'warn',
        message: `temperature ${rises.map((x) => `${x.k} ${x.t.toFixed(0)} °C (${x.d >= 0 ? '+' : ''}${x.d.toFixed(0)})`).join(', ')} over the cell: power and speed drift as the chip heats`,
        fix: 'add cooldown between cells, keep the device cool, or warm it up to a steady state before measuring',
      });
    }
  }
  return out;
}
