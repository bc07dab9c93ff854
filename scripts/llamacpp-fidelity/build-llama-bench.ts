/**
 * llama-bench, built once from the llama.cpp source node-llama-cpp ships (llama/gitRelease.bundle,
 * a git bundle of the exact commit its binaries were built from) into a cache outside the repo:
 * ~/.cache/edgebench/llama-bench-<commit>/ (EDGEBENCH_CACHE overrides ~/.cache/edgebench). No network.
 *
 *  - `prebuilt-libs` (default): compiles only llama-bench's two source files and links them to the
 *    llama.cpp libraries node-llama-cpp loaded (@node-llama-cpp/<platform>/bins): the very kernels
 *    and CPU variant the runner uses, so a difference is the driving path, never the build
 *    (~15 s of CPU; Linux).
 *  - `local-libs`: the same, linked to the local OpenMP build of node-llama-cpp's binding
 *    (`npm run build:llamacpp-local`) — for the runner's `binary: local`/`auto` with that build.
 *  - `source`: a plain cmake Release build of the whole tree (GGML_NATIVE, as a llama.cpp user
 *    builds it), ~15+ minutes on 2 cores, progress printed.
 * A build is complete only when its stamp file exists (written last), so a killed build restarts.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { llamaCppCommit } from '../../src/runners/llama-cpp/backend.ts';
import { LOCAL_BUILD_COMMAND, localBuildDir } from '../../src/runners/llama-cpp/local-build.ts';

export const LLAMA_BENCH_BUILD_MODES = ['prebuilt-libs', 'local-libs', 'source'] as const;
export type LlamaBenchBuildMode = (typeof LLAMA_BENCH_BUILD_MODES)[number];

export interface LlamaBenchBuild {
  bin: string;
  mode: LlamaBenchBuildMode;
  commit: string;
  /** how it was built, for the printed settings */
  note: string;
}

