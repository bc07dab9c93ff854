/**
 * `edgebench serve --openai` on a real tiny model (ort-node, transformers.js tokenizer with a chat
 * template), on loopback: the openai-http runner measures it end to end through `edgebench run`,
 * answers equal the ort-node runner's greedy tokens, SSE framing and usage, EOS / ignore_eos /
 * min_tokens, bad bodies → 400 saying what is wrong, queueing, a client that hangs up, and a clean
 * SIGINT shutdown of the real command.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openReportRuns } from '../src/report/report-run.ts';
import { buildTinyLlamaFolder } from './helpers/tiny-llama-folder.ts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveOnnxModel } from '../src/models/resolve-onnx.ts';
import { seededTokenIds } from '../src/measure/workload.ts';
import { ortNodeRunner } from '../src/runners/ort-node/ort-node-runner.ts';
import { CHAT_INSTRUCTION, syntheticText } from '../src/runners/openai-http/request-body.ts';
import { requestText, uniqueWords } from '../src/runners/openai-http/prompt-text.ts';
import { createServeEngine, type ServeEngine } from '../src/serve/openai/engine.ts';
import { startOpenAiServer, type OpenAiServer } from '../src/serve/openai/server.ts';
import { readCells, readManifest } from '../src/results/io.ts';
import { main } from '../src/cli/main.ts';

const KEY = 'sk-serve-test-SECRET-9876';
const BIN = join(import.meta.dirname, '../bin/edgebench.js');
const PROMPT = [11, 22, 33, 44, 55];
const noop = () => {};
let root = '';
let dir = '';
let engine: ServeEngine;
let server: OpenAiServer;
let greedy: number[] = [];
const logs: string[] = [];

/** The ort-node runner's own greedy tokens for PROMPT (the server must give the same). */
async function runnerGreedy(n: number): Promise<number[]> {
  const m = await resolveOnnxModel(dir, 'q4', { style: 'optimum', log: noop });
  const loaded = await ortNodeRunner.load(m.source, { ep: 'cpu', threads: 1, settings: {} });
  const out: number[] = [];
  await (await loaded.prepare([])).generate(PROMPT, n, (id) => out.push(id));
  await loaded[Symbol.asyncDispose]();
  return out;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'eb-serve-'));
  dir = await buildTinyLlamaFolder(root);
  greedy = await runnerGreedy(12);
  // make the greedy sequence's first token an EOS id, so EOS handling is testable on random weights
  writeFileSync(join(dir, 'generation_config.json'), JSON.stringify({ eos_token_id: [2, greedy[0]!] }));
  engine = await createServeEngine({ model: dir, dtype: 'q4', style: 'optimum', threads: 1, log: noop });
  server = await startOpenAiServer({ engine, host: '127.0.0.1', port: 0, log: (m) => logs.push(m) });
});

afterAll(async () => {
  await server?.close();
});

async function post(path: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), ...init });
}

/** The `data:` payloads of an SSE answer, in order. */
async function sse(res: Response): Promise<string[]> {
  const text = await res.text();
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((e) => e.replace(/^data: /, ''));
}

function filesUnder(d: string): string[] {
  return readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? filesUnder(join(d, f)) : [join(d, f)]));
}

