/**
 * `edgebench publish <dirs…>` (and `npm run bench:store`, which measures exactly this): folders
 * are prepared a batch ahead — by worker threads for a long publish — while the store writes the
 * batch before, one transaction per batch; a written batch is dropped, so memory stays at a few
 * batches whatever the number of folders. Every run of a batch is validated before anything of
 * that batch is written, and the store is opened only once the first batch is ready (a corrupt
 * first folder never creates it). A corrupt folder later on stops the publish before its batch:
 * the batches before it are complete runs, already committed, and publishing the same folders
 * again after the fix skips them (idempotent).
 */
import { availableParallelism } from 'node:os';
import { EdgebenchError, isEdgebenchError } from '../errors.ts';
import type { StoreDb } from './db.ts';
import { PreparePool } from './prepare-pool.ts';
import { publishBatch, type PublishOptions, type PublishResult } from './publish.ts';
import { prepareRun, PUBLISH_BATCH_RUNS, resolveReferences, type PrepareOptions, type PreparedRun } from './publish-runs.ts';

/** Below this many folders worker threads cost more to start (≈ 0.5 s: loading the sources) than they save. */
export const POOL_MIN_RUNS = 2 * PUBLISH_BATCH_RUNS;

/** Each worker holds its own copy of the sources and references (≈ 100 MB): more rarely pay on a writer-bound publish. */
export const MAX_WORKERS = 4;

export interface PublishRunsOptions extends PrepareOptions, PublishOptions {
  batchRuns?: number;
  /** worker threads preparing runs; default: one per core (at most MAX_WORKERS) for ≥ POOL_MIN_RUNS folders; 0: this thread */
  workers?: number;
  /** each batch once written (the CLI prints its lines; the bench adds up time) */
  onBatch?: (runs: readonly PreparedRun[], results: readonly PublishResult[]) => void;
}

export interface PublishRunsFigures {
  /** ms the writer waited for prepared runs (0 when preparing keeps ahead of the store) */
  waitMs: number;
  /** ms inside the store's transactions */
  writeMs: number;
  workers: number;
}

export function defaultWorkers(runs: number): number {
  if (runs < POOL_MIN_RUNS) return 0;
  // one per core, the writer's included: the writer mostly waits on the store (a server, or PGlite
  // between statements), and on 2 cores 2 workers beat 1 (bench:store: 34.6 vs 23.5 runs/s embedded)
  return Math.min(MAX_WORKERS, availableParallelism());
}

/** A later folder was refused: say what is already in the store. */
function afterSome(e: unknown, published: number): unknown {
  if (!published || !isEdgebenchError(e)) return e;
  return new EdgebenchError(
    e.code,
    `${e.message} (publish stopped before this run's batch; the ${published} runs before it are in the store)`,
    `${e.hint ?? 'fix the folder'}; then publish the same folders again: those already stored are skipped`,
    { cause: e },
  );
}

export async function publishRuns(
  dirs: readonly string[],
  open: () => Promise<StoreDb>,
  opts: PublishRunsOptions,
): Promise<{ results: PublishResult[]; figures: PublishRunsFigures }> {
  const size = opts.batchRuns ?? PUBLISH_BATCH_RUNS;
  const workers = opts.workers ?? defaultWorkers(dirs.length);
  const pool = workers > 0 ? new PreparePool(workers) : null;
  let refs: ReturnType<typeof resolveReferences>;
  try {
    // loaded here once, while the workers load their code, and cloned to each
    refs = resolveReferences(opts);
  } catch (e) {
    await pool?.close();
    throw e;
  }
  pool?.setup({ opts: { source: opts.source, ...(opts.deviceClass && { deviceClass: opts.deviceClass }) }, references: refs });
  const prepare = (dir: string) => (pool ? pool.prepare(dir) : prepareRun(dir, opts, refs));
  // up to two batches in flight: one being written, the next being prepared
  const window = pool ? 2 * size : size;
  const inFlight: Promise<PreparedRun>[] = [];
  let next = 0;
  const fill = () => {
    while (next < dirs.length && inFlight.length < window) {
      const p = prepare(dirs[next++]!);
      p.catch(() => undefined); // awaited in order below; a refusal after an earlier one is not unhandled
      inFlight.push(p);
    }
  };
  const results: PublishResult[] = [];
  const figures: PublishRunsFigures = { waitMs: 0, writeMs: 0, workers };
  let db: StoreDb | null = null;
  try {
    fill();
    while (inFlight.length) {
      const batch: PreparedRun[] = [];
      const t0 = performance.now();
      try {
        while (batch.length < size && inFlight.length) {
          batch.push(await inFlight.shift()!);
          fill();
        }
      } catch (e) {
        throw afterSome(e, results.filter((r) => r.outcome === 'published').length);
      }
      const t1 = performance.now();
      db ??= await open();
      const written = await publishBatch(db, batch, opts);
      figures.waitMs += t1 - t0;
      figures.writeMs += performance.now() - t1;
      results.push(...written);
      opts.onBatch?.(batch, written);
    }
    return { results, figures };
  } finally {
    await Promise.all([pool?.close(), db?.close()]);
  }
}
