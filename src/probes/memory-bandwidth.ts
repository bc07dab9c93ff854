/**
 * Memory-bandwidth probes: how many bytes per second a decode step can actually stream.
 *
 * - `ort-matmul-gemv`: an ONNX Runtime graph `Y[1,N] = X[1,K] · W[K,N]` (fp32 W much larger than
 *   the last-level cache) on the CPU EP with the benchmark's thread count. This is what ORT's own
 *   kernels can stream, so it is the figure `rooflineFraction` uses (`memoryBandwidthBytesPerS`).
 * - `js-f64-sum`: a plain JavaScript sum over a Float64Array (SharedArrayBuffer split across
 *   worker threads when threads > 1) — a sanity check of the memory system without ORT.
 * bytesPerS = bufferBytes / fastest iteration (STREAM's "best rate": on a shared machine the
 * fastest run is the one least disturbed); medianBytesPerS is given beside it.
 */
import { Worker } from 'node:worker_threads';
import { buildModel } from './onnx-graph.ts';
import { createCpuSession, floatTensor, runOnce } from './ort-session.ts';
import { cpuShare, timeAsync, timeSync, type TimingOptions, type TimingSummary } from './timing.ts';

export type BandwidthMethod = 'ort-matmul-gemv' | 'js-f64-sum';

export interface BandwidthResult {
  /** from the fastest iteration */
  bytesPerS: number;
  /** from the median iteration */
  medianBytesPerS: number;
  method: BandwidthMethod;
  threads: number;
  bufferBytes: number;
  samples: number;
  /** process CPU time ÷ (wall time × threads) while timing; < ~0.8 means other work competed */
  cpuShare: number;
  summary: TimingSummary;
}

export interface BandwidthOptions extends TimingOptions {
  threads?: number;
  /** bytes streamed per iteration; keep it ≫ the last-level cache (default 256 MiB) */
  bufferBytes?: number;
}

export interface MemoryBandwidth {
  /** the figure to use for rooflines: the ORT one */
  memoryBandwidthBytesPerS: number;
  source: BandwidthMethod;
  ort: BandwidthResult;
  js: BandwidthResult;
}

export const DEFAULT_BUFFER_BYTES = 256 * 1024 * 1024;
const GEMV_K = 4096;

function result(method: BandwidthMethod, threads: number, bufferBytes: number, summary: TimingSummary): BandwidthResult {
  const rate = (ms: number): number => bufferBytes / (ms / 1000);
  return {
    bytesPerS: rate(summary.minMs),
    medianBytesPerS: rate(summary.medianMs),
    method,
    threads,
    bufferBytes,
    samples: summary.n,
    cpuShare: cpuShare(summary, threads),
    summary,
  };
}

/** ORT fp32 GEMV over a [K, N] weight of ~bufferBytes. */
export async function probeOrtBandwidth(opts: BandwidthOptions = {}): Promise<BandwidthResult> {
  const threads = opts.threads ?? 1;
  const k = Math.min(GEMV_K, Math.max(16, Math.floor(Math.sqrt((opts.bufferBytes ?? DEFAULT_BUFFER_BYTES) / 4))));
  const n = Math.max(1, Math.floor((opts.bufferBytes ?? DEFAULT_BUFFER_BYTES) / (4 * k)));
  const bufferBytes = 4 * k * n;
  const w = new Float32Array(k * n).fill(0.001);
  const model = buildModel({
    nodes: [{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }],
    inputs: [{ name: 'x', type: 'float32', dims: [1, k] }],
    outputs: [{ name: 'y', type: 'float32', dims: [1, n] }],
    initializers: [{ name: 'w', type: 'float32', dims: [k, n], data: w }],
  });
  const session = await createCpuSession(model, threads);
  try {
    const x = floatTensor(new Float32Array(k).fill(1), [1, k]);
    const summary = await timeAsync('ort-gemv', () => runOnce(session, { x }), opts);
    return result('ort-matmul-gemv', threads, bufferBytes, summary);
  } finally {
    await session.release();
  }
}

// Worker body (plain JS, evaluated from a string so it runs the same under tsx and node).
const SUM_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const a = new Float64Array(workerData.buffer, workerData.lo * 8, workerData.hi - workerData.lo);
let sink = 0;
parentPort.on('message', (id) => {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, i = 0;
  const n = a.length - (a.length % 4);
  for (; i < n; i += 4) { s0 += a[i]; s1 += a[i + 1]; s2 += a[i + 2]; s3 += a[i + 3]; }
  for (; i < a.length; i++) s0 += a[i];
  sink += s0 + s1 + s2 + s3;
  parentPort.postMessage({ id, sink });
});
`;

function sumF64(a: Float64Array): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  const n = a.length - (a.length % 4);
  for (; i < n; i += 4) {
    s0 += a[i] as number;
    s1 += a[i + 1] as number;
    s2 += a[i + 2] as number;
    s3 += a[i + 3] as number;
  }
  for (; i < a.length; i++) s0 += a[i] as number;
  return s0 + s1 + s2 + s3;
}

/** Plain JS read bandwidth; threads > 1 split the buffer across worker threads. */
export async function probeJsBandwidth(opts: BandwidthOptions = {}): Promise<BandwidthResult> {
  const threads = opts.threads ?? 1;
  const len = Math.max(threads, Math.floor((opts.bufferBytes ?? DEFAULT_BUFFER_BYTES) / 8));
  const bufferBytes = len * 8;
  // Pages must be written: untouched zero pages all map to one physical page and read from cache.
  const shared = new SharedArrayBuffer(bufferBytes);
  new Float64Array(shared).fill(1);
  if (threads === 1) {
    const a = new Float64Array(shared);
    let sink = 0;
    const summary = await timeSync('js-sum', () => (sink += sumF64(a)), opts);
    if (!Number.isFinite(sink)) throw new Error('js bandwidth probe: non-finite sum');
    return result('js-f64-sum', threads, bufferBytes, summary);
  }
  const chunk = Math.ceil(len / threads);
  const workers = Array.from({ length: threads }, (_, t) => {
    const workerData = { buffer: shared, lo: t * chunk, hi: Math.min(len, (t + 1) * chunk) };
    return new Worker(SUM_WORKER, { eval: true, workerData });
  });
  // each request carries an id and resolves only on its own answer
  let nextId = 0;
  const sumOn = (w: Worker): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const onError = (e: Error): void => {
        w.off('message', onMessage);
        reject(e);
      };
      const onMessage = (m: { id: number }): void => {
        if (m.id !== id) return;
        w.off('message', onMessage);
        w.off('error', onError);
        resolve(m);
      };
      w.on('error', onError);
      w.on('message', onMessage);
      w.postMessage(id);
    });
  const step = (): Promise<unknown[]> => Promise.all(workers.map(sumOn));
  try {
    const summary = await timeAsync('js-sum-workers', step, opts);
    return result('js-f64-sum', threads, bufferBytes, summary);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Both probes; the ORT one is the roofline figure. */
export async function probeMemoryBandwidth(opts: BandwidthOptions = {}): Promise<MemoryBandwidth> {
  const js = await probeJsBandwidth(opts);
  const ortRes = await probeOrtBandwidth(opts);
  return { memoryBandwidthBytesPerS: ortRes.bytesPerS, source: ortRes.method, ort: ortRes, js };
}
