/**
 * Which onnxruntime-node execution providers work here. Each EP is tried for real — create a
 * session on a one-node graph and run it — in a child process with a timeout, because a native
 * EP can hang (WebGPU without a Vulkan driver) and a hung native call could block our exit.
 * Results are cached per process; nothing here throws.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-node';
import { buildAddModel } from './onnx-graph.ts';
import { epHint } from './ep-hints.ts';

export const EXECUTION_PROVIDERS = ['cpu', 'cuda', 'tensorrt', 'webgpu', 'coreml', 'dml', 'qnn'] as const;
export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number];

export interface EpAvailability {
  ep: string;
  ok: boolean;
  /** why it is unavailable (first line of the runtime's error), or a note when ok */
  reason?: string;
  /** how to get it */
  hint?: string;
  /** listed by ort.listSupportedBackends(): bundled = shipped in the npm package */
  listed: boolean;
  bundled: boolean;
  ms: number;
}

export interface EpProbeOptions {
  /** per-EP limit (default 20 s) */
  timeoutMs?: number;
  eps?: readonly string[];
}

const cache = new Map<string, Promise<EpAvailability>>();

// Plain ESM evaluated by a child `node`; argv: ort module URL, EP name, base64 model.
const CHILD = `
const [ortUrl, ep, b64] = process.argv.slice(1);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\\n', () => process.exit(0));
try {
  const m = await import(ortUrl);
  const ort = m.default ?? m;
  const s = await ort.InferenceSession.create(new Uint8Array(Buffer.from(b64, 'base64')), { executionProviders: [ep], logSeverityLevel: 3 });
  const r = await s.run({ x: new ort.Tensor('float32', new Float32Array([1, 2]), [2]) });
  const y = Array.from(r.y.data);
  out({ ok: y[0] === 2 && y[1] === 4, error: y[0] === 2 && y[1] === 4 ? undefined : 'ran but returned wrong values ' + JSON.stringify(y) });
} catch (e) {
  out({ ok: false, error: String((e && e.message) || e) });
}
`;

interface ChildResult {
  ok: boolean;
  error?: string;
  stderr: string;
  timedOut: boolean;
}

function ortModuleUrl(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('onnxruntime-node')).href;
}

function runChild(ep: string, timeoutMs: number): Promise<ChildResult> {
  const model = Buffer.from(buildAddModel()).toString('base64');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, ortModuleUrl(), ep, model], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8000)));
    let done = false;
    const finish = (r: ChildResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(r);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      child.stdout.destroy();
      child.stderr.destroy();
      finish({ ok: false, error: `no answer within ${timeoutMs} ms (the EP hung while initialising)`, stderr, timedOut: true });
    }, timeoutMs);
    child.on('error', (e) => finish({ ok: false, error: `could not start node: ${e.message}`, stderr, timedOut: false }));
    child.on('close', (code, signal) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        const parsed = JSON.parse(line) as { ok?: unknown; error?: unknown };
        finish({ ok: parsed.ok === true, error: typeof parsed.error === 'string' ? parsed.error : undefined, stderr, timedOut: false });
      } catch {
        finish({ ok: false, error: `probe process exited (${signal ?? `code ${code}`}) without an answer`, stderr, timedOut: false });
      }
    });
  });
}

/** One readable line from ORT's error text plus what its native log said was missing. */
export function summarizeEpError(error: string, stderr = ''): string {
  const first = (error.split('\n').find((l) => l.trim()) ?? error).trim();
  // "/onnxruntime_src/…/file.cc:136 fn() cond was false. Actual message" → "Actual message"
  const located = /^\S+\.(?:cc|cpp|h):\d+\s.*?(?:was false\.|\]\s*:\s*\d*\s*:?\s*\w*\s*:)\s*(.+)$/.exec(first);
  let reason = (located?.[1] ?? first).slice(0, 240);
  const missing = [...stderr.matchAll(/(lib[\w.+-]+\.so[\d.]*): cannot open shared object file/g)].map((m) => m[1]);
  const libs = [...new Set(missing)];
  if (libs.length > 0) reason += ` (missing ${libs.join(', ')})`;
  return reason;
}

function listedBackends(): Map<string, boolean> {
  try {
    return new Map(ort.listSupportedBackends().map((b) => [b.name, b.bundled]));
  } catch {
    return new Map([['cpu', true]]);
  }
}

async function probeOne(ep: string, timeoutMs: number): Promise<EpAvailability> {
  const t0 = performance.now();
  const listedMap = listedBackends();
  const listed = listedMap.has(ep);
  const bundled = listedMap.get(ep) ?? false;
  const base = { ep, listed, bundled };
  try {
    if (!listed) {
      const has = [...listedMap.keys()].join(', ');
      return {
        ...base,
        ok: false,
        reason: `not in this onnxruntime-node build (it has: ${has})`,
        hint: epHint(ep),
        ms: performance.now() - t0,
      };
    }
    const r = await runChild(ep, timeoutMs);
    const ms = performance.now() - t0;
    if (r.ok) return { ...base, ok: true, ms };
    return { ...base, ok: false, reason: summarizeEpError(r.error ?? 'unknown error', r.stderr), hint: epHint(ep), ms };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return { ...base, ok: false, reason: summarizeEpError(msg), hint: epHint(ep), ms: performance.now() - t0 };
  }
}

/** Availability of each EP (default: cpu, cuda, tensorrt, webgpu, coreml, dml, qnn). Never throws. */
export async function probeExecutionProviders(opts: EpProbeOptions = {}): Promise<EpAvailability[]> {
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const eps = opts.eps ?? EXECUTION_PROVIDERS;
  return Promise.all(
    eps.map((ep) => {
      let p = cache.get(ep);
      if (!p) {
        p = probeOne(ep, timeoutMs);
        cache.set(ep, p);
      }
      return p;
    }),
  );
}

/** Forget cached results (tests; after installing a driver in a long-lived process). */
export function clearEpCache(): void {
  cache.clear();
}
