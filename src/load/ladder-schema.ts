/**
 * The durable record of a concurrency ladder: `<run>/load/NNNN-<cell>.json`, one per matrix cell,
 * written atomically when its ladder ends. It holds raw per-request times only; every figure
 * (TTFT/TPOT/ITL, throughput, goodput) is recomputed from it by goodput.ts.
 */
import { z } from 'zod';
import { Boundary, CellKey, ErrorInfo, ResolvedRunner } from '../results/schema.ts';
import { Slo } from './plan.ts';

export const LOAD_SCHEMA_VERSION = 1;
export const LOAD_DIR = 'load';

/** One request of a level; times in ms on the process monotonic clock. */
export const LoadRequest = z.strictObject({
  /** when the request was due (open loop: its Poisson arrival; closed loop: when its worker was free), from the level start */
  scheduledMs: z.number().nonnegative(),
  /** t_submit of the attempt that counted, from the level start (retries restart it: waits are never timed) */
  submitMs: z.number().nonnegative(),
  /** t_i − t_submit for each token */
  tokenTimesMs: z.array(z.number().nonnegative()),
  promptTokens: z.number().int().nonnegative(),
  /** prompt tokens the server served from its cache, when it said */
  cachedTokens: z.number().int().nonnegative().nullable(),
  /** attempts that were retried (429, 5xx, network before the answer) */
  retries: z.number().int().nonnegative(),
  status: z.enum(['ok', 'errored']),
  error: ErrorInfo.optional(),
});
export type LoadRequest = z.infer<typeof LoadRequest>;

export const LoadLevel = z.strictObject({
  mode: z.enum(['concurrency', 'rate']),
  /** closed loop: this many requests always in flight */
  concurrency: z.number().int().positive().nullable(),
  /** open loop: Poisson arrivals per second */
  ratePerS: z.number().positive().nullable(),
  startedAt: z.string(),
  /** first submit to last token (ms) */
  wallMs: z.number().nonnegative(),
  /** true when the level's time cap or a stop cut it before all its requests were sent */
  truncated: z.boolean(),
  requests: z.array(LoadRequest),
  /** what the runner saw over the level (retries, 429s, chunking…), as it reported it */
  runner: z.record(z.string(), z.unknown()).nullable(),
  /** remote runners: HTTP requests sent and the connections opened for them (reused = keep-alive) */
  connections: z
    .strictObject({
      requests: z.number().int().nonnegative(),
      newConnections: z.number().int().nonnegative(),
      reused: z.number().int().nonnegative(),
    })
    .nullable(),
});
export type LoadLevel = z.infer<typeof LoadLevel>;

export const LoadFile = z.strictObject({
  schemaVersion: z.literal(LOAD_SCHEMA_VERSION),
  kind: z.literal('load-ladder'),
  cellIndex: z.number().int().nonnegative(),
  key: CellKey,
  boundary: Boundary,
  resolved: ResolvedRunner.nullable(),
  /** the runner's own statement of how it serves parallel requests (e.g. "one at a time") */
  parallelism: z.string(),
  slo: Slo,
  seed: z.number().int(),
  levels: z.array(LoadLevel),
  /** network round trips measured before the ladder (http-client cells) */
  network: z.record(z.string(), z.unknown()).nullable(),
});
export type LoadFile = z.infer<typeof LoadFile>;
