/**
 * Worker thread of prepare-pool.ts: prepares the folders it is sent (read, validate, payload,
 * hash, rows — publish-runs.ts prepareRun, the same code as in the main thread) and posts back the
 * rows, or the error as data (code, message, hint) for the main thread to rethrow as is. The
 * options and reference figures come first, from the main thread (loaded once for all workers).
 */
import { parentPort } from 'node:worker_threads';
import { isEdgebenchError } from '../errors.ts';
import { TASKS_PER_WORKER, type PrepareAnswer, type PrepareTask, type PoolSetup, type ToWorker } from './prepare-pool.ts';
import { prepareRun } from './publish-runs.ts';

const port = parentPort!;
let setup: PoolSetup | null = null;

const queue: PrepareTask[] = [];
let running = 0;

/** Up to TASKS_PER_WORKER folders at once, the rest queued here (the pool hands them all out at once). */
function next(): void {
  while (running < TASKS_PER_WORKER && queue.length) {
    const m = queue.shift()!;
    running++;
    const { opts, references } = setup!; // the pool posts the setup before any task
    prepareRun(m.dir, opts, references)
      .then(
        // the rows' column bytes are moved, not copied (each column has its own buffer: pg-columns.ts)
        (run) =>
          port.postMessage(
            { id: m.id, run } satisfies PrepareAnswer,
            Object.values(run.rows).flatMap((cols) => cols.map((c) => c.bytes.buffer as ArrayBuffer)),
          ),
        (e: unknown) =>
          port.postMessage({
            id: m.id,
            error: isEdgebenchError(e)
              ? { code: e.code, message: e.message, hint: e.hint ?? null }
              : { code: null, message: e instanceof Error ? (e.stack ?? e.message) : String(e), hint: null },
          } satisfies PrepareAnswer),
      )
      .finally(() => {
        running--;
        next();
      });
  }
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'setup') setup = m.setup;
  else {
    queue.push(m);
    next();
  }
});
