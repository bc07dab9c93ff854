/**
 * The transformers-js runner (real @huggingface/transformers v4 on onnxruntime-node, offline):
 * exactly N tokens through the library's own generate + streamer, the same greedy tokens as the
 * ort-node runner on the same folder (fp32 and q4), depth contexts through the returned KV cache,
 * EOS ignored even where the model emits it, versions recorded, bad devices refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { AutoModelForCausalLM, env, Tensor } from '@huggingface/transformers';
import { transformersJsRunner } from '../src/runners/transformers-js/transformers-js-runner.ts';
import { tjsLocation } from '../src/runners/transformers-js/load-options.ts';
import { ortNodeRunner } from '../src/runners/ort-node/ort-node-runner.ts';
import { isEdgebenchError } from '../src/errors.ts';
import { PROMPT, buildTiny, loadOpts, runTokens, sourceOf } from './helpers/runner-tokens.ts';

const N = 12;
let root = '';
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'eb-tjs-runner-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('transformers-js runner', () => {
  it.each([
    { dtype: 'fp32' as const, accuracyLevel: undefined },
    { dtype: 'q4' as const, accuracyLevel: 4 as const },
  ])('$dtype: exactly N tokens, equal to ort-node, with and without a depth context', async ({ dtype, accuracyLevel }) => {
    const dir = await buildTiny(root, `tiny-${dtype}`, { dtype, ...(accuracyLevel !== undefined ? { accuracyLevel } : {}) });
    const source = await sourceOf(dir);
    const ref = await runTokens(ortNodeRunner, source, N);
    const got = await runTokens(transformersJsRunner, source, N);
    expect(got.plain).toHaveLength(N);
    expect(got.deep).toHaveLength(N);
    expect(got.plain).toEqual(ref.plain);
    expect(got.deep).toEqual(ref.deep);
    expect(got.deep).not.toEqual(got.plain); // the context really changes the continuation
    expect(new Set(got.plain).size).toBeGreaterThan(3);
    expect(got.resolved).toMatchObject({ runner: 'transformers-js', executionProvider: 'cpu', dtype, threads: 1, fallback: false });
    expect(got.resolved.versions['@huggingface/transformers']).toMatch(/^4\./);
    expect(got.resolved.versions['onnxruntime-node']).toMatch(/^\d+\.\d+/);
  });

  it('ignores EOS: a model whose EOS appears early still yields N tokens (plain generate stops)', async () => {
    const dir = await buildTiny(root, 'tiny-eos');
    const source = await sourceOf(dir);
    const ref = await runTokens(ortNodeRunner, source, N);
    const eos = ref.plain[1]!;
    for (const f of ['config.json', 'generation_config.json']) {
      const j = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>;
      j.eos_token_id = eos;
      writeFileSync(join(dir, f), JSON.stringify(j));
    }
    // the library's default behaviour stops at EOS after 2 tokens: what the runner must override
    env.allowRemoteModels = false;
    env.localModelPath = `${dirname(dir)}/`;
    const plain = await AutoModelForCausalLM.from_pretrained(basename(dir), { dtype: 'fp32' });
    const out = (await plain.generate({
      input_ids: new Tensor('int64', BigInt64Array.from(PROMPT, BigInt), [1, PROMPT.length]),
      max_new_tokens: N,
      do_sample: false,
    })) as Tensor;
    await plain.dispose();
    expect(out.dims[1]! - PROMPT.length).toBe(2);
    const got = await runTokens(transformersJsRunner, await sourceOf(dir), N);
    expect(got.plain).toEqual(ref.plain);
    expect(got.plain.filter((t) => t === eos).length).toBeGreaterThan(0);
  });

  it('maps folder files to from_pretrained arguments', () => {
    expect(tjsLocation('/m/llama-q4', '/m/llama-q4/onnx/model_q4.onnx')).toEqual({
      localModelPath: '/m/',
      name: 'llama-q4',
      subfolder: 'onnx',
      modelFileName: 'model',
      dtype: 'q4',
    });
    expect(tjsLocation('/m/x', '/m/x/onnx/decoder_model_merged_quantized.onnx')).toMatchObject({
      modelFileName: 'decoder_model_merged',
      dtype: 'q8',
    });
    expect(tjsLocation('/m/x', '/m/x/model.onnx')).toMatchObject({ subfolder: '', dtype: 'fp32' });
    expect(() => tjsLocation('/m/x', '/elsewhere/model.onnx')).toThrow(/cannot address/);
  });

  it('refuses devices it does not have, and folder-less models', async () => {
    const probe = await transformersJsRunner.probe(loadOpts({ ep: 'cuda' }));
    expect(probe).toMatchObject({ ok: false, reason: expect.stringMatching(/'cpu' or 'webgpu'/) });
    const err = await transformersJsRunner
      .load({ id: 'x', dir: null, file: null, dtype: 'q4', arch: null }, loadOpts())
      .catch((e: unknown) => e);
    expect(isEdgebenchError(err) && err.code).toBe('MODEL_NOT_FOUND');
  });
});
