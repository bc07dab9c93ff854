/**
 * Worker threads that prepare runs for publish (prepare-worker.ts) while the main thread writes
 * the previous batch into the store: reading, validating, screening, hashing and printing a run's
 * ≈ 250 KB of JSON cost more CPU than writing it, and on a 2-core machine the two overlap. Folders
 * go from a shared queue to the least busy worker (a few at a time each).
 */
import { Worker } from 'node:worker_threads';
import { EdgebenchError, type ErrorCode } from '../errors.ts';
import type { ReferenceSet } from '../references/load.ts';
import type { PrepareOptions, PreparedRun } from './publish-runs.ts';

export interface PoolSetup {
  opts: Omit<PrepareOptions, 'references'>;
  /** loaded once by the main thread (parsing them cost each worker ≈ 1 s of CPU) */
  references: ReferenceSet | null;
}

export interface PrepareTask {
  type: 'task';
  id: number;
  dir: string;
}

export type ToWorker = { type: 'setup'; setup: PoolSetup } | PrepareTask;

export type PrepareAnswer =
  { id: number; run: PreparedRun } | { id: number; error: { code: ErrorCode | null; message: string; hint: string | null } };

/**
 * Folders a worker prepares at once (prepare-worker.ts): a run is a dozen small file reads, each a
 * hop through the thread pool, and on a busy machine a worker with one task sat idle half the time
 * waiting for them.
 */
export const TASKS_PER_WORKER = 3;

/**
 * A run is a few MB of short-lived objects (parsed JSON, payload, text): a larger young generation
 * than V8's default collects them less often (bench:store, ABAB at load ≈ 2: 4–6 % less CPU a run).
 */
const YOUNG_MB = 64;

interface Pending {
  resolve: (r: PreparedRun) => void;
  reject: (e: unknown) => void;
}

export class PreparePool {
  private readonly queue: PrepareTask[] = [];
  private readonly pending = new Map<number, Pending>();
  /** tasks sent to each worker and not answered yet */
  private readonly load = new Map<Worker, number>();
  private nextId = 0;
  private failed: Error | null = null;
  private readonly workers: Worker[] = [];

  /** Workers start loading their code at once; `setup` must be called before the first `prepare`. */
  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(new URL('./prepare-worker-boot.mjs', import.meta.url), {
        workerData: { entry: new URL('./prepare-worker.ts', import.meta.url).href },
        resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB },
      });
      w.on('message', (m: PrepareAnswer) => this.answer(w, m));
      w.on('error', (e) => this.fail(new Error(`a publish worker crashed: ${e.message.split('\n')[0]}`)));
      w.on('exit', (code) => this.fail(new Error(`a publish worker exited (code ${code})`)));
      this.workers.push(w);
      this.load.set(w, 0);
    }
  }

  /** The options and references, to every worker, ahead of any task (a port keeps its messages in order). */
  setup(setup: PoolSetup): void {
    for (const w of this.workers) w.postMessage({ type: 'setup', setup } satisfies ToWorker);
  }

  prepare(dir: string): Promise<PreparedRun> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    const p = new Promise<PreparedRun>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.queue.push({ type: 'task', id, dir });
    this.dispatch();
    return p;
  }

  async close(): Promise<void> {
    this.failed ??= new Error('the publish worker pool is closed');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /**
   * Every queued folder goes to a worker at once (the least loaded; they queue it themselves): the
   * main thread is blocked inside each PGlite statement, sometimes for 100 ms, and workers that
   * waited for it to hand out the next folder sat idle.
   */
  private dispatch(): void {
    while (this.queue.length) {
      let w: Worker | null = null;
      for (const [x, n] of this.load) if (w === null || n < this.load.get(w)!) w = x;
      if (!w) return;
      this.load.set(w, this.load.get(w)! + 1);
      w.postMessage(this.queue.shift()!);
    }
  }

  private answer(w: Worker, m: PrepareAnswer): void {
    this.load.set(w, this.load.get(w)! - 1);
    const p = this.pending.get(m.id);
    this.pending.delete(m.id);
    if ('run' in m) p?.resolve(m.run);
    else
      p?.reject(
        m.error.code
          ? new EdgebenchError(m.error.code, m.error.message, m.error.hint ?? undefined)
          : new Error(`preparing a run failed in a worker: ${m.error.message}`),
      );
    this.dispatch();
  }

  private fail(e: Error): void {
    if (this.failed) return; // closing: terminated workers exit
    this.failed = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
