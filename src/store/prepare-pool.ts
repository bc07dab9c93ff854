/**
 * Worker threads that prepare runs for publish (prepare-worker.ts) while the main thread writes
 * the previous batch into the store: reading, validating, screening, hashing and printing a run's
 * ≈ 250 KB of JSON cost more CPU than writing it, and on a 2-core machine the two overlap. Each
 * worker takes one folder at a time from a shared queue; answers come back in the order asked.
 */
import { Worker } from 'node:worker_threads';
import { EdgebenchError, type ErrorCode } from '../errors.ts';
import type { PrepareOptions, PreparedRun } from './publish-runs.ts';

export interface PoolSetup {
  opts: Omit<PrepareOptions, 'references'>;
  /** the reference figures shipped with edgebench, or none (a custom set is prepared in the main thread) */
  references: 'shipped' | 'none';
}

export interface PrepareTask {
  id: number;
  dir: string;
}

export type PrepareAnswer =
  | { id: number; run: PreparedRun }
  | { id: number; error: { code: ErrorCode | null; message: string; hint: string | null } };

interface Pending {
  resolve: (r: PreparedRun) => void;
  reject: (e: unknown) => void;
}

export class PreparePool {
  private readonly idle: Worker[] = [];
  private readonly queue: PrepareTask[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly busy = new Map<Worker, number>();
  private nextId = 0;
  private failed: Error | null = null;
  private readonly workers: Worker[] = [];

  constructor(size: number, setup: PoolSetup) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(new URL('./prepare-worker-boot.mjs', import.meta.url), {
        workerData: { entry: new URL('./prepare-worker.ts', import.meta.url).href, setup },
      });
      w.on('message', (m: PrepareAnswer) => this.answer(w, m));
      w.on('error', (e) => this.fail(new Error(`a publish worker crashed: ${e.message.split('\n')[0]}`)));
      w.on('exit', (code) => this.fail(new Error(`a publish worker exited (code ${code})`)));
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  prepare(dir: string): Promise<PreparedRun> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    const p = new Promise<PreparedRun>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.queue.push({ id, dir });
    this.dispatch();
    return p;
  }

  async close(): Promise<void> {
    this.failed ??= new Error('the publish worker pool is closed');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.idle.length && this.queue.length) {
      const w = this.idle.pop()!;
      const task = this.queue.shift()!;
      this.busy.set(w, task.id);
      w.postMessage(task);
    }
  }

  private answer(w: Worker, m: PrepareAnswer): void {
    this.busy.delete(w);
    this.idle.push(w);
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
