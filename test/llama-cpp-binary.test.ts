/**
 * The llama-cpp runner's `binary` setting (prebuilt | local | auto): validated before any work, and
 * the binary that really ran is recorded in resolved.settings (which build, OpenMP or not, what ggml
 * does with its threads). Real llama.cpp, node-llama-cpp's prebuilt CPU binaries (one CPU binary
 * per process: the local build is tested in llama-cpp-binary-local.test.ts).
 */
import { tinyGguf } from './helpers/tiny-gguf.ts';
import { describe, expect, it } from 'vitest';
import { EdgebenchError } from '../src/errors.ts';
import { ggmlThreadsNote, libuvPoolSize, threadsSetup } from '../src/runners/llama-cpp/local-build.ts';
import { runnerSetupWarnings } from '../src/analyze/runner-warnings.ts';
import { parseLlamaCppSettings } from '../src/runners/llama-cpp/settings.ts';

describe('binary setting', () => {
  it('defaults to auto and takes prebuilt | local', () => {
    expect(parseLlamaCppSettings({}).binary).toBe('auto');
    expect(parseLlamaCppSettings({ binary: 'prebuilt' }).binary).toBe('prebuilt');
    expect(parseLlamaCppSettings({ binary: 'local' }).binary).toBe('local');
  });

  it('refuses any other value with CONFIG_INVALID naming the key', () => {
    for (const bad of ['openmp', 'PREBUILT', 1, true]) {
      let err: unknown;
      try {
        parseLlamaCppSettings({ binary: bad });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(EdgebenchError);
      expect((err as EdgebenchError).code).toBe('CONFIG_INVALID');
      expect((err as EdgebenchError).message).toMatch(/binary/);
    }
  });

  it('says what ggml does with its threads for each kind of binary', () => {
    expect(ggmlThreadsNote(false, 1)).toBe('none needed (1 thread)');
    expect(ggmlThreadsNote(true, 1)).toBe('none needed (1 thread)');
    expect(ggmlThreadsNote(false, 2)).toBe('none attached: ggml starts and joins 1 worker thread(s) in every llama_decode');
    expect(ggmlThreadsNote(true, 4, 1)).toMatch(/^OpenMP: libgomp's persistent team of 4 threads/);
    // several libuv pool threads: several OpenMP teams, the idle ones spinning — said, with the fix
    expect(ggmlThreadsNote(true, 2, 4)).toMatch(/libuv has 4 pool threads.*UV_THREADPOOL_SIZE=1/);
    expect(libuvPoolSize({})).toBe(4);
    expect(libuvPoolSize({ UV_THREADPOOL_SIZE: '1' })).toBe(1);
    expect(libuvPoolSize({ UV_THREADPOOL_SIZE: 'x' })).toBe(4);
  });

  it('says what makes decode slower than llama.cpp can be, with the fix (RUNNER_SETUP in the run)', () => {
    expect(threadsSetup(false, 1, 4)).toBeNull();
    expect(threadsSetup(true, 2, 1)).toBeNull();
    expect(threadsSetup(false, 2, 1)).toMatchObject({
      setupWarning: expect.stringMatching(/prebuilt binaries start and join 1 thread\(s\) in every llama_decode/),
      setupFix: expect.stringMatching(/npm run build:llamacpp-local.*one libuv pool thread.*--threads 1/),
    });
    expect(threadsSetup(true, 2, 4)).toMatchObject({
      setupWarning: expect.stringMatching(/4 libuv pool threads/),
      setupFix: expect.stringMatching(/UV_THREADPOOL_SIZE=1/),
    });
    const cell = (settings: Record<string, string>, status: 'ok' | 'errored' = 'ok') => ({
      index: 3,
      status,
      key: { runner: 'llama-cpp', shape: { name: 'tg128' } },
      resolved: { settings },
    });
    const w = runnerSetupWarnings(cell({ setupWarning: 'slow because X', setupFix: 'do Y' }) as never);
    expect(w).toEqual([{ code: 'RUNNER_SETUP', severity: 'warn', message: '#3 tg128 (llama-cpp): slow because X', fix: 'do Y' }]);
    expect(runnerSetupWarnings(cell({ setupWarning: 'slow' }, 'errored') as never)).toEqual([]);
    expect(runnerSetupWarnings(cell({}) as never)).toEqual([]);
  });
});

describe('the binary that ran is recorded (real llama.cpp)', () => {
  const { load, generates } = tinyGguf('eb-llamacpp-binary-');

  it("prebuilt: node-llama-cpp's CI build, no OpenMP, threads started per decode at 2 threads", async () => {
    const m = await load({ ep: 'cpu', threads: 2, settings: { binary: 'prebuilt' } });
    try {
      const s = m.resolved.settings;
      expect(s.binarySetting).toBe('prebuilt');
      expect(s.buildType).toBe('prebuilt');
      expect(s.binary).toBe('prebuilt (node-llama-cpp CI build, no OpenMP)');
      expect(s.openmp).toBe(false);
      expect(s.ggmlThreadpool).toBe('none attached: ggml starts and joins 1 worker thread(s) in every llama_decode');
      expect(s.setupWarning).toMatch(/prebuilt binaries start and join 1 thread/);
      await generates(m);
    } finally {
      await m[Symbol.asyncDispose]();
    }
  });

  it('keeps one CPU binary per process: after the prebuilt one, binary local is refused', async () => {
    await expect(load({ ep: 'cpu', threads: 1, settings: { binary: 'local' } })).rejects.toMatchObject({
      code: 'DEVICE_UNAVAILABLE',
      message: expect.stringMatching(/already runs node-llama-cpp's prebuilt/),
    });
    const auto = await load({ ep: 'cpu', threads: 1, settings: {} }); // auto takes the binary already loaded
    try {
      expect(auto.resolved.settings.buildType).toBe('prebuilt');
    } finally {
      await auto[Symbol.asyncDispose]();
    }
  });

  it('refuses binary local with a GPU device before loading anything', async () => {
    await expect(load({ ep: 'cuda', threads: 1, settings: { binary: 'local' } })).rejects.toMatchObject({
      code: 'DEVICE_UNAVAILABLE',
      message: expect.stringMatching(/CPU-only/),
    });
  });
});
