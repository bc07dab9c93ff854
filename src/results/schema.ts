/**
 * Results schema (versioned). A run folder holds:
 *   run.json            RunManifest — suite as resolved, environment, seed, versions
 *   cells/NNNN-<slug>.json  CellResult — one per matrix cell, written atomically when it finishes
 *   summary.json        RunSummary — produced by `analyze` (pure function of run.json + cells)
 * Raw traces (per-token times) live in the cells, so summaries can always be recomputed.
 */
import { z } from 'zod';
import { QualityEntrySchema } from './quality-schema.ts';
import { TRACE_METRIC_NAMES } from '../analyze/metrics/index.ts';
import { CellEnergy, EnergySummary } from './energy-schema.ts';
import { SideBySide } from './side-by-side-schema.ts';
import { DeviceClassName } from '../edge-cloud/device-class.ts';
import { CellStopping } from './stopping-schema.ts';
import { MachineLoad } from './machine-schema.ts';

export const SCHEMA_VERSION = 3;

export const ErrorInfo = z.strictObject({ code: z.string(), message: z.string(), hint: z.string().optional() });

/** llama-bench style shape: prefill `pp` tokens, generate `tg` tokens, at KV depth `depth`. */
export const Shape = z.strictObject({
  name: z.string(), // e.g. "pp512", "tg128", "pp512+tg128@d1024"
  promptTokens: z.number().int().nonnegative(),
  genTokens: z.number().int().nonnegative(),
  depth: z.number().int().nonnegative(),
});
export type Shape = z.infer<typeof Shape>;

export const CellKey = z.strictObject({
  model: z.string(), // preset id or folder path as given
  dtype: z.string(),
  runner: z.string(),
  ep: z.string(), // execution provider / device requested
  threads: z.number().int().positive().nullable(),
  shape: Shape,
});
export type CellKey = z.infer<typeof CellKey>;

export const Boundary = z.enum(['engine', 'runtime-api', 'http-client']);

/** One generate request. Times are ms relative to t_submit (token ids handed to the runner). */
export const RequestTrace = z.strictObject({
  index: z.number().int().nonnegative(),
  phase: z.enum(['cold', 'warmup', 'measured']),
  promptTokens: z.number().int().nonnegative(),
  depth: z.number().int().nonnegative(),
  /** t_i − t_submit for every emitted token i = 1..N, in ms (monotonic clock) */
  tokenTimesMs: z.array(z.number().nonnegative()),
  /** wall-clock start, ISO — for aligning with external meters (energy, thermals) */
  startedAt: z.string(),
  /** ms since the cell's first measured request started (for drift / throttling plots) */
  offsetMs: z.number().nonnegative(),
  /** t_submit on the process monotonic clock (ms), for aligning energy samples (optional: older traces lack it) */
  submitClockMs: z.number().optional(),
});
export type RequestTrace = z.infer<typeof RequestTrace>;

export const ResolvedRunner = z.strictObject({
  runner: z.string(),
  executionProvider: z.string(),
  dtype: z.string(),
  threads: z.number().int().positive().nullable(),
  /** free-form settings that affect speed (graph optimization level, IO binding, accuracy level, adapter…) */
  settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  /** true when the device actually used differs from the one asked for (silent fallback) */
  fallback: z.boolean(),
  versions: z.record(z.string(), z.string()),
});
export type ResolvedRunner = z.infer<typeof ResolvedRunner>;

export const ModelInfo = z.strictObject({
  id: z.string(),
  path: z.string().nullable(),
  file: z.string().nullable(),
  bytes: z.number().nonnegative().nullable(),
  params: z.number().nonnegative().nullable(),
  /** bytes of weights read per decoded token (roofline), when known */
  bytesPerToken: z.number().nonnegative().nullable(),
  sha256: z.string().nullable(),
  synthetic: z.boolean(),
  /** synthetic = seeded random weights (speed-true, not quality-true); real = trained weights. Shown beside every figure. */
  weights: z.enum(['synthetic', 'real']),
});

export type ModelInfo = z.infer<typeof ModelInfo>;

