/**
 * `serve --openai --runner llama-cpp --parallel N`: N requests generate at once as sequences of one
 * llama.cpp context (no queue wait for the first N; the next one queues), each answer the same as
 * when served alone; the ort-node runner refuses --parallel > 1 (one request at a time), and a
 * runner that shows no logits answers a logprobs request with a 400 that says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServeEngine, type ServeEngine } from '../src/serve/openai/engine.ts';
import { startOpenAiServer, type OpenAiServer } from '../src/serve/openai/server.ts';

let engine: ServeEngine;
let server: OpenAiServer;

beforeAll(async () => {
  engine = await createServeEngine({
    model: 'tiny-llama',
    dtype: 'q4',
    style: 'optimum',
    threads: 1,
    log: () => {},
    runner: 'llama-cpp',
    parallel: 4,
  });
  server = await startOpenAiServer({ engine, host: '127.0.0.1', port: 0, log: () => {} });
});
afterAll(async () => {
  await server?.close();
});

async function complete(prompt: number[], n: number): Promise<{ queueMs: number; text: string; tokens: number }> {
  const res = await fetch(`${server.url}/v1/completions`, {
    method: 'POST',
    body: JSON.stringify({
      model: engine.id,
      prompt,
      max_tokens: n,
      ignore_eos: true,
      stream: true,
      stream_options: { include_usage: true },
    }),
  });
  expect(res.status).toBe(200);
  const events = (await res.text())
    .split('\n\n')
    .filter(Boolean)
    .map((e) => e.replace(/^data: /, ''));
  const chunks = events
    .filter((e) => e !== '[DONE]')
    .map((e) => JSON.parse(e) as { choices: { text: string; finish_reason: string | null }[]; usage?: { completion_tokens: number } });
  return {
    queueMs: Number(res.headers.get('x-edgebench-queue-ms')),
    text: chunks.map((c) => c.choices[0]?.text ?? '').join(''),
    tokens: chunks.at(-1)!.usage!.completion_tokens,
  };
}

describe('serve --openai --parallel (llama-cpp sequences)', () => {
  it('serves 4 requests at once with the answers they get alone; a 5th queues', async () => {
    expect(engine).toMatchObject({ runner: 'llama-cpp', parallel: 4, logprobs: false });
    const prompts = [
      [5, 17, 99, 3],
      [200, 42, 7, 8, 9],
      [11, 12, 13],
      [300, 301, 302],
    ];
    const alone: string[] = [];
    for (const p of prompts) alone.push((await complete(p, 24)).text);
    const together = await Promise.all(prompts.map((p) => complete(p, 24)));
    expect(together.map((t) => t.text)).toEqual(alone);
    expect(together.every((t) => t.tokens === 24)).toBe(true);
    expect(together.every((t) => t.queueMs < 5)).toBe(true); // four slots: nobody waited for a slot
    const five = await Promise.all([...prompts, prompts[0]!].map((p) => complete(p, 48)));
    expect(Math.max(...five.map((t) => t.queueMs))).toBeGreaterThan(1); // the fifth waited for a free sequence
    expect(five[4]!.text.startsWith(alone[0]!)).toBe(true);
    const models = (await (await fetch(`${server.url}/v1/models`)).json()) as {
      data: { edgebench: { runner: string; parallel: number } }[];
    };
    expect(models.data[0]!.edgebench).toMatchObject({ runner: 'llama-cpp', parallel: 4 });
  });

  it('says when logprobs are not available; ort-node refuses --parallel > 1', async () => {
    const res = await fetch(`${server.url}/v1/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: engine.id, prompt: [1, 2], max_tokens: 2, logprobs: 1 }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string; param: string } }).error).toMatchObject({
      param: 'logprobs',
      message: expect.stringMatching(/not available with the llama-cpp runner/),
    });
    const e = await createServeEngine({ model: 'tiny-llama', dtype: 'q4', style: 'optimum', threads: 1, log: () => {}, parallel: 2 }).catch(
      (x: unknown) => x,
    );
    expect((e as Error).message).toMatch(/--parallel 2: the ort-node runner serves one request at a time/);
  });
});
