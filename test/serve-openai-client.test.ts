/**
 * `edgebench serve --openai` driven by the official `openai` npm client (a dev dependency), the way
 * tools meet it: chat, streaming with usage, legacy completions, models, logprobs, cancellation,
 * and the API's error shape (unknown model → 404 NotFoundError with code 'model_not_found').
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { NotFoundError, BadRequestError } from 'openai';
import { buildTinyLlamaFolder } from './helpers/tiny-llama-folder.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServeEngine, type ServeEngine } from '../src/serve/openai/engine.ts';
import { startOpenAiServer, type OpenAiServer } from '../src/serve/openai/server.ts';

let engine: ServeEngine;
let server: OpenAiServer;
let client: OpenAI;
const logs: string[] = [];

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'eb-serve-client-'));
  const dir = await buildTinyLlamaFolder(root);
  engine = await createServeEngine({ model: dir, dtype: 'q4', style: 'optimum', threads: 1, log: () => {} });
  server = await startOpenAiServer({ engine, host: '127.0.0.1', port: 0, log: (m) => logs.push(m) });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused-on-loopback', maxRetries: 0, timeout: 60_000 });
});

afterAll(async () => {
  await server?.close();
});

const hi = [{ role: 'user' as const, content: 'hello there' }];

describe('serve --openai through the official openai client', () => {
  it('lists and retrieves the model; chat and legacy completions answer', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual([engine.id]);
    expect((await client.models.retrieve(engine.id)).id).toBe(engine.id);
    const chat = await client.chat.completions.create({
      model: engine.id,
      messages: hi,
      max_tokens: 5,
      ignore_eos: true,
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(chat.choices[0]!.message.role).toBe('assistant');
    expect(chat.usage).toMatchObject({ completion_tokens: 5 });
    expect(chat.choices[0]!.logprobs).toBeNull();
    const legacy = await client.completions.create({
      model: engine.id,
      prompt: 'once upon',
      max_tokens: 4,
      ignore_eos: true,
    } as OpenAI.CompletionCreateParamsNonStreaming);
    expect(legacy.usage).toMatchObject({ completion_tokens: 4 });
  });

  it('streams with usage only when asked, accepting include_obfuscation', async () => {
    const asked = await client.chat.completions.create({
      model: engine.id,
      messages: hi,
      max_tokens: 4,
      ignore_eos: true,
      stream: true,
      stream_options: { include_usage: true, include_obfuscation: false },
    } as OpenAI.ChatCompletionCreateParamsStreaming);
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const c of asked) chunks.push(c);
    expect(chunks.filter((c) => c.choices[0]?.delta.content !== undefined && !c.choices[0]?.delta.role)).toHaveLength(4);
    expect(chunks.at(-1)!.choices).toEqual([]);
    expect(chunks.at(-1)!.usage!.completion_tokens).toBe(4);
    const plain = await client.chat.completions.create({
      model: engine.id,
      messages: hi,
      max_tokens: 3,
      ignore_eos: true,
      stream: true,
      stream_options: { include_obfuscation: true },
    } as OpenAI.ChatCompletionCreateParamsStreaming);
    const seen: OpenAI.ChatCompletionChunk[] = [];
    for await (const c of plain) seen.push(c);
    expect(seen.every((c) => c.usage === undefined || c.usage === null)).toBe(true);
  });

  it('returns logprobs and top_logprobs that are log-probabilities of the served tokens', async () => {
    const r = await client.chat.completions.create({
      model: engine.id,
      messages: hi,
      max_tokens: 4,
      ignore_eos: true,
      logprobs: true,
      top_logprobs: 3,
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    const content = r.choices[0]!.logprobs!.content!;
    expect(content).toHaveLength(4);
    for (const e of content) {
      expect(e.logprob).toBeLessThanOrEqual(0);
      expect(e.top_logprobs).toHaveLength(3);
      // greedy: the served token is the most likely one, so its logprob is the top one
      expect(e.top_logprobs[0]!.logprob).toBeCloseTo(e.logprob, 6);
      expect(e.top_logprobs[0]!.logprob).toBeGreaterThanOrEqual(e.top_logprobs[1]!.logprob);
      expect(e.top_logprobs.reduce((a, t) => a + Math.exp(t.logprob), 0)).toBeLessThanOrEqual(1 + 1e-6);
    }
    const stream = await client.chat.completions.create({
      model: engine.id,
      messages: hi,
      max_tokens: 3,
      ignore_eos: true,
      logprobs: true,
      stream: true,
    } as OpenAI.ChatCompletionCreateParamsStreaming);
    const lps: number[] = [];
    for await (const c of stream) for (const e of c.choices[0]?.logprobs?.content ?? []) lps.push(e.logprob);
    expect(lps).toHaveLength(3);
    expect(lps.map((x) => x.toFixed(4))).toEqual(content.slice(0, 3).map((e) => e.logprob.toFixed(4))); // same prompt, same greedy tokens
    const legacy = await client.completions.create({
      model: engine.id,
      prompt: 'once upon',
      max_tokens: 3,
      ignore_eos: true,
      logprobs: 2,
    } as OpenAI.CompletionCreateParamsNonStreaming);
    const l = legacy.choices[0]!.logprobs!;
    expect(l.tokens).toHaveLength(3);
    expect(l.token_logprobs).toHaveLength(3);
    expect(Object.keys(l.top_logprobs![0]!).length).toBeLessThanOrEqual(2);
  });

  it('answers an unknown model with the API error shape; bad bodies are BadRequestError with a string-or-null code', async () => {
    const err = await client.chat.completions.create({ model: 'gpt-nothing', messages: hi, max_tokens: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).code).toBe('model_not_found');
    expect((err as NotFoundError).param).toBe('model');
    const bad = await client.chat.completions.create({ model: engine.id, messages: [], max_tokens: 2 }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(BadRequestError);
    expect((bad as BadRequestError).code).toBeNull();
  });

  it('cancels a stream when the client aborts, and keeps serving', async () => {
    const ac = new AbortController();
    const stream = await client.chat.completions.create(
      { model: engine.id, messages: hi, max_tokens: 400, ignore_eos: true, stream: true } as OpenAI.ChatCompletionCreateParamsStreaming,
      { signal: ac.signal },
    );
    let n = 0;
    try {
      for await (const c of stream) {
        if (c.choices[0]?.delta.content !== undefined && ++n === 2) ac.abort();
      }
    } catch {
      // the client may end the iteration or throw an abort error: either is a cancellation
    }
    expect(n).toBe(2);
    const deadline = Date.now() + 20_000;
    while (!logs.some((l) => /\(cancelled\)/.test(l)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(logs.find((l) => /\(cancelled\)/.test(l))).toMatch(/[0-9]+ completion tokens \(cancelled\)/);
    const after = await client.chat.completions.create({
      model: engine.id,
      messages: hi,
      max_tokens: 2,
      ignore_eos: true,
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(after.usage!.completion_tokens).toBe(2);
  });
});
