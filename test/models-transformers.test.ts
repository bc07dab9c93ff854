/**
 * transformers.js v4 (the real library, offline) loads generated folders the way it loads
 * onnx-community exports — env.localModelPath + AutoModelForCausalLM.from_pretrained(name, { dtype }) —
 * and its greedy generate() reproduces the reference forward pass token for token: fp32 and q4
 * (optimum style), genai style, and weights in an external `<file>_data` file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoModelForCausalLM, env, Tensor } from '@huggingface/transformers';
import { buildModelFolder, type BuildOptions } from '../src/models/build/build-folder.ts';
import { ReferenceModel } from '../src/models/reference/forward.ts';
import { referenceWeights } from '../src/models/reference/reference-weights.ts';
import type { ModelArch } from '../src/models/arch.ts';
import { TINY_ARCHS } from './helpers/tiny-archs.ts';

const PROMPT = [1, 5, 9, 200, 3, 17, 33];
const NEW_TOKENS = 8;
let root = '';

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'edgebench-tjs-'));
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = root;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Reference greedy tokens, cut after the first EOS (generate() stops there). */
function expectedTokens(arch: ModelArch, seed: number, o: Pick<BuildOptions, 'dtype' | 'accuracyLevel'>): number[] {
  const int8Acts = o.dtype === 'q4' && (o.accuracyLevel ?? 4) === 4;
  const ref = new ReferenceModel(arch, referenceWeights(arch, seed, o.dtype), int8Acts ? { int8ActivationBlock: 32 } : {});
  const tokens = ref.greedy(PROMPT, NEW_TOKENS);
  const eos = ([] as (number | null)[]).concat(arch.eosTokenId);
  const stop = tokens.findIndex((t) => eos.includes(t));
  return stop < 0 ? tokens : tokens.slice(0, stop + 1);
}

async function generateWithTransformersJs(name: string, dtype: 'fp32' | 'q4'): Promise<number[]> {
  const model = await AutoModelForCausalLM.from_pretrained(name, { dtype });
  try {
    const input_ids = new Tensor('int64', BigInt64Array.from(PROMPT.map(BigInt)), [1, PROMPT.length]);
    const out = await model.generate({ input_ids, max_new_tokens: NEW_TOKENS, do_sample: false });
    if (!(out instanceof Tensor)) throw new Error('generate() did not return a Tensor');
    return Array.from(out.data as BigInt64Array, Number).slice(PROMPT.length);
  } finally {
    await model.dispose();
  }
}

interface Case {
  name: string;
  arch: keyof typeof TINY_ARCHS;
  opts: Pick<BuildOptions, 'dtype' | 'style' | 'accuracyLevel' | 'externalData'>;
}

const CASES: Case[] = [
  { name: 'qwen3-optimum-fp32', arch: 'qwen3', opts: { dtype: 'fp32', style: 'optimum' } },
  { name: 'phi3-optimum-fp32', arch: 'phi3', opts: { dtype: 'fp32', style: 'optimum' } },
  { name: 'qwen2-optimum-q4', arch: 'qwen2', opts: { dtype: 'q4', style: 'optimum', accuracyLevel: 4 } },
  { name: 'llama-optimum-q4-acc1', arch: 'llama', opts: { dtype: 'q4', style: 'optimum', accuracyLevel: 1 } },
  { name: 'mistral-genai-fp32', arch: 'mistral', opts: { dtype: 'fp32', style: 'genai' } },
  { name: 'qwen3-genai-q4', arch: 'qwen3', opts: { dtype: 'q4', style: 'genai', accuracyLevel: 4 } },
  { name: 'phi3-external-fp32', arch: 'phi3', opts: { dtype: 'fp32', style: 'optimum', externalData: true } },
  { name: 'qwen2-external-q4', arch: 'qwen2', opts: { dtype: 'q4', style: 'genai', externalData: true } },
];

describe('transformers.js loads generated folders and decodes like the reference', () => {
  it.each(CASES)('$name', async ({ name, arch: archName, opts }) => {
    const arch = TINY_ARCHS[archName];
    const seed = 11;
    const built = await buildModelFolder({ arch, seed, outDir: join(root, name), ...opts });
    if (opts.externalData) {
      expect(built.externalDataFile).toBe(`${built.onnxFile}_data`);
      // the .onnx itself holds only the graph; the weights are in the _data file
      expect(statSync(join(root, name, built.onnxFile)).size).toBeLessThan(statSync(join(root, name, built.externalDataFile ?? '')).size);
    } else {
      expect(built.externalDataFile).toBeNull();
    }
    const expected = expectedTokens(arch, seed, opts);
    expect(await generateWithTransformersJs(name, opts.dtype as 'fp32' | 'q4')).toEqual(expected);
  });

  it('the reference tokens used above are not constant (the comparison can fail)', () => {
    const tokens = expectedTokens(TINY_ARCHS.qwen3, 11, { dtype: 'fp32' });
    expect(new Set(tokens).size).toBeGreaterThan(2);
  });
});
