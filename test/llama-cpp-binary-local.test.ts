/**
 * The local OpenMP build (`npm run build:llamacpp-local`) is loaded and recorded when it exists, and
 * `auto` prefers it; where there is none (CI) `local` is refused with the command that makes it
 * and `auto` records the prebuilt binaries. Real llama.cpp, in a process of its own (one CPU binary
 * per process).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGguf } from '../src/models/gguf/build-gguf.ts';
import { getPreset } from '../src/models/presets.ts';
import { llamaCppRunner } from '../src/runners/llama-cpp/llama-cpp-runner.ts';
import { localBuildDir, libuvPoolSize } from '../src/runners/llama-cpp/local-build.ts';
import type { LoadOptions } from '../src/runners/types.ts';

describe('the local build (real llama.cpp)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'eb-llamacpp-local-'));
    await buildGguf({ preset: getPreset('tiny-llama'), dtype: 'q4_0', outFile: join(dir, 'tiny-llama.gguf') });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const load = (opts: LoadOptions) => {
    const file = join(dir, 'tiny-llama.gguf');
    return llamaCppRunner.load({ id: file, dir: null, file, dtype: 'q4_0', arch: null }, opts);
  };
  const generates = async (m: Awaited<ReturnType<typeof load>>) => {
    const seq = await m.prepare([]);
    const out: number[] = [];
    await seq.generate([1, 2, 3], 4, (t) => out.push(t));
    expect(out).toHaveLength(4);
  };

  it('local: the local OpenMP build when there is one, else refused with the command that makes it', async () => {
    const opts: LoadOptions = { ep: 'cpu', threads: 2, settings: { binary: 'local' } };
    if (localBuildDir() === null) {
      await expect(load(opts)).rejects.toMatchObject({
        code: 'DEVICE_UNAVAILABLE',
        hint: expect.stringMatching(/npm run build:llamacpp-local/),
      });
      return;
    }
    const m = await load(opts);
    try {
      const s = m.resolved.settings;
      expect(s.buildType).toBe('localBuild');
      expect(s.binary).toMatch(/^local build \(.*GGML_OPENMP=ON.*\), OpenMP$/);
      expect(s.openmp).toBe(true);
      // with libuv's default pool (4) the note says that several teams compete, with the fix
      expect(s.ggmlThreadpool).toMatch(
        libuvPoolSize() > 1
          ? /^OpenMP, but libuv has \d+ pool threads.*UV_THREADPOOL_SIZE=1/
          : /^OpenMP: libgomp's persistent team of 2 threads/,
      );
      await generates(m);
    } finally {
      await m[Symbol.asyncDispose]();
    }
  });

  it('auto: the local build if present, else the prebuilt one, and says which', async () => {
    const m = await load({ ep: 'cpu', threads: 1, settings: {} });
    try {
      const s = m.resolved.settings;
      expect(s.binarySetting).toBe('auto');
      expect(s.buildType).toBe(localBuildDir() === null ? 'prebuilt' : 'localBuild');
      expect(s.ggmlThreadpool).toBe('none needed (1 thread)');
      await generates(m);
    } finally {
      await m[Symbol.asyncDispose]();
    }
  });
});
