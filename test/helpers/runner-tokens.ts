/** Shared by the runner tests: build a tiny folder, load it with a runner, collect greedy tokens. */
import { join } from 'node:path';
import { buildModelFolder, type BuildOptions } from '../../src/models/build/build-folder.ts';
import { loadModelFolder } from '../../src/models/folder/load-folder.ts';
import type { LoadedModel, LoadOptions, ModelSource, RunnerFactory } from '../../src/runners/types.ts';
import { TINY_ARCHS } from './tiny-archs.ts';

export const PROMPT = [1, 5, 9, 200, 3, 17, 33];
export const CONTEXT = [7, 8, 9, 10, 11];

export async function buildTiny(
  root: string,
  name: string,
  opts: Partial<Pick<BuildOptions, 'dtype' | 'accuracyLevel' | 'seed'>> = {},
): Promise<string> {
  const dir = join(root, name);
  await buildModelFolder({
    arch: TINY_ARCHS.llama,
    dtype: opts.dtype ?? 'fp32',
    style: 'optimum',
    outDir: dir,
    seed: opts.seed ?? 11,
    ...(opts.accuracyLevel !== undefined ? { accuracyLevel: opts.accuracyLevel } : {}),
  });
  return dir;
}

export async function sourceOf(dir: string): Promise<ModelSource> {
  const f = await loadModelFolder(dir);
  return { id: dir, dir: f.dir, file: f.chosen.file, dtype: f.chosen.dtype, arch: f.arch };
}

export function loadOpts(o: Partial<LoadOptions> = {}): LoadOptions {
  return { ep: 'cpu', threads: 1, settings: {}, ...o };
}

/** Greedy tokens of `n` new tokens after PROMPT, on top of `context` (untimed prepare). */
export async function tokensOf(model: LoadedModel, n: number, context: number[] = []): Promise<number[]> {
  const seq = await model.prepare(context);
  const out: number[] = [];
  await seq.generate(PROMPT, n, (id) => out.push(id));
  return out;
}

/** Load, collect tokens with and without a depth context, dispose. */
export async function runTokens(
  runner: RunnerFactory,
  source: ModelSource,
  n: number,
  opts: LoadOptions = loadOpts(),
): Promise<{ plain: number[]; deep: number[]; resolved: LoadedModel['resolved'] }> {
  const m = await runner.load(source, opts);
  try {
    return { plain: await tokensOf(m, n), deep: await tokensOf(m, n, CONTEXT), resolved: m.resolved };
  } finally {
    await m[Symbol.asyncDispose]();
  }
}
