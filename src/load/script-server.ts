/**
 * A scripted OpenAI-compatible server for tests and `npm run bench:load` (loopback only): it
 * streams words as tokens and can add latency, batch (N generation slots, each token slower the
 * more slots are busy), queue (FIFO beyond the slots, bounded), drop connections mid-answer, cache
 * prompt prefixes (reporting `prompt_tokens_details.cached_tokens` and skipping their prefill
 * time) and answer 429 with `retry-after-ms`. One token = one whitespace-separated word of the
 * prompt; completions are `max_tokens` words (EOS never comes). Everything is bounded: request
 * count, max_tokens, queue length, body size.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { EdgebenchError, zodToError } from '../errors.ts';

const ms = z.number().nonnegative().max(60_000);

export const ScriptOptions = z.strictObject({
  /** fixed time before the first token (ms), plus prefill time per uncached prompt token */
  ttftMs: ms.default(0),
  prefillMsPerToken: ms.default(0),
  /** time between tokens (ms) with one busy slot */
  itlMs: ms.default(0),
  /** generation slots (the batch); requests beyond wait in a FIFO queue */
  slots: z.number().int().min(1).max(4096).default(4096),
  /** each extra busy slot makes a token this much slower (0.1 = +10 % per extra request in the batch) */
  batchSlowdown: z.number().nonnegative().max(10).default(0),
  /** queued requests beyond this are answered 503 */
  maxQueue: z.number().int().nonnegative().max(100_000).default(10_000),
  /** every Nth POST is answered 429 with retry-after-ms (0 = never) */
  rateLimitEvery: z.number().int().nonnegative().max(1_000_000).default(0),
  retryAfterMs: ms.default(20),
  /** answer 429 whenever more than this many requests are in flight (0 = no limit) */
  rateLimitInFlight: z.number().int().nonnegative().max(100_000).default(0),
  /** every Nth POST loses its connection after half its tokens (0 = never) */
  dropEvery: z.number().int().nonnegative().max(1_000_000).default(0),
  /** report and honour a prefix cache over earlier prompts (longest common word prefix) */
  cachePrefixes: z.boolean().default(false),
  /** POSTs after this many are answered 503 (a bound on any runaway client loop) */
  maxRequests: z.number().int().positive().max(10_000_000).default(1_000_000),
  model: z.string().min(1).default('script-model'),
});
export type ScriptOptions = z.infer<typeof ScriptOptions>;

const MAX_TOKENS = 8192;
const MAX_BODY = 4 << 20;
const REMEMBERED_PROMPTS = 256;

export interface ScriptServer {
  url: string;
  /** what the server saw, for tests */
  stats: { posts: number; rateLimited: number; dropped: number; maxInFlight: number; maxActive: number; connections: number };
  close(): Promise<void>;
}

const Body = z.looseObject({
  model: z.string(),
  messages: z.array(z.looseObject({ content: z.string() })).optional(),
  prompt: z.string().optional(),
  max_tokens: z.number().int().positive().max(MAX_TOKENS).optional(),
  stream: z.boolean().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
});

const sleep = (t: number) => new Promise<void>((r) => (t > 0 ? setTimeout(r, t) : setImmediate(r)));

