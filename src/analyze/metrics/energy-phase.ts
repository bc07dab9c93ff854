/**
 * What the energy metric records share: reading a phase of the cell's energy summary
 * (src/analyze/energy.ts). Net figures (idle baseline subtracted) when a baseline exists, else
 * gross. Phases whose windows were too short for the source ('unresolved') give no figure.
 */
import type { EnergyPhase, EnergySummary } from '../../results/energy-schema.ts';
import type { CellSummary } from '../../results/schema.ts';
import { pointValue, type DefinitionRow, type MetricValue } from './types.ts';

export const ENERGY_ROW: DefinitionRow = {
  name: 'energyJ, avgPowerW',
  unit: 'J, W',
  definition:
    'energy and mean power over the timed window, with their source (rapl, nvml, powermetrics, battery, meter-csv, estimated-tdp) and an idle baseline subtracted',
};

export const JOULES_PER_TOKEN_ROW: DefinitionRow = {
  name: 'joulesPerToken',
  unit: 'J/token',
  definition: 'decode: E(t_1..t_N) / (N − 1); prefill: E(t_submit..t_1) / prompt tokens',
};

/** The cell's energy summary when energy was measured or estimated successfully. */
export function okEnergy(c: CellSummary): EnergySummary | null {
  return c.energy && c.energy.status === 'ok' ? c.energy : null;
}

/** A phase with a usable figure ('unresolved' phases give none). */
export function resolved(p: EnergyPhase | null | undefined): EnergyPhase | null {
  return p && p.uncertainty !== 'unresolved' ? p : null;
}

/** Per-request J/token keeps its bootstrap CI; a figure widened over all requests has none. */
export function joulesPerToken(phase: EnergyPhase | null | undefined): MetricValue | null {
  const p = resolved(phase);
  if (!p) return null;
  if (p.perRequest) {
    const s = p.perRequest.summary;
    return { n: s.n, median: s.median, ci95: s.ci95, unit: 'J/token' };
  }
  const v = p.joulesPerTokenNet ?? p.joulesPerTokenGross;
  return v === null ? null : pointValue(v, p.windowsUsed, 'J/token');
}