const nlcDir = (): string => {
  let dir = dirname(createRequire(import.meta.url).resolve('node-llama-cpp'));
  while (!existsSync(join(dir, 'llama', 'gitRelease.bundle')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
};

/** Run a command, passing each output line to `onLine`; rejects with the last lines on failure. */
function run(cmd: string, args: string[], cwd: string, onLine: (l: string) => void = () => {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('nice', ['-n', '10', cmd, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const take = (b: Buffer) => {
      for (const l of b.toString('utf8').split('\n')) {
        if (!l.trim()) continue;
        tail.push(l);
        if (tail.length > 15) tail.shift();
        onLine(l);
      }
    };
    p.stdout.on('data', take);
    p.stderr.on('data', take);
    p.on('error', reject);
    p.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.slice(0, 3).join(' ')}… exited ${code}:\n${tail.join('\n')}`)),
    );
  });
}

/** Elapsed-time ticker for steps that print nothing while they work. */
function ticker(label: string, log: (m: string) => void): () => void {
  const t0 = Date.now();
  const id = setInterval(() => log(`  … ${label}: ${Math.round((Date.now() - t0) / 1000)} s`), 15000);
  return () => clearInterval(id);
}

async function ensureSource(root: string, commit: string, log: (m: string) => void): Promise<string> {
  const src = join(root, 'src');
  if (existsSync(join(src, '.edgebench-complete'))) return src;
  const tmp = join(root, 'src.tmp');
  rmSync(tmp, { recursive: true, force: true });
  rmSync(src, { recursive: true, force: true });
  log(`unpacking llama.cpp ${commit.slice(0, 10)} from node-llama-cpp's git bundle into ${src}`);
  await run('git', ['clone', '--quiet', '--no-checkout', join(nlcDir(), 'llama', 'gitRelease.bundle'), tmp], root);
  await run('git', ['-c', 'advice.detachedHead=false', 'checkout', '--quiet', commit], tmp);
  writeFileSync(join(tmp, '.edgebench-complete'), `${commit}\n`);
  renameSync(tmp, src);
  return src;
}

/** The folder of the prebuilt llama.cpp libraries node-llama-cpp loads on this platform (CPU build). */
function prebuiltBins(): string {
  const name = `${process.platform}-${process.arch}`;
  // the package exports only its entry point: walk up from it to the folder holding bins/
  let dir = dirname(createRequire(join(nlcDir(), 'package.json')).resolve(`@node-llama-cpp/${name}`));
  while (!existsSync(join(dir, 'bins', name)) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'bins', name);
}

async function buildAgainstLibs(
  root: string,
  src: string,
  mode: 'prebuilt-libs' | 'local-libs',
  log: (m: string) => void,
): Promise<{ bin: string; note: string }> {
  const local = mode === 'local-libs' ? localBuildDir() : null;
  if (mode === 'local-libs' && !local)
    throw new Error(`--build local-libs: there is no local llama.cpp build; make it with \`${LOCAL_BUILD_COMMAND}\``);
  const bins = local ?? prebuiltBins();
  // the local build's folder name changes with its options: one llama-bench per folder
  const out = join(root, local ? `local-libs-${basename(dirname(local))}` : 'prebuilt-libs');
  const bin = join(out, 'llama-bench');
  const stamp = join(out, '.edgebench-complete');
  const note = local
    ? `llama-bench.cpp of the bundle, linked to the local OpenMP build's libraries (${local})`
    : `llama-bench.cpp of the bundle, linked to node-llama-cpp's prebuilt libraries (${bins})`;
  if (existsSync(stamp)) return { bin, note };
  if (process.platform !== 'linux')
    throw new Error(`--build ${mode} links to .so files (Linux only); use --build source on ${process.platform}`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const libs = readdirSync(bins).filter((f) => f.endsWith('.so') || f.endsWith('.node'));
  for (const f of libs) symlinkSync(join(bins, f), join(out, f)); // beside the binary: ggml loads its CPU variants from there
  const lib = (re: RegExp) => {
    const f = libs.find((x) => re.test(x));
    if (!f) throw new Error(`no ${re} in ${bins}`);
    return `-l:${f}`;
  };
  log(
    `compiling llama-bench against ${local ? 'the local build' : "node-llama-cpp's prebuilt"} llama.cpp libraries into ${out} (about 15 s of CPU; minutes on a busy machine)`,
  );
  const stop = ticker('compiling llama-bench', log);
  try {
    await run(
      'g++',
      [
        '-std=c++17',
        '-O2',
        '-DNDEBUG',
        '-I',
        join(src, 'include'),
        '-I',
        join(src, 'ggml', 'include'),
        '-I',
        join(src, 'common'),
        '-I',
        join(src, 'vendor'),
        join(src, 'tools', 'llama-bench', 'llama-bench.cpp'),
        join(src, 'tools', 'llama-bench', 'main.cpp'),
        '-o',
        `${bin}.tmp`,
        '-L',
        out,
        lib(/^libllama-common\.so$/),
        lib(/^libllama(\.v.*)?\.so$/),
        lib(/^libggml(\.v.*)?\.so$/),
        lib(/^libggml-base\.so$/),
        '-pthread',
        '-Wl,-rpath,$ORIGIN',
      ],
      out,
    );
  } finally {
    stop();
  }
  renameSync(`${bin}.tmp`, bin);
  writeFileSync(stamp, 'ok\n');
  return { bin, note };
}

async function buildFromSource(root: string, src: string, log: (m: string) => void): Promise<{ bin: string; note: string }> {
  const build = join(root, 'build');
  const bin = join(build, 'bin', 'llama-bench');
  const stamp = join(build, '.edgebench-complete');
  const note = 'llama-bench built from the bundle with cmake (Release; cmake defaults GGML_NATIVE and OpenMP; no curl/openssl)';
  if (existsSync(stamp)) return { bin, note };
  const jobs = String(Math.max(1, availableParallelism()));
  log(`configuring llama.cpp in ${build} (cmake)`);
  const gen = existsSync('/usr/bin/ninja') || existsSync('/usr/local/bin/ninja') ? ['-G', 'Ninja'] : [];
  await run(
    'cmake',
    [
      '-S',
      src,
      '-B',
      build,
      ...gen,
      '-DCMAKE_BUILD_TYPE=Release',
      '-DBUILD_SHARED_LIBS=OFF',
      '-DLLAMA_BUILD_TESTS=OFF',
      '-DLLAMA_BUILD_EXAMPLES=OFF',
      '-DLLAMA_BUILD_SERVER=OFF',
      '-DLLAMA_BUILD_APP=OFF',
      '-DLLAMA_OPENSSL=OFF',
      '-DLLAMA_BUILD_UI=OFF',
    ],
    root,
  );
  log(`building llama-bench with ${jobs} jobs (~15+ minutes on 2 cores; progress below)`);
  let shown = -1;
  await run('cmake', ['--build', build, '--target', 'llama-bench', '-j', jobs], root, (l) => {
    const m = /^\[\s*(\d+)\/(\d+)\]|^\[\s*(\d+)%\]/.exec(l);
    if (!m) return;
    const pct = m[3] !== undefined ? Number(m[3]) : Math.floor((100 * Number(m[1])) / Number(m[2]));
    if (pct >= shown + 5) {
      shown = pct;
      log(`  ${pct} % (${l.replace(/^\[[^\]]*\]\s*/, '').slice(0, 90)})`);
    }
  });
  writeFileSync(stamp, 'ok\n');
  return { bin, note };
}

export async function ensureLlamaBench(mode: LlamaBenchBuildMode, log: (m: string) => void): Promise<LlamaBenchBuild> {
  const commit = llamaCppCommit();
  if (!commit) throw new Error("node-llama-cpp's llama/gitRelease.bundle is missing: reinstall node-llama-cpp (npm ci)");
  const root = join(process.env.EDGEBENCH_CACHE ?? join(homedir(), '.cache', 'edgebench'), `llama-bench-${commit.slice(0, 12)}`);
  mkdirSync(root, { recursive: true });
  const src = await ensureSource(root, commit, log);
  const { bin, note } = mode === 'source' ? await buildFromSource(root, src, log) : await buildAgainstLibs(root, src, mode, log);
  return { bin, mode, commit, note };
}
