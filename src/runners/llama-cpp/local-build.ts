/**
 * The optional local build of node-llama-cpp's native binding: the llama.cpp source node-llama-cpp
 * ships (llama/gitRelease.bundle) compiled on this machine the way node-llama-cpp builds for a
 * user (not its CI): GGML_NATIVE and GGML_OPENMP on. Why: the prebuilt binaries are CI builds with
 * OpenMP off, and node-llama-cpp attaches no ggml threadpool, so every llama_decode starts and
 * joins n − 1 threads; with OpenMP, ggml runs its graph in libgomp's persistent thread team instead
 * (README "llama.cpp as llama-bench measures it").
 *
 * The build goes where node-llama-cpp keeps local builds (node_modules/node-llama-cpp/llama/
 * localBuilds/, wiped by `npm ci`). Its folder name hashes the cmake options below, so it is found
 * only by asking with the same options: a plain getLlama() elsewhere never picks it up.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Llama, LlamaLogLevel } from 'node-llama-cpp';
import { EdgebenchError } from '../../errors.ts';
import { llamaCppCommit, loadNodeLlamaCpp } from './backend.ts';

/** The cmake options of edgebench's local build (also its identity: node-llama-cpp's folder name hashes them). */
export const LOCAL_BUILD_CMAKE_OPTIONS: Readonly<Record<string, string>> = { GGML_NATIVE: 'ON', GGML_OPENMP: 'ON' };

export const LOCAL_BUILD_COMMAND = 'npm run build:llamacpp-local';
export const LOCAL_BUILD_HINT = `build it once with \`${LOCAL_BUILD_COMMAND}\` (cmake, a C++ compiler and git; ~20 min on 2 cores; \`npm ci\` removes it), or set runnerSettings: { llama-cpp: { binary: prebuilt } }`;

type Logger = (level: LlamaLogLevel, message: string) => void;

/** Loads the local build; null when there is none (node-llama-cpp's NoBinaryFoundError). Never builds. */
export async function loadLocalBuild(logLevel: LlamaLogLevel | undefined, logger: Logger): Promise<Llama | null> {
  const { getLlama, NoBinaryFoundError } = await loadNodeLlamaCpp();
  try {
    return await getLlama({
      gpu: false,
      build: 'never',
      skipDownload: true,
      usePrebuiltBinaries: false,
      cmakeOptions: { ...LOCAL_BUILD_CMAKE_OPTIONS },
      progressLogs: false,
      ...(logLevel !== undefined && { logLevel }),
      logger,
      maxThreads: 0,
    });
  } catch (e) {
    if (e instanceof NoBinaryFoundError) return null;
    throw e;
  }
}

/**
 * The folder holding the local build's binding and libraries (localBuilds/<name>/Release), found by
 * its build metadata (CPU, these cmake options, finished); null when there is none. For tools that
 * link to the same libraries (the fidelity bench's llama-bench).
 */
export function localBuildDir(): string | null {
  let dir = dirname(createRequire(import.meta.url).resolve('node-llama-cpp'));
  while (!existsSync(join(dir, 'llama')) && dirname(dir) !== dir) dir = dirname(dir);
  const root = join(dir, 'llama', 'localBuilds');
  if (!existsSync(root)) return null;
  const want = JSON.stringify(Object.entries(LOCAL_BUILD_CMAKE_OPTIONS).sort());
  for (const name of readdirSync(root)) {
    const release = join(root, name, 'Release');
    if (!existsSync(join(root, name, 'buildDone.status')) || !existsSync(join(release, '_nlcBuildMetadata.json'))) continue;
    try {
      const meta = JSON.parse(readFileSync(join(release, '_nlcBuildMetadata.json'), 'utf8')) as {
        buildOptions?: { gpu?: unknown; customCmakeOptions?: Record<string, string> };
      };
      const opts = meta.buildOptions?.customCmakeOptions ?? {};
      if (meta.buildOptions?.gpu === false && JSON.stringify(Object.entries(opts).sort()) === want) return release;
    } catch {
      // not one of ours (or half-written): skip it
    }
  }
  return null;
}

/** What a loaded binary is, for resolved.settings: which build, and whether ggml keeps its threads. */
export function describeBinary(llama: Llama): { binary: string; openmp: boolean } {
  const openmp = /\bOPENMP\s*=\s*1\b/.test(llama.systemInfo);
  const options = Object.entries(llama.cmakeOptions)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const binary =
    llama.buildType === 'localBuild'
      ? `local build (${options || 'default cmake options'}), ${openmp ? 'OpenMP' : 'no OpenMP'}`
      : `prebuilt (node-llama-cpp CI build, ${openmp ? 'OpenMP' : 'no OpenMP'}${llama.gpu ? `, ${llama.gpu}` : ''})`;
  return { binary, openmp };
}

/** What ggml does with its worker threads for this binary at `threads` threads (resolved.settings.ggmlThreadpool). */
/**
 * libuv's pool size as this process started with it (it cannot change once the pool exists).
 * node-llama-cpp runs each llama_decode on any free pool thread, and OpenMP keeps one thread team
 * per calling thread: with 4 pool threads, up to 4 teams, and the idle ones spin (GOMP_SPINCOUNT)
 * on the cores the active one needs. One pool thread = one team, always hot.
 */
export function libuvPoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env['UV_THREADPOOL_SIZE']);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, 1024) : 4;
}

