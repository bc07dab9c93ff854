/**
 * Main-thread side of the ort-web runner: starts the wasm worker, sends requests and turns the
 * worker's answers into promises. A worker that dies (wasm abort, out of memory) rejects every
 * pending request with a one-line EdgebenchError instead of leaving the harness waiting.
 */
import { Worker } from 'node:worker_threads';
import { EdgebenchError } from '../../errors.ts';
import type { FromWorker, LoadedInfo, LoadRequest, ToWorker } from './protocol.ts';

type Pending = { resolve: (m: FromWorker) => void; reject: (e: Error) => void; onToken?: (id: number) => void };
type Omit2<T> = T extends unknown ? Omit<T, 'rid'> : never;

export class WasmHost {
  private readonly pending = new Map<number, Pending>();
  private nextRid = 1;
  private dead: Error | null = null;
  private readonly ack = new Int32Array(new SharedArrayBuffer(4));

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: FromWorker) => this.onMessage(m));
    worker.on('error', (e) =>
      this.fail(
        new EdgebenchError(
          'INTERNAL',
          `onnxruntime-web worker crashed: ${e.message.split('\n')[0]}`,
          'a wasm abort usually means out of (wasm) memory; try a smaller dtype or model',
        ),
      ),
    );
    worker.on('exit', (code) =>
      this.fail(new EdgebenchError('INTERNAL', `onnxruntime-web worker exited (code ${code})`, 'rerun; if it repeats, report it')),
    );
  }

  static async start(load: Omit<LoadRequest, 'rid' | 'type' | 'ack'>): Promise<{ host: WasmHost; info: LoadedInfo }> {
    const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), {
      workerData: { entry: new URL('./wasm-worker.ts', import.meta.url).href },
    });
    const host = new WasmHost(worker);
    try {
      const m = await host.request({ type: 'load', ...load, ack: host.ack.buffer as SharedArrayBuffer });
      if (m.type !== 'loaded') throw new Error(`unexpected answer ${m.type}`);
      return { host, info: m.info };
    } catch (e) {
      await host.terminate();
      throw e;
    }
  }

  private onMessage(m: FromWorker): void {
    const p = this.pending.get(m.rid);
    if (m.type === 'token') {
      try {
        p?.onToken?.(m.id);
      } finally {
        Atomics.store(this.ack, 0, 1); // t_i is taken: let the worker compute the next token
        Atomics.notify(this.ack, 0);
      }
      return;
    }
    if (!p) return;
    this.pending.delete(m.rid);
    if (m.type === 'error') p.reject(new Error(m.message));
    else p.resolve(m);
  }

  private fail(e: Error): void {
    if (this.dead) return;
    this.dead = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  request(msg: Omit2<ToWorker>, onToken?: (id: number) => void): Promise<FromWorker> {
    if (this.dead) return Promise.reject(this.dead);
    const rid = this.nextRid++;
    return new Promise((resolve, reject) => {
      this.pending.set(rid, { resolve, reject, ...(onToken ? { onToken } : {}) });
      this.worker.postMessage({ ...msg, rid });
    });
  }

  async terminate(): Promise<void> {
    this.dead ??= new EdgebenchError('INTERNAL', 'onnxruntime-web worker was disposed', 'load the model again');
    await this.worker.terminate();
  }
}
