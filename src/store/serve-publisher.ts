/**
 * `serve --db`: each device's run goes into the results store as soon as the page finishes —
 * the same validation, privacy trimming and screening as `edgebench publish`, one transaction
 * per run, one publish at a time. The store is opened when serve starts, so a wrong --db fails
 * before any phone joins.
 */
import type { ReferenceSet } from '../references/load.ts';
import { loadReferences } from '../references/load.ts';
import { describeTarget, openStore, type StoreTarget } from './open-store.ts';
import { prepareRuns, publishPrepared } from './publish-runs.ts';

export interface StorePublisher {
  where: string;
  publish(dir: string): Promise<void>;
  close(): Promise<void>;
}

export async function createStorePublisher(
  target: StoreTarget,
  log: (m: string) => void,
  references: ReferenceSet | false = loadReferences(),
): Promise<StorePublisher> {
  const db = await openStore(target);
  const where = describeTarget(target);
  let queue: Promise<unknown> = Promise.resolve();
  let closed: Promise<void> | null = null;
  return {
    where,
    publish(dir: string) {
      const next = queue.then(async () => {
        const prepared = await prepareRuns([dir], { source: 'serve', references });
        for (const r of await publishPrepared(db, prepared)) {
          log(`  published ${r.runId} (${r.cells} cells, ${r.implausible} implausible) to the ${where}`);
        }
      });
      queue = next.catch(() => undefined);
      return next;
    },
    close() {
      closed ??= queue.then(() => db.close());
      return closed;
    },
  };
}
