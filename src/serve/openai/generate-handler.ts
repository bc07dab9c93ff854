/**
 * POST /v1/chat/completions and /v1/completions: validate the body, tokenize the prompt (chat
 * template for chat), wait for the model, then stream one SSE chunk per generated token (or
 * answer with one JSON body). As the API does: a model this server does not serve is a 404
 * (code 'model_not_found'); a stream carries usage only when `stream_options.include_usage` asks
 * (then in its own chunk with empty choices); logprobs / top_logprobs come from the model's logits.
 */
import { randomBytes } from 'node:crypto';
import type { ZodError } from 'zod';
import type { ServerResponse } from 'node:http';
import { ChatRequest, CompletionRequest, describeIssues, messageText } from './schemas.ts';
import type { ServeEngine } from './engine.ts';
import { HttpError, sendJson, startSse, writeSse } from './http-util.ts';
import { chatLogprobEntry, completionLogprobs, type TokenLogprob } from './logprobs.ts';

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
  /** null: no logprobs; else alternatives per token */
  topLogprobs: number | null;
  /** logprob tokens as "token_id:<id>" (vLLM's return_tokens_as_token_ids) */
  tokenIds: boolean;
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
    checkModel(r.data.model, engine);
    promptIds = engine.tokenizer.encodeChat(r.data.messages.map((m) => ({ role: m.role, content: messageText(m.content) })));
  } else {
    const r = CompletionRequest.safeParse(raw);
    if (!r.success) throw invalid(r.error);
    body = r.data;
    checkModel(r.data.model, engine);
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
    throw new HttpError(
      400,
      `prompt (${promptIds.length} tokens) + max_tokens (${maxTokens}) exceeds the model's context of ${engine.contextLength} tokens`,
    );
  }
  const stream = body.stream === true;
  let topLogprobs: number | null = null;
  if (kind === 'chat') {
    const c = body as ChatRequest;
    if (c.top_logprobs !== undefined && c.top_logprobs !== null && c.logprobs !== true)
      throw new HttpError(400, 'top_logprobs needs logprobs: true', 'invalid_request_error', null, 'top_logprobs');
    if (c.logprobs === true) topLogprobs = c.top_logprobs ?? 0;
  } else {
    const c = body as CompletionRequest;
    if (c.logprobs !== undefined && c.logprobs !== null) topLogprobs = c.logprobs;
  }
  if (topLogprobs !== null && !engine.logprobs)
    throw new HttpError(
      400,
      `logprobs are not available with the ${engine.runner} runner (it does not expose its logits)`,
      'invalid_request_error',
      null,
      'logprobs',
    );
  return {
    promptIds,
    maxTokens,
    minTokens,
    ignoreEos: body.ignore_eos === true,
    stream,
    includeUsage: stream && body.stream_options?.include_usage === true,
    topLogprobs,
    tokenIds: body.return_tokens_as_token_ids === true,
  };
}

function checkModel(model: string, engine: ServeEngine): void {
  if (model !== engine.id)
    throw new HttpError(
      404,
      `The model '${model}' does not exist or is not served here (serving '${engine.id}')`,
      'invalid_request_error',
      'model_not_found',
      'model',
    );
}

/** logprobs of a chunk or answer in the API's shape for `kind` (null when not asked for). */
function logprobsField(
  kind: ApiKind,
  lps: TokenLogprob[] | null,
  engine: ServeEngine,
  offset: number,
  tokenIds: boolean,
): Record<string, unknown> | null {
  if (lps === null) return null;
  const text = (id: number) => (tokenIds ? `token_id:${id}` : engine.tokenizer.tokenText(id));
  return kind === 'chat' ? { content: lps.map((lp) => chatLogprobEntry(lp, text)), refusal: null } : completionLogprobs(lps, text, offset);
}

function choice(
  kind: ApiKind,
  text: string | null,
  finish: string | null,
  role = false,
  logprobs: Record<string, unknown> | null = null,
): Record<string, unknown> {
  if (kind === 'completions') return { index: 0, text: text ?? '', logprobs, finish_reason: finish };
  const delta: Record<string, unknown> = {};
  if (role) delta.role = 'assistant';
  if (text !== null) delta.content = text;
  return { index: 0, delta, logprobs, finish_reason: finish };
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
    const head = {
      id,
      object: kind === 'chat' ? 'chat.completion.chunk' : 'text_completion',
      created: Math.floor(Date.now() / 1000),
      model: engine.id,
    };
    const headers = { 'x-edgebench-queue-ms': queueMs.toFixed(1), 'x-edgebench-sampling': 'greedy' };
    const detok = engine.tokenizer.detokenizer();
    if (p.stream && !clientGone) {
      startSse(res, headers);
      if (kind === 'chat') writeSse(res, { ...head, choices: [choice(kind, '', null, true)] });
    }
    let result;
    const allLps: TokenLogprob[] = [];
    let textOffset = 0;
    try {
      result = await engine.generate({
        promptIds: p.promptIds,
        maxTokens: p.maxTokens,
        minTokens: p.minTokens,
        ignoreEos: p.ignoreEos,
        topLogprobs: p.topLogprobs,
        cancelled: () => clientGone,
        onToken(tokenId, last, lp) {
          const delta = detok.push(tokenId, last);
          if (lp) allLps.push(lp);
          // one chunk per token, even when it adds no text yet (half a character): clients count tokens by chunks
          if (p.stream && !clientGone)
            writeSse(res, {
              ...head,
              choices: [choice(kind, delta, null, false, logprobsField(kind, lp ? [lp] : null, engine, textOffset, p.tokenIds))],
            });
          textOffset += delta.length;
        },
      });
    } catch (e) {
      const message = `generation failed: ${(e as Error).message.split('\n')[0]}`;
      if (!p.stream) throw new HttpError(500, message);
      if (!clientGone) {
        writeSse(res, { error: { message, type: 'server_error', param: null, code: 'generation_failed' } });
        res.end();
      }
      throw e;
    }
    const finish = result.finishReason === 'stop' ? 'stop' : 'length';
    const usage = {
      prompt_tokens: p.promptIds.length,
      completion_tokens: result.completionTokens,
      total_tokens: p.promptIds.length + result.completionTokens,
    };
    if (p.stream) {
      if (!clientGone) {
        writeSse(res, { ...head, choices: [choice(kind, kind === 'chat' ? null : '', finish)] });
        // the API's rule: usage only when asked, in a last chunk of its own (empty choices)
        if (p.includeUsage) writeSse(res, { ...head, choices: [], usage });
        writeSse(res, '[DONE]');
        res.end();
      }
    } else {
      const logprobs = logprobsField(kind, p.topLogprobs === null ? null : allLps, engine, 0, p.tokenIds);
      const answer =
        kind === 'chat'
          ? {
              id,
              object: 'chat.completion',
              created: head.created,
              model: engine.id,
              choices: [{ index: 0, message: { role: 'assistant', content: detok.text, refusal: null }, logprobs, finish_reason: finish }],
              usage,
            }
          : {
              id,
              object: 'text_completion',
              created: head.created,
              model: engine.id,
              choices: [{ index: 0, text: detok.text, logprobs, finish_reason: finish }],
              usage,
            };
      sendJson(res, 200, answer, headers);
    }
    return {
      promptTokens: p.promptIds.length,
      completionTokens: result.completionTokens,
      queueMs,
      totalMs: performance.now() - t0,
      finishReason: result.finishReason,
    };
  });
}
