/**
 * Worker thread of prepare-pool.ts: prepares the folders it is sent (read, validate, payload,
 * hash, rows — publish-runs.ts prepareRun, the same code as in the main thread) and posts back the
 * rows, or the error as data (code, message, hint) for the main thread to rethrow as is.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isEdgebenchError } from '../errors.ts';
import type { PrepareTask, PrepareAnswer, PoolSetup } from './prepare-pool.ts';
import { prepareRun, resolveReferences } from './publish-runs.ts';

const setup = (workerData as { setup: PoolSetup }).setup;
const refs = resolveReferences(setup.references === 'shipped' ? { ...setup.opts } : { ...setup.opts, references: false });
const port = parentPort!;

port.on('message', (task: PrepareTask) => {
  prepareRun(task.dir, setup.opts, refs).then(
    // the row bytes are moved, not copied (each has its own buffer: TextEncoder)
    (run) =>
      port.postMessage(
        { id: task.id, run } satisfies PrepareAnswer,
        Object.values(run.rows).map((b) => b.buffer as ArrayBuffer),
      ),
    (e: unknown) =>
      port.postMessage({
        id: task.id,
        error: isEdgebenchError(e)
          ? { code: e.code, message: e.message, hint: e.hint ?? null }
          : { code: null, message: e instanceof Error ? (e.stack ?? e.message) : String(e), hint: null },
      } satisfies PrepareAnswer),
  );
});