function commonPrefix(a: string[], b: string[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

export async function startScriptServer(raw: Partial<ScriptOptions> = {}, host = '127.0.0.1'): Promise<ScriptServer> {
  const parsed = ScriptOptions.safeParse(raw);
  if (!parsed.success) throw zodToError('CONFIG_INVALID', 'script server options', parsed.error, 'see src/load/script-server.ts');
  const o = parsed.data;
  if (host !== '127.0.0.1' && host !== '::1')
    throw new EdgebenchError('USAGE', `the script server listens on loopback only, not ${host}`, 'use 127.0.0.1 or ::1');
  const stats = { posts: 0, rateLimited: 0, dropped: 0, maxInFlight: 0, maxActive: 0, connections: 0 };
  const prompts: string[][] = [];
  let active = 0;
  let inFlight = 0;
  const waiting: (() => void)[] = [];

  const acquire = async () => {
    if (active < o.slots) {
      active++;
    } else await new Promise<void>((r) => waiting.push(r)); // the releaser hands its slot over
    stats.maxActive = Math.max(stats.maxActive, active);
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };
  const fail = (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) =>
    json(res, status, { error: { message, type: status === 429 ? 'rate_limit_error' : 'server_error', param: null, code: null } }, headers);

  async function generate(req: IncomingMessage, res: ServerResponse, chat: boolean): Promise<void> {
    let size = 0;
    const parts: Buffer[] = [];
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > MAX_BODY) return fail(res, 413, 'body too large');
      parts.push(c as Buffer);
    }
    const n = ++stats.posts;
    if (n > o.maxRequests) return fail(res, 503, `request bound of ${o.maxRequests} reached`);
    if ((o.rateLimitEvery > 0 && n % o.rateLimitEvery === 0) || (o.rateLimitInFlight > 0 && inFlight >= o.rateLimitInFlight)) {
      stats.rateLimited++;
      return fail(res, 429, 'rate limited (scripted)', { 'retry-after-ms': String(o.retryAfterMs) });
    }
    let body: z.infer<typeof Body>;
    try {
      const r = Body.safeParse(JSON.parse(Buffer.concat(parts).toString('utf8')));
      if (!r.success) return fail(res, 400, r.error.issues[0]?.message ?? 'invalid body');
      body = r.data;
    } catch {
      return fail(res, 400, 'body is not JSON');
    }
    if (body.model !== o.model)
      return json(res, 404, {
        error: {
          message: `The model '${body.model}' does not exist`,
          type: 'invalid_request_error',
          param: 'model',
          code: 'model_not_found',
        },
      });
    if (active >= o.slots && waiting.length >= o.maxQueue) return fail(res, 503, 'queue full');
    const words = (chat ? (body.messages ?? []).map((m) => m.content).join(' ') : (body.prompt ?? '')).split(/\s+/).filter(Boolean);
    const maxTokens = body.max_tokens ?? 16;
    inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
    let gone = false;
    res.on('close', () => void (gone = !res.writableEnded));
    await acquire();
    try {
      let cached = 0;
      if (o.cachePrefixes) {
        for (const p of prompts) cached = Math.max(cached, commonPrefix(p, words));
        prompts.push(words);
        if (prompts.length > REMEMBERED_PROMPTS) prompts.shift();
      }
      const drop = o.dropEvery > 0 && n % o.dropEvery === 0;
      await sleep(o.ttftMs + o.prefillMsPerToken * (words.length - cached));
      const id = `cmpl-script-${n}`;
      const head = { id, object: chat ? 'chat.completion.chunk' : 'text_completion', created: 0, model: o.model };
      const choice = (text: string | null, finish: string | null) =>
        chat
          ? { index: 0, delta: text === null ? {} : { content: text }, finish_reason: finish }
          : { index: 0, text: text ?? '', finish_reason: finish };
      const usage = {
        prompt_tokens: words.length,
        completion_tokens: maxTokens,
        total_tokens: words.length + maxTokens,
        prompt_tokens_details: { cached_tokens: cached },
      };
      if (!body.stream) {
        for (let i = 1; i < maxTokens; i++) await sleep(o.itlMs * (1 + o.batchSlowdown * (active - 1)));
        const text = Array.from({ length: maxTokens }, (_, i) => `w${i}`).join(' ');
        return json(res, 200, {
          id,
          object: chat ? 'chat.completion' : 'text_completion',
          created: 0,
          model: o.model,
          choices: [
            chat
              ? { index: 0, message: { role: 'assistant', content: text }, finish_reason: 'length' }
              : { index: 0, text, finish_reason: 'length' },
          ],
          usage,
        });
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      for (let i = 0; i < maxTokens && !gone; i++) {
        if (i > 0) await sleep(o.itlMs * (1 + o.batchSlowdown * (active - 1)));
        if (drop && i === Math.floor(maxTokens / 2)) {
          stats.dropped++;
          res.destroy();
          return;
        }
        res.write(`data: ${JSON.stringify({ ...head, choices: [choice(i === 0 ? 'w0' : ` w${i}`, null)] })}\n\n`);
      }
      if (gone) return;
      res.write(`data: ${JSON.stringify({ ...head, choices: [choice(null, 'length')] })}\n\n`);
      if (body.stream_options?.include_usage) res.write(`data: ${JSON.stringify({ ...head, choices: [], usage })}\n\n`);
      res.end('data: [DONE]\n\n');
    } finally {
      release();
      inFlight--;
    }
  }

  const server = createServer({ keepAlive: true, noDelay: true }, (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname.replace(/\/+$/, '');
    const done = (p: Promise<void>) => p.catch((e: unknown) => (res.headersSent ? res.destroy() : fail(res, 500, (e as Error).message)));
    if (req.method === 'POST' && path === '/v1/chat/completions') return void done(generate(req, res, true));
    if (req.method === 'POST' && path === '/v1/completions') return void done(generate(req, res, false));
    if (req.method === 'GET' && path === '/v1/models')
      return json(res, 200, { object: 'list', data: [{ id: o.model, object: 'model', created: 0, owned_by: 'script' }] });
    req.resume();
    return fail(res, 404, `no route ${req.method} ${path}`);
  });
  server.on('connection', () => void stats.connections++);
  server.maxConnections = 4096;
  // longer than a client's keep-alive (undici: 4 s), so the server never closes a socket the client is about to reuse
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    stats,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
