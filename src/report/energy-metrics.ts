/**
 * The energy figures of a cell summary (src/analyze/energy.ts) as the report's local metrics.
 * Net figures (idle baseline subtracted) when a baseline exists, else gross. Per-request J/token
 * keeps its bootstrap CI; a figure widened over all requests has no CI (lo = hi = value). Phases
 * whose windows were too short for the source ('unresolved') give no figure.
 */
import type { CellSummary } from '../results/schema.ts';
import type { EnergyPhase } from '../results/energy-schema.ts';
import type { LocalMetric } from '../references/local.ts';

/** Energy metrics (from the cell's energy summary); the report shows "not measured" while absent. */
export const ENERGY_METRICS = ['energyJ', 'avgPowerW', 'joulesPerTokenDecode', 'joulesPerTokenPrefill'] as const;
export type EnergyMetricName = (typeof ENERGY_METRICS)[number];

function jPerToken(p: EnergyPhase | null): LocalMetric | null {
  if (!p || p.uncertainty === 'unresolved') return null;
  if (p.perRequest) {
    const s = p.perRequest.summary;
    return { n: s.n, median: s.median, ci95: s.ci95, unit: 'J/token' };
  }
  const v = p.joulesPerTokenNet ?? p.joulesPerTokenGross;
  return v === null ? null : { n: p.windowsUsed, median: v, ci95: { lo: v, hi: v }, unit: 'J/token' };
}

export function energySourceOf(c: CellSummary): 'measured' | 'estimated' | null {
  if (!c.energy || c.energy.status !== 'ok') return null;
  return c.energy.method;
}

export function energyMetrics(c: CellSummary): Partial<Record<EnergyMetricName, LocalMetric>> {
  const e = c.energy;
  if (!e || e.status !== 'ok') return {};
  const out: Partial<Record<EnergyMetricName, LocalMetric>> = {};
  const decode = jPerToken(e.decode);
  const prefill = jPerToken(e.prefill);
  if (decode) out.joulesPerTokenDecode = decode;
  if (prefill) out.joulesPerTokenPrefill = prefill;
  const phase = e.decode && e.decode.uncertainty !== 'unresolved' ? e.decode : e.prefill;
  const w = phase ? (phase.avgNetW ?? phase.avgGrossW) : null;
  if (w !== null && phase) out.avgPowerW = { n: phase.windowsUsed, median: w, ci95: { lo: w, hi: w }, unit: 'W' };
  const joules = [e.prefill, e.decode].map((p) => (p && p.uncertainty !== 'unresolved' ? (p.netJ ?? p.grossJ) : null)).filter((x): x is number => x !== null);
  if (joules.length) {
    const j = joules.reduce((a, b) => a + b, 0);
    out.energyJ = { n: 1, median: j, ci95: { lo: j, hi: j }, unit: 'J' };
  }
  return out;
}
