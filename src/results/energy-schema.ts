/**
 * Energy parts of the results files (DESIGN §5, §7). Raw: CellResult.energy holds the samples of one
 * source over the cell plus the idle baseline, on the process monotonic clock (the same clock as
 * RequestTrace.submitClockMs). Summary: CellSummary.energy holds per-phase joules, watts and
 * J/token, each labelled with source, domains, sample interval and an uncertainty class.
 */
import { z } from 'zod';

/** rapl: Linux powercap · nvidia-smi: NVML through nvidia-smi · powermetrics: macOS · estimated-tdp: a model, not a meter */
export const EnergySourceId = z.enum(['rapl', 'nvidia-smi', 'powermetrics', 'battery', 'meter-csv', 'estimated-tdp']);
export type EnergySourceId = z.infer<typeof EnergySourceId>;

/**
 * fine: a meter resolving each request's windows · coarse: a meter, but windows pooled over
 * requests (or a coarse meter such as a battery gauge) · rough: an estimate from a model (TDP ×
 * utilisation) · unresolved: too little measured time for any figure.
 */
export const UncertaintyClass = z.enum(['fine', 'coarse', 'rough', 'unresolved']);
export type UncertaintyClass = z.infer<typeof UncertaintyClass>;

export const EnergySample = z.strictObject({
  /** process monotonic clock, ms */
  tMs: z.number(),
  /** one value per domain: cumulative joules (counter traces) or watts (power traces); null = not read */
  values: z.array(z.number().nullable()),
  /** for interval-average power: the watts are the mean over (tMs − intervalMs, tMs] */
  intervalMs: z.number().positive().optional(),
});
export type EnergySample = z.infer<typeof EnergySample>;

export const EnergyTrace = z.strictObject({
  kind: z.enum(['counter', 'power']),
  /** power traces: instantaneous readings (integrated between samples) or means over each sample's interval */
  powerSemantics: z.enum(['instant', 'interval-average']).optional(),
  domains: z.array(z.string()).min(1),
  samples: z.array(EnergySample),
});
export type EnergyTrace = z.infer<typeof EnergyTrace>;

/** Power and thermal state, read at the start and end of a cell where the platform allows. */
export const EnergyConditions = z.strictObject({
  atMs: z.number(),
  powerSource: z.enum(['ac', 'battery', 'unknown']),
  batteryPercent: z.number().min(0).max(100).nullable(),
  governor: z.string().nullable(),
  /** °C by sensor (cpu, cpu-max, gpu0…); empty when none is readable */
  temperaturesC: z.record(z.string(), z.number()),
});
export type EnergyConditions = z.infer<typeof EnergyConditions>;

export const EnergyBaseline = z.strictObject({
  startMs: z.number(),
  endMs: z.number(),
  trace: EnergyTrace.nullable(),
  /** why there is no usable baseline trace */
  reason: z.string().optional(),
});
export type EnergyBaseline = z.infer<typeof EnergyBaseline>;

export const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const CellEnergy = z.strictObject({
  /** ok: sampled throughout · lost: the source stopped mid-cell (figures use the windows before) · unavailable: nothing sampled */
  status: z.enum(['ok', 'lost', 'unavailable']),
  reason: z.string().optional(),
  source: EnergySourceId,
  method: z.enum(['measured', 'estimated']),
  /** domains summed into the headline figure (e.g. psys, or package-0 + dram-0) */
  headlineDomains: z.array(z.string()),
  /** nominal interval the source was asked to sample at */
  sampleIntervalMs: z.number().positive(),
  /** windows shorter than this cannot be resolved whatever the sample spacing (e.g. 1 s power averaging) */
  resolutionFloorMs: z.number().nonnegative(),
  /** the best class this source can reach */
  sourceClass: UncertaintyClass,
  assumptions: z.array(z.string()),
  detail: z.record(z.string(), Scalar),
  trace: EnergyTrace.nullable(),
  baseline: EnergyBaseline.nullable(),
  lostAtMs: z.number().optional(),
  conditions: z.strictObject({ start: EnergyConditions.nullable(), end: EnergyConditions.nullable() }),
  /** a wall-clock reading taken with a monotonic one, for aligning external meters later */
  clockAnchor: z.strictObject({ wallMs: z.number(), clockMs: z.number() }),
});
export type CellEnergy = z.infer<typeof CellEnergy>;

const Summary = z.strictObject({
  n: z.number().int().positive(),
  median: z.number(),
  mean: z.number(),
  min: z.number(),
  max: z.number(),
  ci95: z.strictObject({ lo: z.number(), hi: z.number() }),
});

export const EnergyPhase = z.strictObject({
  /** measured requests with this window / those whose window the samples covered (≥ 90 %) */
  windows: z.number().int().nonnegative(),
  windowsUsed: z.number().int().nonnegative(),
  totalWindowMs: z.number().nonnegative(),
  medianWindowMs: z.number().nonnegative().nullable(),
  /** prompt tokens (prefill) or N − 1 (decode) over the used windows */
  tokens: z.number().int().nonnegative(),
  grossJ: z.number().nullable(),
  /** gross − idle baseline power × window time; null without a baseline */
  netJ: z.number().nullable(),
  avgGrossW: z.number().nullable(),
  avgNetW: z.number().nullable(),
  joulesPerTokenGross: z.number().nullable(),
  joulesPerTokenNet: z.number().nullable(),
  tokensPerJouleGross: z.number().nullable(),
  tokensPerJouleNet: z.number().nullable(),
  /** per-request: each window spans ≥ 10 sample steps · widened: pooled over all measured requests */
  aggregation: z.enum(['per-request', 'widened']),
  uncertainty: UncertaintyClass,
  byDomainGrossJ: z.record(z.string(), z.number()),
  /** J/token per request (net when a baseline exists, else gross); only when per-request */
  perRequest: z.strictObject({ basis: z.enum(['net', 'gross']), samples: z.array(z.number()), summary: Summary }).nullable(),
  note: z.string().optional(),
});
export type EnergyPhase = z.infer<typeof EnergyPhase>;

export const EnergySummary = z.strictObject({
  status: CellEnergy.shape.status,
  reason: z.string().optional(),
  source: EnergySourceId,
  method: CellEnergy.shape.method,
  domains: z.array(z.string()),
  headlineDomains: z.array(z.string()),
  sampleIntervalMs: z.number().positive(),
  /** median step between samples (counter changes), raised to the source's floor */
  resolutionMs: z.number().nonnegative().nullable(),
  /** worst class over the phases that have a figure; unresolved when none has */
  uncertainty: UncertaintyClass,
  assumptions: z.array(z.string()),
  detail: z.record(z.string(), Scalar),
  baselineW: z.number().nullable(),
  baselineByDomainW: z.record(z.string(), z.number()),
  baselineNote: z.string().optional(),
  /** counter: energy between samples is still counted · power: readings integrated (no energy across a gap) */
  kind: z.enum(['counter', 'power']).nullable(),
  /** sample spacings longer than 3× the median (missing rows, a stalled sampler); power traces lose that time */
  gaps: z.number().int().nonnegative(),
  prefill: EnergyPhase.nullable(),
  decode: EnergyPhase.nullable(),
  conditions: CellEnergy.shape.conditions,
});
export type EnergySummary = z.infer<typeof EnergySummary>;
