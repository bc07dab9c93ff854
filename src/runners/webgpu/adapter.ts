/**
 * WebGPU adapter detection for the `webgpu` execution provider (onnxruntime-node's native WebGPU
 * EP and transformers.js `device: 'webgpu'`). Both embed Dawn; the `webgpu` package is Dawn's own
 * Node binding, so asking it for an adapter sees the same drivers (Vulkan/Metal/D3D12) and the same
 * VK_ICD_FILENAMES. The request runs in a child process with a timeout: a broken driver must give
 * an `unsupported` cell, never a crash or a hang of the benchmark process.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';

export interface WebGpuAdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** a CPU implementation of the GPU API (SwiftShader, llvmpipe/lavapipe, WARP): correct but slow */
  software: boolean;
}

export type WebGpuAdapterProbe = { ok: true; adapter: WebGpuAdapterInfo; ms: number } | { ok: false; reason: string; hint: string };

const ChildAnswer = z.union([
  z.strictObject({
    adapter: z.strictObject({ vendor: z.string(), architecture: z.string(), device: z.string(), description: z.string() }),
  }),
  z.strictObject({ adapter: z.null() }),
  z.strictObject({ error: z.string() }),
]);

/** Where Debian/Ubuntu's chromium package puts SwiftShader's Vulkan ICD (the CPU-only test path). */
export const SWIFTSHADER_ICD_CANDIDATES = [
  '/usr/lib/chromium/vk_swiftshader_icd.json',
  '/usr/lib/chromium-browser/vk_swiftshader_icd.json',
];

export function swiftshaderIcdPath(): string | null {
  return SWIFTSHADER_ICD_CANDIDATES.find((p) => existsSync(p)) ?? null;
}

const SOFTWARE_RE = /swiftshader|llvmpipe|lavapipe|softpipe|warp|microsoft basic render/i;

export function isSoftwareAdapter(info: Omit<WebGpuAdapterInfo, 'software'>): boolean {
  return SOFTWARE_RE.test([info.vendor, info.architecture, info.device, info.description].join(' '));
}

export function webgpuHint(): string {
  const icd = swiftshaderIcdPath();
  return icd
    ? `install or fix the GPU driver (Vulkan on Linux); to test on the CPU set VK_ICD_FILENAMES=${icd} (SwiftShader: correct but slow, results are marked as a software adapter)`
    : 'install or fix the GPU driver (Vulkan on Linux, Metal on macOS, D3D12 on Windows); on a CPU-only Linux box tests can use SwiftShader: `apt-get install chromium libvulkan1`, then VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json';
}

function childScript(webgpuUrl: string): string {
  return `
const { create } = await import(${JSON.stringify(webgpuUrl)});
let out;
try {
  const a = await create([]).requestAdapter();
  const i = a ? a.info : null;
  out = { adapter: i ? { vendor: i.vendor ?? '', architecture: i.architecture ?? '', device: i.device ?? '', description: i.description ?? '' } : null };
} catch (e) { out = { error: String(e && e.message || e).split('\\n')[0] }; }
process.stdout.write('EDGEBENCH_ADAPTER ' + JSON.stringify(out) + '\\n');
process.exit(0);`;
}

function webgpuPackageUrl(): string | null {
  try {
    return pathToFileURL(createRequire(import.meta.url).resolve('webgpu')).href;
  } catch {
    return null;
  }
}

const cache = new Map<string, Promise<WebGpuAdapterProbe>>();

/** Ask Dawn for the default adapter (cached per VK_ICD_FILENAMES). Never throws. */
export function probeWebGpuAdapter(opts: { timeoutMs?: number } = {}): Promise<WebGpuAdapterProbe> {
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const key = `${process.env.VK_ICD_FILENAMES ?? ''}|${timeoutMs}`;
  let p = cache.get(key);
  if (!p) {
    p = requestAdapter(timeoutMs);
    cache.set(key, p);
  }
  return p;
}

function requestAdapter(timeoutMs: number): Promise<WebGpuAdapterProbe> {
  const url = webgpuPackageUrl();
  if (!url)
    return Promise.resolve({
      ok: false,
      reason: "the 'webgpu' package (Dawn for Node) is not installed, so the adapter cannot be checked",
      hint: 'run `npm ci` in the edgebench folder',
    });
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', childScript(url)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({
        ok: false,
        reason: `no answer from the WebGPU driver within ${timeoutMs / 1000} s (adapter request hung)`,
        hint: webgpuHint(),
      });
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: `could not start the adapter probe: ${e.message}`, hint: webgpuHint() });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(parseAnswer(stdout, stderr, code, performance.now() - t0));
    });
  });
}

/** Exported for tests: turn the child's output into a probe result. */
export function parseAnswer(stdout: string, stderr: string, code: number | null, ms: number): WebGpuAdapterProbe {
  const line = stdout.split('\n').find((l) => l.startsWith('EDGEBENCH_ADAPTER '));
  const parsed = line ? ChildAnswer.safeParse(safeJson(line.slice('EDGEBENCH_ADAPTER '.length))) : null;
  if (!parsed?.success) {
    const detail = lastDriverLine(stderr) ?? `exit code ${code}`;
    return { ok: false, reason: `the WebGPU adapter probe crashed (${detail})`, hint: webgpuHint() };
  }
  const a = parsed.data;
  if ('error' in a) return { ok: false, reason: `requesting a WebGPU adapter failed: ${a.error}`, hint: webgpuHint() };
  if (a.adapter === null) {
    const detail = lastDriverLine(stderr);
    return { ok: false, reason: `no WebGPU adapter on this machine${detail ? ` (${detail})` : ''}`, hint: webgpuHint() };
  }
  return { ok: true, adapter: { ...a.adapter, software: isSoftwareAdapter(a.adapter) }, ms };
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}

/** The most telling line of Dawn/Vulkan's stderr chatter (e.g. "vkCreateInstance: Found no drivers!"). */
function lastDriverLine(stderr: string): string | null {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('at ') && !/XDG_RUNTIME_DIR/.test(l));
  const telling = lines.filter((l) => /no drivers|no supported|not supported|required|failed/i.test(l));
  return (telling[telling.length - 1] ?? lines[lines.length - 1] ?? null)?.replace(/^Warning:\s*/, '') ?? null;
}

/** Settings recorded in results for a WebGPU run (ResolvedRunner.settings). */
export function adapterSettings(a: WebGpuAdapterInfo): Record<string, string | boolean> {
  return {
    adapterVendor: a.vendor,
    adapterArchitecture: a.architecture,
    adapterDevice: a.device,
    adapterDescription: a.description,
    softwareAdapter: a.software,
  };
}
