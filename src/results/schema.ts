/**
 * Results schema (versioned). A run folder holds:
 *   run.json            RunManifest — suite as resolved, environment, seed, versions
 *   cells/NNNN-<slug>.json  CellResult — one per matrix cell, written atomically when it finishes
 *   summary.json        RunSummary — produced by `analyze` (pure function of run.json + cells)
 * Raw traces (per-token times) live in the cells, so summaries can always be recomputed.
 */
import { z } from 'zod';

export const SCHEMA_VERSION = 1;

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
});
export type CellResult = z.infer<typeof CellResult>;

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
});
export type Environment = z.infer<typeof Environment>;