describe('edgebench serve --openai', () => {
  it('is measured end to end by `edgebench run --runner openai-http`, and the key is never written', async () => {
    const out = join(root, 'run');
    const saved = process.env.EDGEBENCH_API_KEY;
    process.env.EDGEBENCH_API_KEY = KEY;
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let code: number;
    try {
      code = await main([
        'node',
        'edgebench',
        'run',
        '--endpoint',
        server.url,
        '--model',
        engine.id,
        '--shape',
        'pp16+tg8',
        '--reps',
        '2',
        '--min-time',
        '0',
        '--warmup',
        '0',
        '--no-bandwidth',
        '--no-report',
        '--quiet',
        '--out',
        out,
      ]);
    } finally {
      write.mockRestore();
      if (saved === undefined) delete process.env.EDGEBENCH_API_KEY;
      else process.env.EDGEBENCH_API_KEY = saved;
    }
    expect(code).toBe(0);
    const [cell] = await readCells(out);
    expect(cell!.status, cell!.error?.message).toBe('ok');
    expect(cell!.key.runner).toBe('openai-http');
    expect(cell!.boundary).toBe('http-client');
    // the server declared synthetic weights in /v1/models; the client believes it instead of assuming real
    expect(cell!.model).toMatchObject({ weights: 'synthetic', synthetic: true });
    // an endpoint's tokens are computed elsewhere: no energy is put on this machine's account
    expect(cell!.energy).toBeUndefined();
    expect(cell!.resolved!.settings).toMatchObject({ modelListed: true, apiKeyFrom: 'EDGEBENCH_API_KEY', prompt: 'synthetic-words' });
    // the prompt the server tokenized: instruction + 16 synthetic words through the chat template
    const seed = (await readManifest(out)).seed;
    const salt = Number(cell!.resolved!.settings.promptSalt);
    for (const r of cell!.requests) {
      const text = requestText({
        api: 'chat',
        mode: 'bust',
        suiteText: undefined,
        ids: seededTokenIds(16, 32000, seed),
        contextIds: [],
        unique: uniqueWords(salt, r.index),
      });
      expect(text.startsWith(`${uniqueWords(salt, r.index)}. ${CHAT_INSTRUCTION} ${syntheticText(seededTokenIds(16, 32000, seed))}`)).toBe(
        true,
      );
      expect(r.tokenTimesMs).toHaveLength(8);
      expect(r.promptTokens).toBe(engine.tokenizer.encodeChat([{ role: 'user', content: text }]).length);
      expect([...r.tokenTimesMs].sort((a, b) => a - b)).toEqual(r.tokenTimesMs);
    }
    const n = cell!.requests.length; // cold + measured (the stopping rule decides how many)
    expect(cell!.extra!.runner).toMatchObject({
      requests: n,
      retries: 0,
      tokensPerChunk: { 1: 8 * n },
      tokensAtStreamEnd: 0,
      fixedLength: { maxTokensHonoured: true, reachedMaxTokens: true, minTokensHonoured: null },
    });
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
      cells: { metrics: { ttftMs: { boundary: string } } }[];
    };
    expect(summary.cells[0]!.metrics.ttftMs.boundary).toBe('http-client');
    for (const f of filesUnder(out)) expect(readFileSync(f, 'utf8'), f).not.toContain(KEY);
    // the report and the answer see it as the measured cloud: endpoint, measured round trip, the server's prompt count
    const [opened] = await openReportRuns([out]);
    const measuredPrompt = cell!.requests.filter((r) => r.phase === 'measured').map((r) => r.promptTokens);
    expect(opened!.localCells[0]!.remote).toMatchObject({ endpoint: expect.stringContaining('127.0.0.1'), rttMs: expect.any(Number) });
    expect(measuredPrompt).toContain(opened!.localCells[0]!.remote!.promptTokens);
  });

  it('answers with the ort-node runner’s greedy tokens (completions with token ids, non-streaming)', async () => {
    const res = await post('/v1/completions', { model: engine.id, prompt: PROMPT, max_tokens: 12, ignore_eos: true });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      choices: { text: string; finish_reason: string }[];
      usage: { prompt_tokens: number; completion_tokens: number };
    };
    const detok = engine.tokenizer.detokenizer();
    const expected = greedy.map((id, i) => detok.push(id, i === greedy.length - 1)).join('');
    expect(body.choices[0]).toMatchObject({ text: expected, finish_reason: 'length' });
    expect(body.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 12 });
  });

  it('streams one SSE chunk per token, then finish, usage and [DONE]', async () => {
    const res = await post('/v1/chat/completions', {
      model: engine.id,
      messages: [{ role: 'user', content: 'hello' }],
      max_tokens: 6,
      ignore_eos: true,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(Number(res.headers.get('x-edgebench-queue-ms'))).toBeGreaterThanOrEqual(0);
    const events = await sse(res);
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map(
      (e) =>
        JSON.parse(e) as {
          choices: { delta: { role?: string; content?: string }; finish_reason: string | null }[];
          usage?: { completion_tokens: number };
        },
    );
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    const tokenChunks = chunks.filter((c) => c.choices[0] && c.choices[0].delta.content !== undefined && !c.choices[0].delta.role);
    expect(tokenChunks).toHaveLength(6);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('length');
    expect(chunks.at(-1)!.choices).toEqual([]);
    expect(chunks.at(-1)!.usage!.completion_tokens).toBe(6);
    // without include_usage there is no usage at all (the API's rule)
    const plain = await sse(
      await post('/v1/completions', { model: engine.id, prompt: PROMPT, max_tokens: 3, ignore_eos: true, stream: true }),
    );
    const finish = JSON.parse(plain.at(-2)!) as { choices: { finish_reason: string }[]; usage?: unknown };
    expect(finish.choices[0]!.finish_reason).toBe('length');
    expect(plain.some((e) => e.includes('"usage"'))).toBe(false);
  });

  it('stops at EOS unless ignore_eos; min_tokens delays the stop', async () => {
    const ask = async (extra: Record<string, unknown>) =>
      (await (await post('/v1/completions', { model: engine.id, prompt: PROMPT, max_tokens: 12, ...extra })).json()) as {
        choices: { finish_reason: string }[];
        usage: { completion_tokens: number };
      };
    const stopped = await ask({});
    expect(stopped.usage.completion_tokens).toBe(1);
    expect(stopped.choices[0]!.finish_reason).toBe('stop');
    expect((await ask({ ignore_eos: true })).usage.completion_tokens).toBe(12);
    const later = greedy.findIndex((id, i) => i >= 3 && id === greedy[0]);
    const withMin = await ask({ min_tokens: 4 });
    expect(withMin.usage.completion_tokens).toBe(later === -1 ? 12 : later + 1);
  });

  it('rejects bad bodies and routes with a JSON error that says what is wrong', async () => {
    const chat = (b: Record<string, unknown>) =>
      post('/v1/chat/completions', { model: engine.id, messages: [{ role: 'user', content: 'hi' }], ...b });
    const cases: [Promise<Response>, number, RegExp][] = [
      [post('/v1/chat/completions', '{"model": '), 400, /not valid JSON/],
      [post('/v1/chat/completions', ''), 400, /body is empty/],
      [post('/v1/chat/completions', {}), 400, /model: .*messages: /],
      [chat({ messages: [] }), 400, /at least one message/],
      [chat({ messages: [{ role: 'bot', content: 'x' }] }), 400, /messages\.0\.role/],
      [chat({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: 'x' }] }] }), 400, /messages\.0\.content/],
      [chat({ n: 2 }), 400, /only n = 1/],
      [chat({ stop: ['\n'] }), 400, /stop sequences are not supported/],
      [chat({ max_tokens: -1 }), 400, /max_tokens: /],
      [chat({ max_tokens: 4, min_tokens: 9 }), 400, /min_tokens \(9\) is larger than max_tokens \(4\)/],
      [chat({ max_tokens: 5000 }), 400, /exceeds the model's context of 2048 tokens/],
      [post('/v1/completions', { model: engine.id, prompt: 5 }), 400, /prompt must be/],
      [post('/v1/completions', { model: 'other', prompt: 'hi' }), 404, /The model 'other' does not exist or is not served here/],
      [chat({ top_logprobs: 2 }), 400, /top_logprobs needs logprobs: true/],
      [chat({ logprobs: true, top_logprobs: 21 }), 400, /top_logprobs: /],
      [post('/v1/completions', { model: engine.id, prompt: [1, 99999] }), 400, /token id 99999 is outside the vocabulary \(0\.\.511\)/],
      [post('/v1/completions', 'x'.repeat((1 << 20) + 10)), 413, /larger than/],
      [fetch(`${server.url}/v1/chat/completions`), 405, /takes POST/],
      [fetch(`${server.url}/v2/nothing`), 404, /no route GET \/v2\/nothing/],
      [fetch(`${server.url}/v1/models/other`), 404, /'other' is not served here/],
    ];
    for (const [pending, status, message] of cases) {
      const res = await pending;
      const body = (await res.json()) as { error: { message: string; type: string; code: unknown; param: unknown } };
      expect(res.status, body.error.message).toBe(status);
      expect(body.error.message).toMatch(message);
      expect(body.error.code === null || typeof body.error.code === 'string').toBe(true); // the API's type: string | null
    }
    const models = (await (await fetch(`${server.url}/v1/models`)).json()) as { data: { id: string; edgebench: { synthetic: boolean } }[] };
    expect(models.data[0]).toMatchObject({ id: engine.id, edgebench: { synthetic: true } });
  });

  it('runs one request at a time (the second queues and says how long) and survives a client hanging up', async () => {
    const body = (n: number) => ({ model: engine.id, prompt: PROMPT, max_tokens: n, ignore_eos: true, stream: true });
    const first = await post('/v1/completions', body(400)); // headers arrive once it holds the model
    const second = await post('/v1/completions', body(2));
    expect(Number(second.headers.get('x-edgebench-queue-ms'))).toBeGreaterThan(1);
    expect((await sse(first)).at(-1)).toBe('[DONE]');
    expect((await sse(second)).at(-1)).toBe('[DONE]');
    // a client that hangs up mid-stream: generation stops, the next request is served
    const ctrl = new AbortController();
    const gone = await post('/v1/completions', body(1500), { signal: ctrl.signal });
    const reader = gone.body!.getReader();
    await reader.read();
    ctrl.abort();
    const after = await post('/v1/completions', { model: engine.id, prompt: PROMPT, max_tokens: 2, ignore_eos: true });
    expect(((await after.json()) as { usage: { completion_tokens: number } }).usage.completion_tokens).toBe(2);
    expect(logs.some((l) => /completion tokens \(cancelled\)/.test(l))).toBe(true);
  });

  it('rejects bad serve flags with one line and a hint', async () => {
    const cases: [string[], RegExp][] = [
      [['serve', '--openai'], /serve --openai needs --model/],
      [['serve', '--openai', '--model', dir, '--port', '99999'], /--port 99999: expected a whole number/],
      [['serve', '--openai', '--model', dir, '--threads', '0'], /--threads 0: expected auto or a whole number from 1 to/],
      [['serve', '--openai', '--model', join(root, 'missing')], /error\[MODEL_NOT_FOUND\].*does not exist/],
      [
        ['serve', '--openai', '--model', dir, '--port', String(server.port), '--quiet'],
        /port \d+ on 127\.0\.0\.1 is already in use\n\s+hint: pick another --port/,
      ],
    ];
    for (const [args, re] of cases) {
      let stderr = '';
      const err = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void (stderr += `${a.join(' ')}\n`));
      try {
        expect(await main(['node', 'edgebench', ...args])).toBe(1);
      } finally {
        err.mockRestore();
      }
      expect(stderr).toMatch(re);
    }
  });

  it('the real command serves on port 0 and shuts down cleanly on SIGINT', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--openai', '--model', dir, '--port', '0', '--threads', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    try {
      const deadline = Date.now() + 90_000; // a cold tsx start on a shared, loaded machine
      while (!/on http:\/\/127\.0\.0\.1:\d+\/v1/.test(stdout) && Date.now() < deadline && child.exitCode === null)
        await new Promise((r) => setTimeout(r, 50));
      const url = /on (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(stdout)?.[1];
      expect(url, stderr).toBeDefined();
      const res = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ model: engine.id, messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 }),
      });
      expect(res.status).toBe(200);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(stderr).toMatch(/stopped/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
