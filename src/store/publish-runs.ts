/**
 * `publish` for one or more results folders: each run is loaded and validated (upgraded from an
 * older results schema if need be) BEFORE the store is opened, so a corrupt run writes nothing
 * and a wrong --db costs no parsing; then one transaction per batch of runs (publish.ts).
 */
import { loadReferences, type ReferenceSet } from '../references/load.ts';
import type { DeviceClass as FigureDeviceClass } from '../references/schema.ts';
import type { DeviceClassName } from '../edge-cloud/device-class.ts';

type DeviceClass = FigureDeviceClass | DeviceClassName;
import type { StoreDb } from './db.ts';
import { loadRunForStore } from './load-run.ts';
import { buildPayload, payloadHash, type PublishPayload, type PublishSource } from './payload.ts';
import { publishBatch, type PublishOptions, type PublishResult } from './publish.ts';

export interface PreparedRun {
  dir: string;
  payload: PublishPayload;
  contentHash: string;
  summarySource: string;
}

export interface PrepareOptions {
  source: PublishSource;
  deviceClass?: DeviceClass;
  /** false: record no reference figures; undefined: the references shipped with edgebench */
  references?: ReferenceSet | false;
}

export async function prepareRuns(dirs: readonly string[], opts: PrepareOptions): Promise<PreparedRun[]> {
  const refs = opts.references === false ? null : (opts.references ?? loadReferences());
  const out: PreparedRun[] = [];
  for (const dir of dirs) {
    const run = await loadRunForStore(dir);
    const payload = buildPayload(run, {
      source: opts.source,
      references: refs,
      ...(opts.deviceClass && { deviceClass: opts.deviceClass }),
    });
    out.push({ dir, payload, contentHash: payloadHash(payload), summarySource: run.summarySource });
  }
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
