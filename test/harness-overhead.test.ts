/**
 * The bare paths bench:overhead compares runners with, on real stacks: the ort-web worker's bare
 * loop (real onnxruntime-web wasm) decodes the same greedy tokens as the runner's path on the same
 * worker, and the minimal SSE client reads `serve --openai` (real server on loopback) token by token.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTinyLlamaFolder } from './helpers/tiny-llama-folder.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WasmHost } from '../src/runners/ort-web/wasm-host.ts';
import { hostModel } from '../src/runners/ort-web/ort-web-runner.ts';
import { createServeEngine } from '../src/serve/openai/engine.ts';
import { startOpenAiServer } from '../src/serve/openai/server.ts';
import { requestBody } from '../src/runners/openai-http/request-body.ts';
import { parseSettings } from '../src/runners/openai-http/settings.ts';
import { bareCompletionStream } from '../scripts/overhead/bare-sse.ts';
import { PROMPT, buildTiny, sourceOf, tokensOf } from './helpers/runner-tokens.ts';

let root = '';
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'eb-overhead-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const increasing = (xs: number[]) => xs.every((x, i) => i === 0 || x >= xs[i - 1]!);

describe('bench:overhead bare paths', () => {
  it('ort-web: the in-worker bare loop makes the runner path’s tokens, one time each', async () => {
    const source = await sourceOf(await buildTiny(root, 'tiny-fp32'));
    const arch = source.arch!;
    const { host, info } = await WasmHost.start({
      file: source.file!,
      externalData: [],
      threads: 1,
      numKvHeads: arch.numKvHeads,
      headDim: arch.headDim,
      graphOptimizationLevel: 'all',
    });
    const model = hostModel(host, {
      runner: 'ort-web',
      executionProvider: 'wasm',
      dtype: 'fp32',
      threads: info.numThreads,
      settings: {},
      fallback: false,
      versions: {},
    });
    try {
      const viaRunner = await tokensOf(model, 8);
      const bare = await host.request({ type: 'bare-decode', inputIds: PROMPT, steps: 8 });
      expect(bare.type).toBe('bare-times');
      if (bare.type !== 'bare-times') return;
      expect(bare.ids).toEqual(viaRunner);
      expect(bare.timesMs).toHaveLength(8);
      expect(increasing(bare.timesMs)).toBe(true);
      expect(bare.timesMs[0]!).toBeGreaterThan(0);
    } finally {
      await model[Symbol.asyncDispose]();
    }
  });

  it('openai-http: the minimal SSE client times every streamed token of serve --openai', async () => {
    const dir = await buildTinyLlamaFolder(root);
    const engine = await createServeEngine({ model: dir, dtype: 'q4', style: 'optimum', threads: 1, log: () => {} });
    const server = await startOpenAiServer({ engine, host: '127.0.0.1', port: 0, log: () => {} });
    try {
      const s = parseSettings({ endpoint: `${server.url}/v1`, api: 'completions' });
      const times = await bareCompletionStream(
        `${server.url}/v1/completions`,
        requestBody({ settings: s, model: engine.id, text: 'the of and', maxTokens: 12 }),
      );
      expect(times).toHaveLength(12);
      expect(increasing(times)).toBe(true);
      await expect(
        bareCompletionStream(`${server.url}/v1/completions`, { model: 'no-such-model', prompt: 'x', stream: true }),
      ).rejects.toThrow(/HTTP 404/);
    } finally {
      await server.close();
    }
  });
});
