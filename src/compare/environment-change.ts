/**
 * Did the machine's conditions differ between the baseline and head cell? Other processes' CPU,
 * hypervisor steal, clock frequency, temperature and power source, as recorded per cell
 * (src/probes/machine-load.ts). A difference beyond the thresholds (src/probes/machine-thresholds.ts)
 * makes every verdict of that cell `inconclusive: environment changed`: a run made while someone
 * else's build ran can look 50–90 % "slower" with p < 0.001, which is a fact about the machine.
 */
import type { CellSummary } from '../results/schema.ts';
import type { MachineLoad } from '../results/machine-schema.ts';
import { ENV_FREQ_DELTA, ENV_OTHER_CORES_DELTA, ENV_STEAL_DELTA_PCT, ENV_THERMAL_DELTA_C } from '../probes/machine-thresholds.ts';

export const ENVIRONMENT_HINT =
  'on a shared machine compare with `edgebench run --ab <baseline>` (requests of both arms interleaved, so both see the same load); or rerun both on a quiet machine (--wait-for-quiet); --ignore-environment compares anyway';

const f2 = (x: number) => x.toFixed(2);

/** The differences in words ("other processes 1.60 vs 0.05 cores"); empty when the conditions match or were not recorded. */
export function environmentDifferences(b: MachineLoad | undefined, h: MachineLoad | undefined): string[] {
  if (!b || !h) return [];
  const out: string[] = [];
  const cores = Math.max(b.logicalCores, h.logicalCores);
  if (Math.abs(b.otherCores - h.otherCores) > ENV_OTHER_CORES_DELTA(cores))
    out.push(`other processes ${f2(b.otherCores)} vs ${f2(h.otherCores)} cores`);
  if (b.stealPct !== null && h.stealPct !== null && Math.abs(b.stealPct - h.stealPct) > ENV_STEAL_DELTA_PCT)
    out.push(`steal ${b.stealPct.toFixed(1)} vs ${h.stealPct.toFixed(1)} %`);
  if (b.freqMHz && h.freqMHz && Math.abs(b.freqMHz.mean - h.freqMHz.mean) > ENV_FREQ_DELTA * Math.max(b.freqMHz.mean, h.freqMHz.mean)) {
    out.push(`CPU clock ${b.freqMHz.mean.toFixed(0)} vs ${h.freqMHz.mean.toFixed(0)} MHz`);
  }
  if (b.thermalMaxC !== null && h.thermalMaxC !== null && Math.abs(b.thermalMaxC - h.thermalMaxC) > ENV_THERMAL_DELTA_C)
    out.push(`temperature ${b.thermalMaxC.toFixed(0)} vs ${h.thermalMaxC.toFixed(0)} °C`);
  if (b.power !== 'unknown' && h.power !== 'unknown' && b.power !== h.power) out.push(`power ${b.power} vs ${h.power}`);
  return out;
}

export function cellEnvironmentDifferences(b: CellSummary, h: CellSummary): string[] {
  return environmentDifferences(b.machine, h.machine);
}
