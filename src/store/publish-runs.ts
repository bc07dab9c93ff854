/**
 * `publish` for one or more results folders. Each run is loaded and validated (upgraded from an
 * older results schema if need be), turned into its payload (privacy trimming, plausibility
 * screening, reference figures), hashed and rendered into rows BEFORE anything of its batch is
 * written; then one transaction per batch of runs (publish.ts). A long publish streams
 * (publish-stream.ts): batches are prepared by worker threads while the store writes the previous
 * one, and dropped once written.
 */
import { loadReferences, type ReferenceSet } from '../references/load.ts';
import type { DeviceClass as FigureDeviceClass } from '../references/schema.ts';
import type { DeviceClassName } from '../edge-cloud/device-class.ts';
import type { StoreDb } from './db.ts';
import { loadRunForStore } from './load-run.ts';
import { buildPayload, payloadHash, type PublishPayload, type PublishSource } from './payload.ts';
import { publishBatch, type PublishOptions, type PublishResult } from './publish.ts';
import { renderRun, type RenderedRun } from './render-run.ts';

type DeviceClass = FigureDeviceClass | DeviceClassName;

export interface PreparedRun extends RenderedRun {
  dir: string;
  summarySource: string;
}

export interface PrepareOptions {
  source: PublishSource;
  deviceClass?: DeviceClass;
  /** false: record no reference figures; undefined: the references shipped with edgebench */
  references?: ReferenceSet | false;
}

/** The references a prepare uses, loaded once per process. */
export function resolveReferences(opts: PrepareOptions): ReferenceSet | null {
  return opts.references === false ? null : (opts.references ?? loadReferences());
}

/** One folder → its payload (what --dry-run prints) and content hash. */
export async function payloadOf(dir: string, opts: PrepareOptions, refs: ReferenceSet | null) {
  const run = await loadRunForStore(dir);
  const payload: PublishPayload = buildPayload(run, {
    source: opts.source,
    references: refs,
    ...(opts.deviceClass && { deviceClass: opts.deviceClass }),
  });
  return { payload, contentHash: payloadHash(payload), summarySource: run.summarySource };
}

/** One folder → the rows publish writes. */
export async function prepareRun(dir: string, opts: PrepareOptions, refs: ReferenceSet | null): Promise<PreparedRun> {
  const { payload, contentHash, summarySource } = await payloadOf(dir, opts, refs);
  return { ...renderRun(payload, contentHash), dir, summarySource };
}

/** Every folder prepared in this thread (serve: one run; tests); a long publish streams instead (publishRuns). */
export async function prepareRuns(dirs: readonly string[], opts: PrepareOptions): Promise<PreparedRun[]> {
  const refs = resolveReferences(opts);
  const out: PreparedRun[] = [];
  for (const dir of dirs) out.push(await prepareRun(dir, opts, refs));
  return out;
}

/**
 * Runs per transaction: large enough that per-statement costs vanish (each table gets one
 * statement per batch), small enough that a batch's JSON parameters stay a few MB (≈250 KB a run
 * with its traces) and a killed publish loses little work.
 */
export const PUBLISH_BATCH_RUNS = 25;

export async function publishPrepared(
  db: StoreDb,
  runs: readonly PreparedRun[],
  opts: PublishOptions & { batchRuns?: number } = {},
): Promise<PublishResult[]> {
  const size = opts.batchRuns ?? PUBLISH_BATCH_RUNS;
  const results: PublishResult[] = [];
  for (let i = 0; i < runs.length; i += size) results.push(...(await publishBatch(db, runs.slice(i, i + size), opts)));
  return results;
}
