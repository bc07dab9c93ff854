/**
 * POST /v1/chat/completions and /v1/completions: validate the body, tokenize the prompt (chat
 * template for chat), wait for the model, then stream one SSE chunk per generated token (or
 * answer with one JSON body). Usage is in the final chunk.
 */
import { randomBytes } from 'node:crypto';
import type { ZodError } from 'zod';
import type { ServerResponse } from 'node:http';
import { ChatRequest, CompletionRequest, describeIssues, messageText } from './schemas.ts';
import type { ServeEngine } from './engine.ts';
import { HttpError, sendJson, startSse, writeSse } from './http-util.ts';

export type ApiKind = 'chat' | 'completions';

/** OpenAI's defaults: 16 tokens for completions; chat answers get 256 unless asked otherwise. */
const DEFAULT_MAX_TOKENS: Record<ApiKind, number> = { chat: 256, completions: 16 };

interface Plan {
  promptIds: number[];
  maxTokens: number;
  minTokens: number;
  ignoreEos: boolean;
  stream: boolean;
  includeUsage: boolean;
}

function invalid(err: ZodError): HttpError {
  return new HttpError(400, `invalid request body: ${describeIssues(err)}`);
}

function plan(kind: ApiKind, raw: unknown, engine: ServeEngine): Plan {
  let body: ChatRequest | CompletionRequest;
  let promptIds: number[];
  if (kind === 'chat') {
    const r = ChatRequest.safeParse(raw);
    if (!r.success) throw invalid(r.error);
    body = r.data;
    promptIds = engine.tokenizer.encodeChat(r.data.messages.map((m) => ({ role: m.role, content: messageText(m.content) })));
  } else {
    const r = CompletionRequest.safeParse(raw);
    if (!r.success) throw invalid(r.error);
    body = r.data;
    const p = r.data.prompt;
    if (typeof p === 'string') promptIds = engine.tokenizer.encodePrompt(p);
    else if (typeof p[0] === 'string') promptIds = engine.tokenizer.encodePrompt(p[0]);
    else promptIds = p as number[];
    const bad = promptIds.find((t) => t >= engine.vocabSize);
    if (bad !== undefined) throw new HttpError(400, `prompt token id ${bad} is outside the vocabulary (0..${engine.vocabSize - 1})`);
  }
  if (promptIds.length === 0) throw new HttpError(400, 'the prompt is empty after tokenization');
  const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? DEFAULT_MAX_TOKENS[kind];
  const minTokens = body.min_tokens ?? 0;
  if (minTokens > maxTokens) throw new HttpError(400, `min_tokens (${minTokens}) is larger than max_tokens (${maxTokens})`);
  if (promptIds.length + maxTokens > engine.contextLength) {
    throw new HttpError(400, `prompt (${promptIds.length} tokens) + max_tokens (${maxTokens}) exceeds the model's context of ${engine.contextLength} tokens`);
  }
  const stream = body.stream === true;
  return { promptIds, maxTokens, minTokens, ignoreEos: body.ignore_eos === true, stream, includeUsage: stream && body.stream_options?.include_usage === true };
}

function choice(kind: ApiKind, text: string | null, finish: string | null, role = false): Record<string, unknown> {
  if (kind === 'completions') return { index: 0, text: text ?? '', logprobs: null, finish_reason: finish };
  const delta: Record<string, unknown> = {};
  if (role) delta.role = 'assistant';
  if (text !== null) delta.content = text;
  return { index: 0, delta, logprobs: null, finish_reason: finish };
}

export interface GenerateLog {
  promptTokens: number;
  completionTokens: number;
  queueMs: number;
  totalMs: number;
  finishReason: string;
}

export async function handleGenerate(kind: ApiKind, raw: unknown, res: ServerResponse, engine: ServeEngine): Promise<GenerateLog> {
  const p = plan(kind, raw, engine); // throws HttpError(400) before anything is sent
  let clientGone = false;
  res.on('close', () => void (clientGone = !res.writableEnded));
  return engine.exclusive(async (queueMs) => {
    const t0 = performance.now();
    const id = `${kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomBytes(12).toString('hex')}`;
    const head = { id, object: kind === 'chat' ? 'chat.completion.chunk' : 'text_completion', created: Math.floor(Date.now() / 1000), model: engine.id };
    const headers = { 'x-edgebench-queue-ms': queueMs.toFixed(1), 'x-edgebench-sampling': 'greedy' };
    const detok = engine.tokenizer.detokenizer();
    if (p.stream && !clientGone) {
      startSse(res, headers);
      if (kind === 'chat') writeSse(res, { ...head, choices: [choice(kind, '', null, true)] });
    }
    let result;
    try {
      result = await engine.generate({
        promptIds: p.promptIds, maxTokens: p.maxTokens, minTokens: p.minTokens, ignoreEos: p.ignoreEos,
        cancelled: () => clientGone,
        onToken(tokenId, last) {
          const delta = detok.push(tokenId, last);
          // one chunk per token, even when it adds no text yet (half a character): clients count tokens by chunks
          if (p.stream && !clientGone) writeSse(res, { ...head, choices: [choice(kind, delta, null)] });
        },
      });
    } catch (e) {
      const message = `generation failed: ${(e as Error).message.split('\n')[0]}`;
      if (!p.stream) throw new HttpError(500, message);
      if (!clientGone) {
        writeSse(res, { error: { message, type: 'server_error', param: null, code: 500 } });
        res.end();
      }
      throw e;
    }
    const finish = result.finishReason === 'stop' ? 'stop' : 'length';
    const usage = { prompt_tokens: p.promptIds.length, completion_tokens: result.completionTokens, total_tokens: p.promptIds.length + result.completionTokens };
    if (p.stream) {
      if (!clientGone) {
        const final = { ...head, choices: [choice(kind, kind === 'chat' ? null : '', finish)] };
        if (p.includeUsage) {
          writeSse(res, final);
          writeSse(res, { ...head, choices: [], usage });
        } else writeSse(res, { ...final, usage });
        writeSse(res, '[DONE]');
        res.end();
      }
    } else {
      const answer = kind === 'chat'
        ? { id, object: 'chat.completion', created: head.created, model: engine.id, choices: [{ index: 0, message: { role: 'assistant', content: detok.text }, logprobs: null, finish_reason: finish }], usage }
        : { id, object: 'text_completion', created: head.created, model: engine.id, choices: [{ index: 0, text: detok.text, logprobs: null, finish_reason: finish }], usage };
      sendJson(res, 200, answer, headers);
    }
    return { promptTokens: p.promptIds.length, completionTokens: result.completionTokens, queueMs, totalMs: performance.now() - t0, finishReason: result.finishReason };
  });
}
