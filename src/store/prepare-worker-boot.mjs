// Entry of a publish-preparing worker: a plain-JS file (workers start without the parent's
// loaders), which registers tsx and then imports the TypeScript worker named in workerData.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
