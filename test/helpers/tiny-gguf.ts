/**
 * A tiny-llama q4_0 GGUF (synthetic weights) built once per test file, and the llama-cpp runner
 * loading it: real llama.cpp, for the runner's tests. Call at the top of a describe (or file).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { buildGguf } from '../../src/models/gguf/build-gguf.ts';
import { getPreset } from '../../src/models/presets.ts';
import { llamaCppRunner } from '../../src/runners/llama-cpp/llama-cpp-runner.ts';
import type { LoadedModel, LoadOptions } from '../../src/runners/types.ts';

export function tinyGguf(prefix: string): {
  load(opts: LoadOptions): Promise<LoadedModel>;
  /** greedy-generates 4 tokens after [1, 2, 3]: the model really runs */
  generates(m: LoadedModel): Promise<void>;
} {
  let dir = '';
  const file = () => join(dir, 'tiny-llama.gguf');
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    await buildGguf({ preset: getPreset('tiny-llama'), dtype: 'q4_0', outFile: file() });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    load: (opts) => llamaCppRunner.load({ id: file(), dir: null, file: file(), dtype: 'q4_0', arch: null }, opts),
    async generates(m) {
      const seq = await m.prepare([]);
      const out: number[] = [];
      await seq.generate([1, 2, 3], 4, (t) => out.push(t));
      expect(out).toHaveLength(4);
    },
  };
}
