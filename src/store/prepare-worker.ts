/**
 * Worker thread of prepare-pool.ts: prepares the folders it is sent (read, validate, payload,
 * hash, rows — publish-runs.ts prepareRun, the same code as in the main thread) and posts back the
 * rows, or the error as data (code, message, hint) for the main thread to rethrow as is. The
 * options and reference figures come first, from the main thread (loaded once for all workers).
 */
import { parentPort } from 'node:worker_threads';
import { isEdgebenchError } from '../errors.ts';
import type { PrepareAnswer, PoolSetup, ToWorker } from './prepare-pool.ts';
import { prepareRun } from './publish-runs.ts';

const port = parentPort!;
let setup: PoolSetup | null = null;

port.on('message', (m: ToWorker) => {
  if (m.type === 'setup') {
    setup = m.setup;
    return;
  }
  const { opts, references } = setup!; // the pool posts the setup before any task
  prepareRun(m.dir, opts, references).then(
    // the row bytes are moved, not copied (each has its own buffer: TextEncoder)
    (run) =>
      port.postMessage(
        { id: m.id, run } satisfies PrepareAnswer,
        Object.values(run.rows).map((b) => b.buffer as ArrayBuffer),
      ),
    (e: unknown) =>
      port.postMessage({
        id: m.id,
        error: isEdgebenchError(e)
          ? { code: e.code, message: e.message, hint: e.hint ?? null }
          : { code: null, message: e instanceof Error ? (e.stack ?? e.message) : String(e), hint: null },
      } satisfies PrepareAnswer),
  );
});
