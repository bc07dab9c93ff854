/**
 * node-llama-cpp's `Llama` (the loaded llama.cpp binaries), one per GPU choice and binary, never
 * built from source or downloaded at run time: `build: 'never'` + `skipDownload` use only the
 * prebuilt binaries that npm installed as @node-llama-cpp/<platform>[-cuda|-vulkan] packages, or
 * on the CPU the local build the user made (local-build.ts), and fail instead. llama.cpp's own log lines are kept (not printed) so that load errors can quote them
 * and the resolved flash-attention setting can be recorded.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as NodeLlamaCppModule from 'node-llama-cpp';
import type { Llama, LlamaGpuType } from 'node-llama-cpp';
import { EdgebenchError } from '../../errors.ts';
import { LOCAL_BUILD_HINT, loadLocalBuild } from './local-build.ts';
import type { LlamaCppBinary } from './settings.ts';

type NodeLlamaCpp = typeof NodeLlamaCppModule;
let nlc: NodeLlamaCpp | null = null;

export async function loadNodeLlamaCpp(): Promise<NodeLlamaCpp> {
  if (nlc) return nlc;
  try {
    nlc = (await import('node-llama-cpp')) as NodeLlamaCpp;
    return nlc;
  } catch (e) {
    throw new EdgebenchError(
      'BACKEND_NOT_INSTALLED',
      `node-llama-cpp could not be loaded: ${(e as Error).message.split('\n')[0]}`,
      'run `npm ci` in the edgebench folder (the llama.cpp binaries come as npm packages @node-llama-cpp/<platform>)',
      { cause: e },
    );
  }
}

let version: string | null = null;

/** node-llama-cpp does not export its package.json: read it next to the resolved entry point. */
export function nodeLlamaCppVersion(): string {
  if (version) return version;
  let dir = dirname(createRequire(import.meta.url).resolve('node-llama-cpp'));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: unknown };
  version = typeof pkg.version === 'string' ? pkg.version : 'unknown';
  return version;
}

/** What `--ep` means for llama-cpp: a GPU backend, `auto` (best present, else CPU) or `cpu`. */
export const LLAMA_CPP_EPS = ['cpu', 'auto', 'cuda', 'vulkan', 'metal'] as const;
export type LlamaCppEp = (typeof LLAMA_CPP_EPS)[number];

let commit: string | null | undefined;

/**
 * The llama.cpp commit node-llama-cpp's release was built from: the HEAD of the source bundle it
 * ships (llama/gitRelease.bundle, "# v2 git bundle\n<sha> HEAD"); null when absent.
 */
export function llamaCppCommit(): string | null {
  if (commit !== undefined) return commit;
  commit = null;
  try {
    let dir = dirname(createRequire(import.meta.url).resolve('node-llama-cpp'));
    while (!existsSync(join(dir, 'llama', 'gitRelease.bundle')) && dirname(dir) !== dir) dir = dirname(dir);
    const fd = openSync(join(dir, 'llama', 'gitRelease.bundle'), 'r');
    const head = Buffer.alloc(200);
    try {
      readSync(fd, head, 0, 200, 0);
    } finally {
      closeSync(fd);
    }
    commit = /^([0-9a-f]{40}) HEAD$/m.exec(head.toString('latin1'))?.[1] ?? null;
  } catch {
    commit = null;
  }
  return commit;
}

const recentLogs: string[] = [];

/** llama.cpp's recent warning/error lines (newest last), for error messages. */
export function takeRecentLogs(): string[] {
  return recentLogs.splice(0, recentLogs.length);
}

let flashAttentionLine: string | null = null;

/**
 * How llama.cpp resolved `flash_attn = auto` for the context created last ("… Flash Attention
 * enabled" / "… not supported, set to disabled", an info/warn line of resolve_fused_ops): true,
 * false, or null when it logged nothing (FA not set to auto). Clears it.
 */
export function takeFlashAttentionResolution(): boolean | null {
  const line = flashAttentionLine;
  flashAttentionLine = null;
  if (line === null) return null;
  return !/not supported|disabled/i.test(line);
}

function logger(level: string, message: string): void {
  const line = message.trim();
  if (!line) return;
  if (/Flash Attention (enabled|not supported)/.test(line)) flashAttentionLine = line;
  if (process.env.EDGEBENCH_DEBUG) process.stderr.write(`[llama.cpp ${level}] ${line}\n`);
  if (level === 'error' || level === 'warn' || level === 'fatal') {
    recentLogs.push(line);
    if (recentLogs.length > 30) recentLogs.shift();
  }
}

const instances = new Map<string, Promise<Llama>>();

const llamaLogger = (level: unknown, message: string): void => logger(String(level), message);

async function create(gpu: false | LlamaGpuType | 'auto'): Promise<Llama> {
  const { getLlama, LlamaLogLevel } = await loadNodeLlamaCpp();
  return getLlama({
    gpu: gpu === 'auto' ? 'auto' : gpu,
    build: 'never',
    skipDownload: true,
    usePrebuiltBinaries: true,
    progressLogs: false,
    logLevel: LlamaLogLevel.info, // info: the line saying how flash attention `auto` resolved
    logger: llamaLogger,
    maxThreads: 0, // no cap: the context's thread count is what the suite asked for
  });
}

