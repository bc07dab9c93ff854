/**
 * Child process for the concurrent-publishers test: publishes the given runs into the store
 * (through the same code as `edgebench publish`, without the CLI's start-up cost) and prints one
 * line per run: "<outcome> <runId>".
 */
import { openStore, resolveStoreTarget } from '../../src/store/open-store.ts';
import { prepareRuns, publishPrepared } from '../../src/store/publish-runs.ts';

const [target, ...dirs] = process.argv.slice(2);
const prepared = await prepareRuns(dirs, { source: 'cli', references: false });
const db = await openStore(resolveStoreTarget(target));
try {
  for (const r of await publishPrepared(db, prepared)) process.stdout.write(`${r.outcome} ${r.runId}\n`);
} finally {
  await db.close();
}
