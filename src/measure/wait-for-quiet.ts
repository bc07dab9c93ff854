/**
 * --wait-for-quiet <s>: before a cell, wait (bounded) until other processes use less CPU than the
 * BUSY_MACHINE threshold over one second, so a cell does not start in the middle of someone
 * else's build. Gives up after `maxS` and measures anyway (the cell records that it was not quiet).
 */
import { cpus } from 'node:os';
import { otherCoresOver } from '../probes/machine-load.ts';
import { busyThresholdCores } from '../probes/machine-thresholds.ts';

export async function waitForQuiet(
  maxS: number,
  log: (m: string) => void,
  shouldStop: () => boolean,
): Promise<{ waitedS: number; quiet: boolean }> {
  const threshold = busyThresholdCores(cpus().length || 1);
  const t0 = performance.now();
  let said = false;
  for (;;) {
    const other = await otherCoresOver(1000);
    const waitedS = (performance.now() - t0) / 1000;
    if (other < threshold) return { waitedS, quiet: true };
    if (waitedS >= maxS || shouldStop()) {
      log(
        `  --wait-for-quiet: still busy after ${waitedS.toFixed(0)} s (other processes ${other.toFixed(2)} cores ≥ ${threshold.toFixed(2)}); measuring anyway`,
      );
      return { waitedS, quiet: false };
    }
    if (!said)
      log(
        `  waiting up to ${maxS} s for a quiet machine (other processes use ${other.toFixed(2)} cores; threshold ${threshold.toFixed(2)})`,
      );
    said = true;
  }
}
