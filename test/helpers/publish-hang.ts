/**
 * Child process for the "killed mid-transaction" test: publishes a run and, inside the
 * transaction after the cells, metrics and traces are written, prints IN_TX and waits forever
 * until the test kills it with SIGKILL.
 */
import { openStore, resolveStoreTarget } from '../../src/store/open-store.ts';
import { prepareRuns, publishPrepared } from '../../src/store/publish-runs.ts';

const [target, dir] = process.argv.slice(2);
const db = await openStore(resolveStoreTarget(target));
const prepared = await prepareRuns([dir!], { source: 'cli', references: false });
await publishPrepared(db, prepared, {
  onStage: async (stage) => {
    if (stage !== 'traces') return;
    process.stdout.write('IN_TX\n');
    await new Promise(() => undefined);
  },
});
