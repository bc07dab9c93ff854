/**
 * The ort-node runner on real (tiny, generated) models: KV-cache decoding gives the same greedy
 * tokens as recomputing the whole prefix, depth contexts are honoured, a corrupt model becomes an
 * errored cell, and a model too large for free memory is refused before loading.
 */
import { mkdtempSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModelFolder } from '../src/models/build/build-folder.ts';
import { ortNodeRunner } from '../src/runners/ort-node/ort-node-runner.ts';
import { checkMemory } from '../src/measure/run-deps.ts';
import { resolveOnnxModel } from '../src/models/resolve-onnx.ts';
import { runSuite } from '../src/measure/run-suite.ts';
import { parseSuiteText } from '../src/config/suite.ts';
import type { CellResult } from '../src/results/schema.ts';
import { TINY_ARCHS } from './helpers/tiny-archs.ts';

let dir = '';
const noop = () => {};

beforeAll(async () => {
  dir = join(mkdtempSync(join(tmpdir(), 'eb-ort-')), 'tiny-qwen2-q4');
  await buildModelFolder({ arch: TINY_ARCHS.qwen2, dtype: 'q4', style: 'optimum', outDir: dir, accuracyLevel: 0 });
});

async function greedy(contextIds: number[], prompt: number[], n: number, settings = {}): Promise<number[]> {
  const m = await resolveOnnxModel(dir, 'q4', { style: 'optimum', log: noop });
  const loaded = await ortNodeRunner.load(m.source, { ep: 'cpu', threads: 1, settings });
  const out: number[] = [];
  const seq = await loaded.prepare(contextIds);
  await seq.generate(prompt, n, (id) => out.push(id));
  await loaded[Symbol.asyncDispose]();
  return out;
}

describe('ort-node runner', () => {
  it('KV-cache decoding equals full recomputation, with and without a depth context', async () => {
    const prompt = [11, 22, 33, 44, 55];
    const cached = await greedy([], prompt, 8);
    // recompute: each token from the whole prefix in one prefill step
    const recomputed: number[] = [];
    for (let i = 0; i < 8; i++) recomputed.push(...(await greedy([], [...prompt, ...recomputed], 1)));
    expect(cached).toEqual(recomputed);
    expect(new Set(cached).size).toBeGreaterThan(1); // not a degenerate constant model
    // depth: a context prefilled untimed, then the prompt → same as feeding both at once
    const withDepth = await greedy([7, 8, 9], prompt, 4);
    const joined = await greedy([], [7, 8, 9, ...prompt], 4);
    expect(withDepth).toEqual(joined);
    // pre-allocated outputs give identical tokens
    expect(await greedy([], prompt, 8, { preallocateOutputs: true })).toEqual(cached);
  });

  it('a corrupt model becomes an errored cell and the run goes on', async () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'eb-bad-')), 'bad');
    cpSync(dir, bad, { recursive: true });
    writeFileSync(join(bad, 'onnx', 'model_q4.onnx'), Buffer.from('this is not a protobuf at all'));
    const suite = parseSuiteText(
      `name: t\nmodels: ['${bad}', '${dir}']\nshapes: [tg2]\nrepetitions: { warmup: 0, minCount: 1, minTimeS: 0, maxCount: 1, maxTimeS: 5 }\n`,
      't.yaml',
    );
    const cells: CellResult[] = [];
    await runSuite(
      { suite, done: new Set(), appendCell: async (c) => void cells.push(c), onEvent: noop, shouldStop: () => false },
      { environment: {} as never, checkMemory: () => {}, measureBandwidth: async () => null },
    );
    expect(cells.map((c) => c.status)).toEqual(['errored', 'ok']);
    expect(cells[0]!.error!.code).toBe('MODEL_INVALID');
    expect(cells[1]!.requests.filter((r) => r.phase === 'measured')[0]!.tokenTimesMs).toHaveLength(2);
  });

  it('refuses a model too large for free memory before loading, with the numbers', async () => {
    const m = await resolveOnnxModel(dir, 'q4', { style: 'optimum', log: noop });
    expect(() => checkMemory({ ...m, info: { ...m.info, bytes: 8e9 } }, 4e9)).toThrow(
      /needs about 9\.6 GB \(weights 8\.0 GB × 1\.2\) but only 4\.0 GB of memory is free/,
    );
    expect(() => checkMemory(m, 4e9)).not.toThrow();
  });
});