export const CellResult = z.strictObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  index: z.number().int().nonnegative(),
  key: CellKey,
  status: z.enum(['ok', 'errored', 'unsupported']),
  error: ErrorInfo.optional(),
  boundary: Boundary,
  resolved: ResolvedRunner.nullable(),
  model: ModelInfo.nullable(),
  loadMs: z.number().nonnegative().nullable(),
  requests: z.array(RequestTrace),
  peakRssBytes: z.number().nonnegative().nullable(),
  rssAfterLoadBytes: z.number().nonnegative().nullable(),
  /** memory bandwidth measured in this run (bytes/s), for rooflineFraction */
  memoryBandwidthBytesPerS: z.number().positive().nullable(),
  startedAt: z.string(),
  endedAt: z.string(),
  /** energy samples etc. are attached by the energy probes (see src/probes/energy) */
  extra: z.record(z.string(), z.unknown()).optional(),
  /** energy samples of the cell and the idle baseline (src/probes/energy), when --energy was on */
  energy: CellEnergy.optional(),
  /** the stopping rule applied and why the cell stopped (v2) */
  stopping: CellStopping.optional(),
  /** machine conditions during the cell: other processes' CPU, steal, clock, temperature (v2) */
  machine: MachineLoad.optional(),
  /** --interleave: requests of these cells alternated round-robin; order = cell index of each measured request, in run order (v2) */
  interleave: z.strictObject({ cells: z.array(z.number().int().nonnegative()), order: z.array(z.number().int().nonnegative()) }).optional(),
});
export type CellResult = z.infer<typeof CellResult>;

/** Device class with the evidence it rests on (src/edge-cloud/device-class.ts); price only when the user gave it. */
export const DeviceInfo = z.strictObject({
  class: DeviceClassName,
  source: z.enum(['detected', 'user']),
  evidence: z.array(z.string()),
  priceUsd: z.number().positive().nullable(),
});
export type DeviceInfo = z.infer<typeof DeviceInfo>;

export const Environment = z.strictObject({
  hostname: z.string().nullable(),
  os: z.strictObject({ platform: z.string(), distro: z.string(), release: z.string(), arch: z.string(), kernel: z.string() }),
  cpu: z.strictObject({
    manufacturer: z.string(),
    brand: z.string(),
    physicalCores: z.number().int().nonnegative(),
    logicalCores: z.number().int().nonnegative(),
    speedGHz: z.number().nonnegative().nullable(),
    speedMaxGHz: z.number().nonnegative().nullable(),
    flags: z.array(z.string()), // selected ISA flags that matter (avx2, avx512f, avx512_vnni, amx, neon, sve…)
    governor: z.string().nullable(),
  }),
  memory: z.strictObject({ totalBytes: z.number().nonnegative(), availableBytes: z.number().nonnegative() }),
  power: z.strictObject({
    source: z.enum(['ac', 'battery', 'unknown']),
    batteryPercent: z.number().min(0).max(100).nullable(),
  }),
  gpus: z.array(z.strictObject({ vendor: z.string(), model: z.string(), vramBytes: z.number().nonnegative().nullable() })),
  software: z.record(z.string(), z.string()), // node, onnxruntime-node, edgebench, transformers…
  git: z.strictObject({ commit: z.string(), dirty: z.boolean() }).nullable(),
  /** stable hash of the hardware facts, used to warn when comparing different devices */
  fingerprint: z.string(),
  /** 'browser' for runs collected from a page */
  kind: z.enum(['node', 'browser']),
  userAgent: z.string().nullable(),
  device: DeviceInfo,
});
export type Environment = z.infer<typeof Environment>;

export type ErrorInfo = z.infer<typeof ErrorInfo>;
export type Boundary = z.infer<typeof Boundary>;
export type SampleSummary = z.infer<typeof SampleSummary>;
export type BootstrapCI = z.infer<typeof BootstrapCI>;

/** Optional: how requests were timed (DESIGN §5: one monotonic clock, resolution recorded). */
export const ClockInfo = z.strictObject({
  source: z.string(), // 'process.hrtime.bigint' | 'performance.now' | …
  resolutionMs: z.number().nonnegative().nullable(),
});

export const RunStatus = z.enum(['running', 'complete', 'interrupted']);
export type RunStatus = z.infer<typeof RunStatus>;

/** run.json — written when the run starts, status updated when it ends or is interrupted. */
export const RunManifest = z.strictObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  runId: z.string().min(1),
  createdAt: z.string(),
  edgebenchVersion: z.string(),
  /** the suite as resolved (presets expanded); the config module may tighten this schema */
  suite: z.record(z.string(), z.unknown()),
  seed: z.number().int(),
  argv: z.array(z.string()),
  environment: Environment,
  status: RunStatus,
  clock: ClockInfo.optional(),
});
export type RunManifest = z.infer<typeof RunManifest>;

// ---- summary.json (written by `analyze`; always recomputable from run.json + cells) ----

/** The trace metrics of src/analyze/metrics (one record per metric): the keys of CellSummary.metrics. */
export const MetricName = z.enum(TRACE_METRIC_NAMES);
export type MetricName = z.infer<typeof MetricName>;