/** The CPU binary for a `binary` setting: the local build (required, or preferred by `auto`) or the prebuilt one. */
async function loadCpu(binary: LlamaCppBinary): Promise<CpuBinary> {
  if (binary === 'prebuilt') return { kind: 'prebuilt', llama: await create(false) };
  const { LlamaLogLevel } = await loadNodeLlamaCpp();
  const local = await loadLocalBuild(LlamaLogLevel.info, llamaLogger);
  if (local) return { kind: 'local', llama: local };
  if (binary === 'local')
    throw new EdgebenchError(
      'BACKEND_NOT_INSTALLED',
      'runnerSettings.llama-cpp.binary is local but there is no local llama.cpp build',
      LOCAL_BUILD_HINT,
    );
  return { kind: 'prebuilt', llama: await create(false) };
}

function instance(key: string, make: () => Promise<Llama>): Promise<Llama> {
  let p = instances.get(key);
  if (!p) {
    p = make();
    p.catch(() => instances.delete(key));
    instances.set(key, p);
  }
  return p;
}

interface CpuBinary {
  kind: 'prebuilt' | 'local';
  llama: Llama;
}

/**
 * The one CPU binary of this process. The prebuilt and the local build share library names
 * (libggml-base.so, libllama-common.so): loaded second, one would bind to the other's libraries
 * (and lose its log callback), so a process keeps the first it loads; `auto` takes that one.
 */
let cpuSlot: Promise<CpuBinary> | null = null;

async function cpuInstance(binary: LlamaCppBinary): Promise<Llama> {
  if (!cpuSlot) {
    const p = loadCpu(binary);
    cpuSlot = p;
    p.catch(() => {
      if (cpuSlot === p) cpuSlot = null;
    });
  }
  const { kind, llama } = await cpuSlot;
  if (binary !== 'auto' && binary !== kind) {
    const loaded = kind === 'local' ? 'the local llama.cpp build' : "node-llama-cpp's prebuilt llama.cpp binaries";
    throw new EdgebenchError(
      'CONFIG_INVALID',
      `this process already runs ${loaded}; binary: ${binary} cannot be loaded beside it (both use the same library names)`,
      'use one runnerSettings.llama-cpp.binary per run, or run the other setting in a separate edgebench process',
    );
  }
  return llama;
}

export type BackendResult = { ok: true; llama: Llama; backend: string } | { ok: false; reason: string; hint: string };

const GPU_HINT: Record<string, string> = {
  cuda: 'needs an NVIDIA GPU with its driver; the CUDA binaries come with npm (@node-llama-cpp/linux-x64-cuda, win-x64-cuda)',
  vulkan: 'needs a GPU with a Vulkan driver (libvulkan1 + the vendor ICD); the Vulkan binaries come with npm (@node-llama-cpp/*-vulkan)',
  metal: 'Metal is available on macOS on Apple silicon only',
};

/** The llama.cpp binaries for an `--ep`; `auto` falls back to CPU (said in the result), a named GPU never does. */
export async function backendFor(ep: LlamaCppEp, binary: LlamaCppBinary = 'auto'): Promise<BackendResult> {
  try {
    if (ep === 'cpu') return { ok: true, llama: await cpuInstance(binary), backend: 'cpu' };
    if (ep === 'auto') {
      // load node-llama-cpp's GPU-capable prebuilt binaries only where a GPU type is usable, so that on a CPU-only machine only the CPU binary is loaded
      const { getLlamaGpuTypes } = await loadNodeLlamaCpp();
      if ((await getLlamaGpuTypes('supported')).some((g) => g !== false)) {
        const llama = await instance('auto', () => create('auto'));
        if (llama.gpu !== false && llama.supportsGpuOffloading) {
          if (binary === 'local')
            return {
              ok: false,
              reason: `the local llama.cpp build is CPU-only, and --ep auto found ${llama.gpu}`,
              hint: 'use --ep cpu with binary: local, or binary: prebuilt / auto for the GPU',
            };
          return { ok: true, llama, backend: llama.gpu };
        }
      }
      return { ok: true, llama: await cpuInstance(binary), backend: 'cpu' };
    }
    if (binary === 'local')
      return {
        ok: false,
        reason: `the local llama.cpp build is CPU-only; --ep ${ep} needs node-llama-cpp's prebuilt ${ep} binaries`,
        hint: 'use binary: prebuilt or auto with a GPU, or --ep cpu',
      };
    const { getLlamaGpuTypes } = await loadNodeLlamaCpp();
    const supported = await getLlamaGpuTypes('supported');
    if (!supported.includes(ep)) {
      const valid = await getLlamaGpuTypes('allValid');
      const usable = supported.map((g) => g || 'cpu').join(', ');
      const reason = valid.includes(ep)
        ? `no ${ep} driver or device found for llama.cpp on this machine (usable here: ${usable})`
        : `node-llama-cpp ${nodeLlamaCppVersion()} has no ${ep} build for ${process.platform}-${process.arch} (usable here: ${usable})`;
      return { ok: false, reason, hint: GPU_HINT[ep] ?? '' };
    }
    const llama = await instance(ep, () => create(ep));
    if (!llama.supportsGpuOffloading)
      return { ok: false, reason: `llama.cpp's ${ep} backend found no ${ep} device on this machine`, hint: GPU_HINT[ep] ?? '' };
    return { ok: true, llama, backend: ep };
  } catch (e) {
    if (e instanceof EdgebenchError) return { ok: false, reason: e.message, hint: e.hint ?? '' };
    const msg = (e as Error).message.split('\n')[0] ?? String(e);
    return {
      ok: false,
      reason: `llama.cpp (${ep}) could not start: ${msg}`,
      hint: 'edgebench never builds llama.cpp at run time: it uses the prebuilt binaries npm installed (run `npm ci`) or the local build (npm run build:llamacpp-local); see README "llama.cpp"',
    };
  }
}
