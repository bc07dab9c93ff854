/**
 * When a machine counts as busy (BUSY_MACHINE, --wait-for-quiet) and when two cells' conditions
 * differ enough that comparing them compares the machine (compare's "environment changed").
 */

/** Other processes using more than a quarter core, or 10 % of all cores on big machines. */
export function busyThresholdCores(logicalCores: number): number {
  return Math.max(0.25, 0.1 * logicalCores);
}

/** Hypervisor steal above this share of CPU time counts as busy. */
export const BUSY_STEAL_PCT = 5;

/** compare: other-process load differing by more than the busy threshold */
export const ENV_OTHER_CORES_DELTA = busyThresholdCores;
/** compare: steal differing by more than this many points */
export const ENV_STEAL_DELTA_PCT = 5;
/** compare: mean clock differing by more than this fraction */
export const ENV_FREQ_DELTA = 0.1;
/** compare: hottest zone differing by more than this many °C */
export const ENV_THERMAL_DELTA_C = 15;