export const BootstrapCI = z.strictObject({
  lo: z.number(),
  hi: z.number(),
  /** cluster-bootstrap-percentile: whole requests resampled (pooled metrics such as itlMs) */
  method: z.enum(['bootstrap-percentile', 'cluster-bootstrap-percentile']),
  resamples: z.number().int().positive(),
  seed: z.number().int(),
});

/** Mirrors SampleSummary in src/stats/summarize.ts (see the definitions there). */
export const SampleSummary = z.strictObject({
  n: z.number().int().positive(),
  median: z.number(),
  mean: z.number(),
  sd: z.number().nonnegative().nullable(),
  cv: z.number().nonnegative().nullable(),
  p90: z.number().nullable(),
  p99: z.number().nullable(),
  min: z.number(),
  max: z.number(),
  ci95: BootstrapCI,
  mad: z.number().nonnegative(),
  /** indices into `samples` */
  outliers: z.array(z.number().int().nonnegative()),
});

export const MetricSummary = z.strictObject({
  ...SampleSummary.shape,
  unit: z.string(),
  boundary: Boundary,
  /** raw per-request samples (pooled per-token gaps for itlMs, CI by cluster bootstrap over requests), in measured-request order */
  samples: z.array(z.number()),
  /** RequestTrace.index of each sample; absent for pooled metrics (itlMs) */
  requestIndices: z.array(z.number().int().nonnegative()).optional(),
  /** caveat printed next to the number, e.g. "includes one decode step" */
  note: z.string().optional(),
});
export type MetricSummary = z.infer<typeof MetricSummary>;

/** A warning that says how to fix it (after hyperfine's warnings.rs). */
export const Warning = z.strictObject({
  code: z.string().regex(/^[A-Z0-9_]+$/),
  severity: z.enum(['info', 'warn']),
  message: z.string(),
  fix: z.string(),
  metrics: z.array(MetricName).optional(),
});
export type Warning = z.infer<typeof Warning>;

export const ColdStart = z.strictObject({
  loadMs: z.number().nonnegative().nullable(),
  /** TTFT of the first request after load (phase 'cold', else the first request) */
  firstRunTtftMs: z.number().nonnegative().nullable(),
  warmMedianTtftMs: z.number().nonnegative().nullable(),
  /** firstRunTtftMs − warmMedianTtftMs (may be negative) */
  firstRunOverheadMs: z.number().nullable(),
});
export type ColdStart = z.infer<typeof ColdStart>;

export const MemorySummary = z.strictObject({
  peakRssBytes: z.number().nonnegative().nullable(),
  rssAfterLoadBytes: z.number().nonnegative().nullable(),
  modelBytes: z.number().nonnegative().nullable(),
  memoryBandwidthBytesPerS: z.number().positive().nullable(),
});
export type MemorySummary = z.infer<typeof MemorySummary>;

export const CellSummary = z.strictObject({
  index: z.number().int().nonnegative(),
  key: CellKey,
  status: CellResult.shape.status,
  error: ErrorInfo.optional(),
  boundary: Boundary,
  resolved: ResolvedRunner.nullable(),
  model: ModelInfo.nullable(),
  requests: z.strictObject({
    cold: z.number().int().nonnegative(),
    warmup: z.number().int().nonnegative(),
    measured: z.number().int().nonnegative(),
  }),
  /** every metric name is present; null = not applicable / not measurable (never 0) */
  metrics: z.record(MetricName, MetricSummary.nullable()),
  coldStart: ColdStart,
  memory: MemorySummary,
  warnings: z.array(Warning),
  /** J/token, avg W per phase with source and uncertainty (src/analyze/energy.ts), when energy was sampled */
  energy: EnergySummary.optional(),
  /** closeness of the outputs to a reference of the same weights (quality stage), when measured */
  quality: QualityEntrySchema.optional(),
  stopping: CellStopping.optional(),
  machine: MachineLoad.optional(),
  interleave: CellResult.shape.interleave,
});
export type CellSummary = z.infer<typeof CellSummary>;

export const RunSummary = z.strictObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  runId: z.string().min(1),
  generatedAt: z.string(),
  /** version of the edgebench that analysed the traces (may differ from the one that ran them) */
  edgebenchVersion: z.string(),
  /** bootstrap seed used for every CI (defaults to the run's seed) */
  seed: z.number().int(),
  /** warnings about the whole run (e.g. on battery) */
  warnings: z.array(Warning),
  cells: z.array(CellSummary),
  /** ratios between runners/EPs on the same model and shape (src/analyze/side-by-side.ts), when a run has several */
  sideBySide: SideBySide.optional(),
});
export type RunSummary = z.infer<typeof RunSummary>;
