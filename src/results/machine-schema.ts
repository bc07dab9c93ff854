/**
 * Machine conditions during one cell (src/probes/machine-load.ts): how much CPU other processes
 * took, hypervisor steal, clock frequency, temperature, power source. Stored with the cell so
 * analyze can warn (BUSY_MACHINE) and compare can tell a changed environment from a change.
 */
import { z } from 'zod';

export const MachineLoad = z.strictObject({
  /** linux-proc: /proc/stat minus /proc/self/stat; os-cpus: os.cpus() minus process.cpuUsage() */
  source: z.enum(['linux-proc', 'os-cpus']),
  logicalCores: z.number().int().positive(),
  durationS: z.number().nonnegative(),
  /** mean CPU cores used by every process but edgebench over the cell */
  otherCores: z.number().nonnegative(),
  /** highest 1-second mean of otherCores during the cell (null when the cell was shorter) */
  otherCoresMax: z.number().nonnegative().nullable(),
  /** mean cores used by edgebench itself (all its threads) */
  selfCores: z.number().nonnegative(),
  /** share of CPU time taken by the hypervisor (steal), % of all cores; null where not reported */
  stealPct: z.number().nonnegative().nullable(),
  /** mean and lowest CPU clock seen (MHz, mean over cores), and the highest the CPU reports */
  freqMHz: z.strictObject({ mean: z.number().positive(), min: z.number().positive(), maxRated: z.number().positive().nullable() }).nullable(),
  /** highest thermal-zone temperature seen (°C) */
  thermalMaxC: z.number().nullable(),
  /** power source during the cell */
  power: z.enum(['ac', 'battery', 'unknown']),
  /** the busiest other processes over the cell (Linux), cores each */
  topOther: z.array(z.strictObject({ name: z.string(), cores: z.number().nonnegative() })),
  samples: z.number().int().nonnegative(),
  /** --wait-for-quiet: seconds waited before the cell, and whether the machine became quiet */
  waitedS: z.number().nonnegative().optional(),
  quiet: z.boolean().optional(),
});
export type MachineLoad = z.infer<typeof MachineLoad>;