export function ggmlThreadsNote(openmp: boolean, threads: number, poolSize = libuvPoolSize()): string {
  if (threads <= 1) return 'none needed (1 thread)';
  if (openmp && poolSize > 1)
    return `OpenMP, but libuv has ${poolSize} pool threads: each llama_decode may run on another one, each with its own team of ${threads}, and idle teams spin on the cores the active one needs — UV_THREADPOOL_SIZE=1 fixes it (README "llama.cpp as llama-bench measures it")`;
  if (openmp)
    return `OpenMP: libgomp's persistent team of ${threads} threads on the one libuv pool thread (UV_THREADPOOL_SIZE=1), reused by every llama_decode (no threadpool attached; none started per decode)`;
  return `none attached: ggml starts and joins ${threads - 1} worker thread(s) in every llama_decode`;
}

/**
 * What makes decode slower than llama-bench in this process, and the fix (RUNNER_SETUP in the run's
 * warnings); null when nothing does. Measured on a 2-core VM (README "llama.cpp as llama-bench
 * measures it"): tg128 at 0.62–0.77× of llama-bench in both cases, 0.93–0.97× with both fixes.
 */
export function threadsSetup(
  openmp: boolean,
  threads: number,
  poolSize = libuvPoolSize(),
): { setupWarning: string; setupFix: string } | null {
  if (threads <= 1) return null;
  if (!openmp)
    return {
      setupWarning: `node-llama-cpp's prebuilt binaries start and join ${threads - 1} thread(s) in every llama_decode: decode is slower than llama.cpp can be`,
      setupFix: `build llama.cpp once with \`${LOCAL_BUILD_COMMAND}\` (edgebench then runs it with one libuv pool thread), or measure with --threads 1`,
    };
  if (poolSize > 1)
    return {
      setupWarning: `the OpenMP build with ${poolSize} libuv pool threads: decodes hop between pool threads, each with its own OpenMP team, and the idle teams spin on the cores the active one needs`,
      setupFix:
        process.env['UV_THREADPOOL_SIZE'] !== undefined
          ? `UV_THREADPOOL_SIZE=${process.env['UV_THREADPOOL_SIZE']} was set: unset it (the edgebench command then restarts itself with 1) or set it to 1`
          : 'run through the edgebench command (it restarts itself with UV_THREADPOOL_SIZE=1), or start this program with UV_THREADPOOL_SIZE=1',
    };
  return null;
}

/**
 * The start environment the llama-cpp runner asks for (RunnerFactory.startEnv): one libuv pool
 * thread when the local OpenMP build will run on the CPU with > 1 thread. `threads` null = the
 * runtime's default (all cores). GPU binaries and the prebuilt CPU one need nothing.
 */
export function startEnvFor(
  o: { ep: string; threads: number | null; binary: 'auto' | 'local' | 'prebuilt' },
  hasLocalBuild: boolean,
  cores: number,
): { env: Record<string, string>; why: string } | null {
  if (o.ep !== 'cpu' && o.ep !== 'auto') return null;
  if (o.binary === 'prebuilt' || !hasLocalBuild) return null;
  if ((o.threads ?? cores) <= 1) return null;
  return {
    env: { UV_THREADPOOL_SIZE: '1' },
    why: 'llama.cpp\'s OpenMP build keeps one thread team per calling thread, and node-llama-cpp calls it from any libuv pool thread: one pool thread keeps one team, always hot (README "llama.cpp as llama-bench measures it")',
  };
}

/** The tools a build needs that are missing from PATH (cmake, a C/C++ compiler, git, make or ninja). */
export function missingBuildTools(): string[] {
  const has = (cmd: string) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
  const missing: string[] = [];
  if (!has('cmake')) missing.push('cmake');
  if (!has('c++') && !has('g++') && !has('clang++')) missing.push('a C++ compiler (g++ or clang++)');
  if (!has('git')) missing.push('git');
  if (!has('make') && !has('ninja')) missing.push('make or ninja');
  return missing;
}

/**
 * Builds (or, when present, just loads) the local binding. Offline: node-llama-cpp clones its
 * bundled git bundle, and cmake-js takes the Node-API headers from the node-api-headers package.
 */
export async function buildLocal(log: (m: string) => void): Promise<{ llama: Llama; built: boolean; seconds: number }> {
  if (!llamaCppCommit()) {
    throw new EdgebenchError(
      'BACKEND_NOT_INSTALLED',
      "node-llama-cpp's llama/gitRelease.bundle (its llama.cpp source) is missing",
      'reinstall it: npm ci',
    );
  }
  const t0 = Date.now();
  const found = await loadLocalBuild(undefined, () => {});
  if (found) return { llama: found, built: false, seconds: 0 };
  const missing = missingBuildTools();
  if (missing.length > 0) {
    throw new EdgebenchError(
      'BACKEND_NOT_INSTALLED',
      `building llama.cpp needs ${missing.join(', ')}, not found on PATH`,
      'install them (Debian/Ubuntu: apt-get install cmake g++ git make), then run the build again',
    );
  }
  log(
    `building llama.cpp ${llamaCppCommit()!.slice(0, 10)} from node-llama-cpp's bundled source with ${Object.entries(
      LOCAL_BUILD_CMAKE_OPTIONS,
    )
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')} (~20 min on 2 cores; cmake's progress follows)`,
  );
  const { getLlama } = await loadNodeLlamaCpp();
  try {
    const llama = await getLlama({
      gpu: false,
      build: 'auto', // with prebuilt binaries off: load the local build, else compile it
      usePrebuiltBinaries: false,
      cmakeOptions: { ...LOCAL_BUILD_CMAKE_OPTIONS },
      progressLogs: 'stderr',
      maxThreads: 0,
    });
    return { llama, built: true, seconds: (Date.now() - t0) / 1000 };
  } catch (e) {
    const first = (e as Error).message.split('\n')[0] ?? String(e);
    throw new EdgebenchError(
      'BACKEND_NOT_INSTALLED',
      `the llama.cpp build failed: ${first}`,
      'read the compiler output above; a killed build restarts from scratch when run again',
      { cause: e },
    );
  }
}
