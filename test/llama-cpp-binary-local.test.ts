/**
 * The local OpenMP build (`npm run build:llamacpp-local`) is loaded and recorded when it exists, and
 * `auto` prefers it; where there is none (CI) `local` is refused with the command that makes it
 * and `auto` records the prebuilt binaries. Real llama.cpp, in a process of its own (one CPU binary
 * per process).
 */
import { tinyGguf } from './helpers/tiny-gguf.ts';
import { describe, expect, it } from 'vitest';
import { localBuildDir, libuvPoolSize } from '../src/runners/llama-cpp/local-build.ts';
import type { LoadOptions } from '../src/runners/types.ts';

describe('the local build (real llama.cpp)', () => {
  const { load, generates } = tinyGguf('eb-llamacpp-local-');

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
