/**
 * Samples in a worker thread. onnxruntime-node runs each session.run synchronously on the main
 * thread, so a main-thread timer cannot fire during a prefill or a decode step, and a child's output
 * would be timestamped late. A worker has its own event loop; process.hrtime is the same monotonic
 * clock in every thread, and process.cpuUsage() covers the whole process. The worker is plain JS
 * (eval) so it runs the same under tsx, vitest and node.
 */
import { Worker } from 'node:worker_threads';

export type SamplerTask =
  | { kind: 'files'; paths: string[]; intervalMs: number }
  | { kind: 'cpu'; intervalMs: number }
  | { kind: 'spawn'; cmd: string; args: string[] };

export type SamplerMessage =
  /** files: trimmed contents per path · cpu: [system busy ms, system total ms, process cpu µs] */
  | { type: 'sample'; t: number; values: (string | number)[] }
  | { type: 'line'; t: number; line: string }
  | { type: 'error'; t: number; message: string };

const WORKER_JS = `
const { parentPort, workerData: task } = require('node:worker_threads');
const fs = require('node:fs'), os = require('node:os'), cp = require('node:child_process');
const now = () => Number(process.hrtime.bigint()) / 1e6;
let timer = null, child = null, stopping = false, failed = false;
const post = (m) => parentPort.postMessage(m);
function poll() {
  if (failed) return;
  const t = now();
  try {
    if (task.kind === 'files') post({ type: 'sample', t, values: task.paths.map((p) => fs.readFileSync(p, 'utf8').trim()) });
    else {
      let busy = 0, total = 0;
      for (const c of os.cpus()) { const x = c.times; const b = x.user + x.nice + x.sys + x.irq; busy += b; total += b + x.idle; }
      const u = process.cpuUsage();
      post({ type: 'sample', t, values: [busy, total, u.user + u.system] });
    }
  } catch (e) { failed = true; post({ type: 'error', t, message: (e && e.code ? e.code + ': ' : '') + (e && e.message ? e.message : String(e)) }); }
}
if (task.kind === 'spawn') {
  let buf = '', err = '';
  child = cp.spawn(task.cmd, task.args, { stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid) post({ type: 'pid', pid: child.pid });
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d) => {
    const t = now(); buf += d; let i;
    while ((i = buf.indexOf('\\n')) >= 0) { post({ type: 'line', t, line: buf.slice(0, i).replace(/\\r$/, '') }); buf = buf.slice(i + 1); }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => { err = (err + d).slice(-2000); });
  child.on('error', (e) => { if (!stopping) post({ type: 'error', t: now(), message: e.message }); post({ type: 'done' }); });
  child.on('close', (code, signal) => {
    if (buf) post({ type: 'line', t: now(), line: buf });
    if (!stopping) post({ type: 'error', t: now(), message: task.cmd + ' exited (' + (code === null ? signal : 'code ' + code) + ')' + (err.trim() ? ': ' + err.trim().split('\\n').pop() : '') });
    post({ type: 'done' });
  });
} else {
  poll();
  timer = setInterval(poll, task.intervalMs);
}
parentPort.on('message', (m) => {
  if (m === 'sample-now' && task.kind !== 'spawn') poll();
  if (m !== 'stop') return;
  stopping = true;
  if (task.kind === 'spawn') {
    if (!child || child.exitCode !== null || child.signalCode !== null) return post({ type: 'done' });
    child.kill('SIGTERM');
    setTimeout(() => { try { child.kill('SIGKILL'); } catch {} }, 1500).unref();
  } else { clearInterval(timer); poll(); post({ type: 'done' }); }
});
`;

const livePids = new Set<number>();
let exitHookInstalled = false;

/** Children of a sampler must not outlive edgebench (nvidia-smi -lms would run forever). */
function trackPid(pid: number): void {
  livePids.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const p of livePids) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
}

export interface Sampler {
  /** settles at the first reading, line or error (or after `readyTimeoutMs`), so a recording never starts blind */
  ready: Promise<void>;
  /** ask for one reading now (polling tasks) */
  sampleNow(): void;
  /** stop sampling; resolves after the last message was delivered */
  stop(): Promise<void>;
}

function isMessage(m: unknown): m is SamplerMessage | { type: 'pid'; pid: number } | { type: 'done' } {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';
}

export function startSampler(task: SamplerTask, onMessage: (m: SamplerMessage) => void, readyTimeoutMs = 5000): Sampler {
  const worker = new Worker(WORKER_JS, { eval: true, workerData: task });
  worker.unref();
  let pid: number | null = null;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((r) => (resolveDone = r));
  let resolveReady: () => void = () => {};
  const ready = new Promise<void>((r) => {
    resolveReady = r;
    setTimeout(r, readyTimeoutMs).unref();
  });
  worker.on('message', (m: unknown) => {
    if (!isMessage(m)) return;
    if (m.type === 'pid') trackPid((pid = m.pid));
    else if (m.type === 'done') resolveDone();
    else {
      onMessage(m);
      resolveReady();
    }
  });
  worker.on('error', (e) => {
    onMessage({ type: 'error', t: Number(process.hrtime.bigint()) / 1e6, message: `sampler thread failed: ${e.message}` });
    resolveReady();
    resolveDone();
  });
  worker.on('exit', () => {
    resolveReady();
    resolveDone();
  });
  return {
    ready,
    sampleNow: () => worker.postMessage('sample-now'),
    async stop() {
      worker.postMessage('stop');
      const timeout = new Promise<void>((r) => setTimeout(r, 3000).unref());
      await Promise.race([done, timeout]);
      if (pid !== null) livePids.delete(pid);
      await worker.terminate();
    },
  };
}
