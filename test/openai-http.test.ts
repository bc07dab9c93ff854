/**
 * The openai-http runner against small stub HTTP servers on loopback: request shape (streaming,
 * usage, fixed length, key), chunk → token-time rules, and every fault the brief names — closed
 * port, 401, 429 with Retry-After (retried, wait not timed), 503, a stream cut mid-answer,
 * malformed SSE, a server that ignores max_tokens or stops early, a hard timeout — plus the key
 * never reaching a result.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSuite } from '../src/measure/run-suite.ts';
import { SuiteFile } from '../src/config/suite.ts';
import type { CellResult } from '../src/results/schema.ts';
import { openAiHttpRunner } from '../src/runners/openai-http/openai-http-runner.ts';
import { parseRetryAfterMs } from '../src/runners/openai-http/retry.ts';
import { apiUrl, parseSettings, shownEndpoint } from '../src/runners/openai-http/settings.ts';
import { syntheticText } from '../src/runners/openai-http/request-body.ts';
import { analyzeCell } from '../src/analyze/analyze-cell.ts';

const KEY = 'sk-edgebench-test-SECRET-4242';
const noop = () => {};

interface Seen {
  method: string;
  path: string;
  auth: string | undefined;
  body: Record<string, unknown> | null;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>, attempt: number) => void | Promise<void>;

/** A loopback stub: GET /v1/models answers 200 unless `models` says otherwise; POSTs go to `handler`. */
async function stub(handler: Handler, models: (res: ServerResponse) => void = (res) => json(res, 200, { data: [{ id: 'm' }] })) {
  const seen: Seen[] = [];
  let posts = 0;
  const server = createServer(async (req, res) => {
    let raw = '';
    for await (const c of req) raw += String(c);
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
    seen.push({ method: req.method ?? '', path: req.url ?? '', auth: req.headers.authorization, body });
    if (req.method === 'GET') return models(res);
    await handler(req, res, body ?? {}, posts++);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tokenChunk = (content: string, extra: Record<string, unknown> = {}) =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: null, ...extra }] })}\n\n`;
const usageChunk = (completion: number) =>
  `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 11, completion_tokens: completion, total_tokens: 11 + completion } })}\n\n`;

/** A well-behaved streaming answer: role chunk, `n` token chunks `gapMs` apart, finish, usage, [DONE]. */
async function stream(res: ServerResponse, n: number, opts: { gapMs?: number; firstMs?: number; usage?: number } = {}) {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] })}\n\n`);
  await sleep(opts.firstMs ?? 0);
  for (let i = 0; i < n; i++) {
    if (i > 0 && opts.gapMs) await sleep(opts.gapMs);
    res.write(tokenChunk(`w${i} `));
  }
  res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'length' }] })}\n\n`);
  res.write(usageChunk(opts.usage ?? n));
  res.end('data: [DONE]\n\n');
}

const maxTokens = (b: Record<string, unknown>) => Number(b.max_tokens);

async function run(
  endpoint: string,
  shapes: string[],
  settings: Record<string, string | number | boolean> = {},
  reps = 2,
  suiteExtra: Record<string, unknown> = {},
): Promise<CellResult[]> {
  const suite = SuiteFile.parse({
    ...suiteExtra,
    name: 't',
    models: ['m'],
    runners: ['openai-http'],
    shapes,
    runnerSettings: { 'openai-http': { endpoint, retryBaseMs: 10, ...settings } },
    repetitions: { warmup: 0, minCount: reps, minTimeS: 0, maxCount: reps, maxTimeS: 30 },
  });
  const cells: CellResult[] = [];
  await runSuite(
    { suite, done: new Set(), appendCell: async (c) => void cells.push(c), onEvent: noop, shouldStop: () => false },
    { environment: {} as never, checkMemory: noop, measureBandwidth: async () => null },
  );
  return cells;
}

const runnerExtra = (c: CellResult) =>
  c.extra?.runner as Record<string, unknown> & { fixedLength: Record<string, unknown>; tokensPerChunk: Record<string, number> };
const ttfts = (c: CellResult) => c.requests.map((r) => r.tokenTimesMs[0]!);

let savedKey: string | undefined;
beforeAll(() => {
  savedKey = process.env.EDGEBENCH_API_KEY;
  process.env.EDGEBENCH_API_KEY = KEY;
});
afterAll(() => {
  if (savedKey === undefined) delete process.env.EDGEBENCH_API_KEY;
  else process.env.EDGEBENCH_API_KEY = savedKey;
});

describe('openai-http settings and helpers', () => {
  it('normalises endpoints, hides credentials, validates settings', () => {
    expect(apiUrl('http://h:8080', 'chat/completions')).toBe('http://h:8080/v1/chat/completions');
    expect(apiUrl('https://api.x.com/openai/v1/', 'models')).toBe('https://api.x.com/openai/v1/models');
    expect(shownEndpoint('https://user:pw@h/v1?api-key=abc')).toBe('https://h/v1');
    expect(() => parseSettings({})).toThrow(/needs an endpoint/);
    expect(() => parseSettings({ endpoint: 'ftp://h' })).toThrow(/not http/);
    expect(() => parseSettings({ endpoint: 'http://h', api: 'embeddings' })).toThrow(/api: /);
    expect(() => parseSettings({ endpoint: 'http://h', retries: 3 })).toThrow(/unknown key 'retries'/);
    expect(parseSettings({ endpoint: 'http://h' })).toMatchObject({ api: 'chat', fixedLength: true, maxRetries: 3 });
  });

  it('reads Retry-After as seconds, HTTP date or retry-after-ms', () => {
    expect(parseRetryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
    expect(parseRetryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(parseRetryAfterMs(new Headers({ 'retry-after': new Date(10_000).toUTCString() }), 7_000)).toBe(3000);
    expect(parseRetryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeNull();
  });

  it('synthetic prompts are deterministic words, one per seeded id', () => {
    expect(syntheticText([5, 6, 5])).toBe(syntheticText([5, 6, 5]));
    expect(syntheticText(Array.from({ length: 40 }, (_, i) => i * 7)).split(' ')).toHaveLength(40);
  });
});

describe('openai-http runner against stub servers', () => {
  it('streams with usage, fixed length and the key; times tokens by chunk arrival', async () => {
    const s = await stub((_q, res, b) => stream(res, maxTokens(b), { firstMs: 30, gapMs: 10 }));
    try {
      const [cell] = await run(s.url, ['pp16+tg6']);
      expect(cell!.status, cell!.error?.message).toBe('ok');
      expect(cell!.boundary).toBe('http-client');
      const post = s.seen.find((x) => x.method === 'POST')!;
      expect(post.path).toBe('/v1/chat/completions');
      expect(post.auth).toBe(`Bearer ${KEY}`);
      expect(post.body).toMatchObject({
        model: 'm',
        stream: true,
        stream_options: { include_usage: true },
        max_tokens: 6,
        min_tokens: 6,
        ignore_eos: true,
        temperature: 0,
      });
      const text = (post.body!.messages as { content: string }[])[0]!.content;
      expect(text.split(' ').length).toBeGreaterThanOrEqual(16);
      for (const r of cell!.requests) {
        expect(r.tokenTimesMs).toHaveLength(6);
        expect(r.promptTokens).toBe(11); // the server's usage.prompt_tokens
        expect(r.tokenTimesMs[0]!).toBeGreaterThanOrEqual(25);
        expect(r.tokenTimesMs[5]! - r.tokenTimesMs[0]!).toBeGreaterThanOrEqual(25); // 5 gaps of 10 ms (slack for a busy machine)
      }
      const x = runnerExtra(cell!);
      expect(x).toMatchObject({
        requests: 3,
        retries: 0,
        chunks: 18,
        tokensPerChunk: { 1: 18 },
        tokensAtStreamEnd: 0,
        fixedLength: { sent: true, maxTokensHonoured: true, reachedMaxTokens: true, minTokensHonoured: null },
      });
      expect(cell!.resolved!.settings).toMatchObject({ apiKeyFrom: 'EDGEBENCH_API_KEY', endpoint: s.url, modelListed: true });
      expect(JSON.stringify(cell)).not.toContain(KEY);
    } finally {
      await s.close();
    }
  });

  it('/v1/completions with multi-token chunks: logprobs count exactly, otherwise usage places the rest at the end', async () => {
    const s = await stub(async (_q, res, b) => {
      const n = maxTokens(b);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < n / 2; i++) {
        res.write(`data: ${JSON.stringify({ choices: [{ index: 0, text: 'ab', finish_reason: null }] })}\n\n`);
        await sleep(3);
      }
      res.write(`data: ${JSON.stringify({ choices: [{ index: 0, text: '', finish_reason: 'length' }] })}\n\n`);
      res.write(usageChunk(n));
      res.end('data: [DONE]\n\n');
    });
    try {
      const [byUsage] = await run(s.url, ['tg8'], { api: 'completions' }, 1);
      // no logprobs: 4 chunks counted as 1 token each, 4 tokens known only from usage
      expect(byUsage!.status, byUsage!.error?.message).toBe('ok');
      expect(s.seen.find((x) => x.method === 'POST')!.path).toBe('/v1/completions');
      expect(runnerExtra(byUsage!)).toMatchObject({ tokensPerChunk: { 1: 8 }, tokensAtStreamEnd: 8 });
    } finally {
      await s.close();
    }
    const s3 = await stub(async (_q, res, b) => {
      const n = maxTokens(b);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < n / 2; i++) {
        res.write(
          `data: ${JSON.stringify({ choices: [{ index: 0, text: 'ab', finish_reason: null, logprobs: { tokens: ['a', 'b'] } }] })}\n\n`,
        );
        await sleep(15);
      }
      res.write(usageChunk(n));
      res.end('data: [DONE]\n\n');
    });
    try {
      const [cell] = await run(s3.url, ['tg8'], { api: 'completions' }, 1);
      expect(cell!.status, cell!.error?.message).toBe('ok');
      expect(runnerExtra(cell!)).toMatchObject({ tokensPerChunk: { 2: 8 }, tokensAtStreamEnd: 0 });
      const t = cell!.requests[0]!.tokenTimesMs;
      for (let i = 0; i < 8; i += 2) expect(t[i + 1]! - t[i]!).toBeLessThan(1); // two tokens of one chunk share its arrival
      expect(t[7]! - t[0]!).toBeGreaterThanOrEqual(20); // chunks sent 15 ms apart (slack for a busy machine)
    } finally {
      await s3.close();
    }
  });

  it('an unreachable endpoint (closed port) makes the cell unsupported with a hint', async () => {
    const s = await stub(noop);
    await s.close();
    const [cell] = await run(s.url, ['tg4']);
    expect(cell!.status).toBe('unsupported');
    expect(cell!.error!.message).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
    expect(cell!.error!.hint).toMatch(/edgebench serve --openai|--endpoint/);
  });

  it('401 on the probe → unsupported with the key hint; 401 on completions → errored with the hint', async () => {
    const s = await stub(noop, (res) => json(res, 401, { error: { message: `bad key ${KEY}` } }));
    try {
      const [cell] = await run(s.url, ['tg4']);
      expect(cell!.status).toBe('unsupported');
      expect(cell!.error!.message).toMatch(/HTTP 401 \(the key in EDGEBENCH_API_KEY was refused\)/);
      expect(cell!.error!.hint).toMatch(/set EDGEBENCH_API_KEY/);
    } finally {
      await s.close();
    }
    const s2 = await stub((_q, res) => json(res, 401, { error: { message: `Incorrect API key provided: ${KEY}` } }));
    try {
      const [cell] = await run(s2.url, ['tg4']);
      expect(cell!.status).toBe('errored');
      expect(cell!.error!.message).toMatch(/HTTP 401 .*Incorrect API key provided: \*\*\*/);
      expect(cell!.error!.hint).toMatch(/set EDGEBENCH_API_KEY/);
      expect(JSON.stringify(cell)).not.toContain(KEY);
    } finally {
      await s2.close();
    }
  });

  it('429 with Retry-After is retried and counted; the wait is not timed', async () => {
    const s = await stub(async (_q, res, b, attempt) => {
      if (attempt === 0) return json(res, 429, { error: { message: 'slow down' } }, { 'retry-after': '1' });
      await stream(res, maxTokens(b), { firstMs: 20 });
    });
    try {
      const [cell] = await run(s.url, ['tg4']);
      expect(cell!.status, cell!.error?.message).toBe('ok');
      expect(runnerExtra(cell!)).toMatchObject({ retries: 1, rateLimited: 1, retryWaitMs: 1000, attempts: 4, requests: 3 });
      expect(Math.max(...ttfts(cell!))).toBeLessThan(500); // the cold request waited 1 s, but its timing restarted
    } finally {
      await s.close();
    }
  });

  it('503 is retried with backoff; gives up after maxRetries with a clear message', async () => {
    const s = await stub(async (_q, res, b, attempt) => {
      if (attempt === 0) return json(res, 503, { error: 'warming up' });
      await stream(res, maxTokens(b));
    });
    const down = await stub((_q, res) => json(res, 502, { error: 'bad gateway' }));
    try {
      const [ok] = await run(s.url, ['tg4']);
      expect(ok!.status).toBe('ok');
      expect(runnerExtra(ok!)).toMatchObject({ retries: 1, serverErrors: 1, retryWaitMs: 10 });
      const [bad] = await run(down.url, ['tg4'], { maxRetries: 2 });
      expect(bad!.status).toBe('errored');
      expect(bad!.error!.message).toMatch(/HTTP 502 .*bad gateway \(gave up after 3 attempts\)/);
    } finally {
      await s.close();
      await down.close();
    }
  });

  it('a stream cut mid-answer errors the cell with a clear message', async () => {
    const s = await stub(async (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < 3; i++) res.write(tokenChunk('x'));
      await sleep(20);
      res.socket?.destroy();
    });
    try {
      const [cell] = await run(s.url, ['tg8']);
      expect(cell!.status).toBe('errored');
      expect(cell!.error!.code).toBe('NETWORK');
      expect(cell!.error!.message).toMatch(/stream cut after 3 of 8 tokens/);
      expect(runnerExtra(cell!).retries).toBe(0); // never retried once tokens flowed
    } finally {
      await s.close();
    }
  });

  it('malformed SSE data and non-stream answers are protocol errors', async () => {
    const s = await stub((_q, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(tokenChunk('ok'));
      res.end('data: {"choices": [ {broken\n\n');
    });
    const plain = await stub((_q, res) => json(res, 200, { choices: [{ message: { content: 'hi' } }] }));
    try {
      const [cell] = await run(s.url, ['tg4']);
      expect(cell!.status).toBe('errored');
      expect(cell!.error!.code).toBe('SERVER_PROTOCOL');
      expect(cell!.error!.message).toMatch(/malformed SSE data .*not JSON/);
      const [p] = await run(plain.url, ['tg4']);
      expect(p!.error!.message).toMatch(/answered 'application\/json' instead of an event stream/);
    } finally {
      await s.close();
      await plain.close();
    }
  });

  it('a server that ignores max_tokens is flagged (TOKEN_COUNT_MISMATCH), as is one that stops early', async () => {
    const s = await stub((_q, res, b) => stream(res, maxTokens(b) + 4));
    const endless = await stub(async (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < 1000 && !res.destroyed; i++) {
        res.write(tokenChunk('x'));
        await sleep(1);
      }
      res.end();
    });
    const early = await stub((_q, res) => stream(res, 3));
    try {
      const [cell] = await run(s.url, ['tg8']);
      expect(cell!.status).toBe('errored');
      expect(cell!.error!.code).toBe('TOKEN_COUNT_MISMATCH');
      expect(cell!.error!.message).toMatch(/returned 12 completion tokens for max_tokens 8: it ignores max_tokens/);
      expect(runnerExtra(cell!).fixedLength).toMatchObject({ sent: true, maxTokensHonoured: false });
      const [e] = await run(endless.url, ['tg8']);
      expect(e!.error!.message).toMatch(/kept streaming past max_tokens 8/);
      const [short] = await run(early.url, ['tg8']);
      expect(short!.error!.message).toMatch(/stopped after 3 of 8 tokens \(finish_reason length\): it ignored min_tokens \/ ignore_eos/);
      expect(runnerExtra(short!).fixedLength).toMatchObject({ minTokensHonoured: false, maxTokensHonoured: true });
    } finally {
      await s.close();
      await endless.close();
      await early.close();
    }
  });

  it('a hard timeout errors the cell; depth travels as text; fixedLength: false sends no extensions', async () => {
    const hang = await stub(noop);
    const s = await stub((_q, res, b) => stream(res, maxTokens(b)));
    try {
      const [t] = await run(hang.url, ['tg4'], { timeoutS: 0.3 });
      expect(t!.error!.code).toBe('TIMEOUT');
      expect(t!.error!.message).toMatch(/within 0\.3 s/);
      const [d] = await run(s.url, ['tg4@d16']);
      expect(d!.status, d!.error?.message).toBe('ok');
      expect(d!.resolved!.settings.depthSentAs).toBe('text');
      const [plainLen] = await run(s.url, ['tg4'], { fixedLength: false, seed: 7, api: 'completions' }, 1, {
        prompt: { kind: 'text', text: 'Once upon a time' },
      });
      expect(plainLen!.status).toBe('ok');
      expect(plainLen!.resolved!.settings.prompt).toBe('suite-text');
      const body = s.seen.filter((x) => x.method === 'POST').pop()!.body!;
      expect(body).not.toHaveProperty('ignore_eos');
      expect(body).not.toHaveProperty('min_tokens');
      expect(body).toMatchObject({ seed: 7 });
      expect(body.prompt).toMatch(/^\w+ \w+ \w+\. Once upon a time$/); // unique words first: no prompt cache can serve it
    } finally {
      await hang.close();
      await s.close();
    }
  });

  it('every prompt is unique (no server cache can serve it); a server that reports cached tokens marks the cell PROMPT_CACHED', async () => {
    // a llama-server-like stub: it reports as cached the prefix this prompt shares with the previous one (in words)
    let previous: string[] = [];
    const usageWithCache = (res: ServerResponse, n: number, content: string) => {
      const words = content.split(' ');
      let common = 0;
      while (common < words.length && words[common] === previous[common]) common++;
      previous = words;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < n; i++) res.write(tokenChunk('w '));
      res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'length' }] })}\n\n`);
      res.end(
        `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: words.length, completion_tokens: n, prompt_tokens_details: { cached_tokens: common } } })}\n\ndata: [DONE]\n\n`,
      );
    };
    const s = await stub((_q, res, b) => usageWithCache(res, maxTokens(b), (b.messages as { content: string }[])[0]!.content));
    try {
      const [bust] = await run(s.url, ['pp32+tg2'], {}, 4);
      expect(bust!.status, bust!.error?.message).toBe('ok');
      const prompts = s.seen.filter((x) => x.method === 'POST').map((x) => (x.body!.messages as { content: string }[])[0]!.content);
      expect(new Set(prompts).size).toBe(prompts.length);
      expect(new Set(prompts.map((p) => p.split(' ')[0])).size).toBe(prompts.length); // they differ from the first word on
      const pc = runnerExtra(bust!).promptCache as { mode: string; cachedTokens: number[] };
      expect(pc.mode).toBe('bust');
      expect(pc.cachedTokens.every((c) => c === 0)).toBe(true);
      const a = analyzeCell(bust!, { seed: 1, resamples: 100 });
      expect(a.metrics.prefillTokensPerS).not.toBeNull();
      expect(a.warnings.map((w) => w.code)).not.toContain('PROMPT_CACHED');

      // warm: the @d context is a shared prefix on purpose; the server serves it from cache
      previous = [];
      const [warm] = await run(s.url, ['pp8+tg2@d64'], { promptCache: 'warm' }, 4);
      expect(warm!.status, warm!.error?.message).toBe('ok');
      const cached = (runnerExtra(warm!).promptCache as { cachedTokens: number[] }).cachedTokens;
      expect(cached[0]).toBe(0);
      expect(cached.slice(1).every((c) => c >= 64)).toBe(true);
      const w = analyzeCell(warm!, { seed: 1, resamples: 100 });
      expect(w.metrics.prefillTokensPerS).toBeNull(); // a cached prompt is not a prefill
      expect(w.metrics.ttftMs).not.toBeNull();
      const warning = w.warnings.find((x) => x.code === 'PROMPT_CACHED')!;
      expect(warning.message).toMatch(/4 of 4 measured prompts were served from the server's prompt cache.*on purpose/);
    } finally {
      await s.close();
    }
  });

  it('a malformed --endpoint makes the cell unsupported, saying so', async () => {
    const [cell] = await run('not a url', ['tg4']);
    expect(cell!.status).toBe('unsupported');
    expect(cell!.error!.message).toMatch(/endpoint 'not a url' is not a URL/);
  });

  it('probe reports a missing endpoint without throwing', async () => {
    const a = await openAiHttpRunner.probe({ ep: 'cpu', threads: null, settings: {} });
    expect(a).toMatchObject({ ok: false, reason: expect.stringMatching(/needs an endpoint/), hint: expect.stringMatching(/--endpoint/) });
  });
});
