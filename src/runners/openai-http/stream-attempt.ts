/**
 * One streaming HTTP attempt: POST the body, classify the status (retryable or not), then read the
 * SSE stream and report each token-bearing chunk the moment it is parsed. Nothing here reads a
 * clock: the harness timestamps the `onTokens` calls.
 */
import { EdgebenchError } from '../../errors.ts';
import { RetryableFailure, isStatusRetryable, parseRetryAfterMs } from './retry.ts';
import { redact, shownEndpoint, type ApiKey } from './settings.ts';
import { cachedTokensOf, parseChunkData, readSseData, tokensInChunk } from './stream-chunks.ts';

export interface AttemptInput {
  url: string;
  body: Record<string, unknown>;
  key: ApiKey | null;
  api: 'chat' | 'completions';
  timeoutMs: number;
  maxTokens: number;
  /** a token-bearing chunk arrived, carrying `k` tokens by the counting rule of stream-chunks.ts */
  onChunk(k: number): void;
  /** the usage chunk arrived (completion and prompt token counts) */
  onUsage(promptTokens: number, completionTokens: number): void;
}

export interface AttemptOutcome {
  /** tokens counted per token-bearing chunk, in arrival order */
  tokensPerChunk: number[];
  usage: { promptTokens: number; completionTokens: number } | null;
  /** prompt tokens the server served from its prompt cache (null: not reported) */
  cachedTokens: number | null;
  finishReason: string | null;
  sawDone: boolean;
  /** time the request waited in the server's queue, when the server says (edgebench serve: x-edgebench-queue-ms) */
  queueMs: number | null;
  ignoredLines: number;
}

/** Chunks beyond max_tokens + this slack: the server ignores max_tokens; stop reading. */
const OVERRUN_SLACK = 8;

function causeText(e: unknown): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  return err.cause?.code ?? err.cause?.message ?? err.message ?? String(e);
}

async function errorExcerpt(res: Response, key: ApiKey | null): Promise<string> {
  let text = '';
  try {
    text = await res.text();
  } catch {
    return '';
  }
  try {
    const j = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown; detail?: unknown };
    const m = typeof j.error === 'string' ? j.error : (j.error?.message ?? j.message ?? j.detail);
    if (m !== undefined) text = typeof m === 'string' ? m : JSON.stringify(m);
  } catch {
    // not JSON: keep the text
  }
  text = redact(text, key).replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

async function statusError(res: Response, url: string, key: ApiKey | null): Promise<Error> {
  const what = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''} from ${shownEndpoint(url)}`;
  const body = await errorExcerpt(res, key);
  const msg = body ? `${what}: ${body}` : what;
  const retryable = isStatusRetryable(res.status);
  if (retryable) return new RetryableFailure(retryable, msg, parseRetryAfterMs(res.headers));
  if (res.status === 401 || res.status === 403)
    return new EdgebenchError('NETWORK', msg, 'set EDGEBENCH_API_KEY (or OPENAI_API_KEY) to a key this server accepts');
  if (res.status === 404)
    return new EdgebenchError(
      'NETWORK',
      msg,
      'check --endpoint (the API base, e.g. http://host:8080/v1), --api (chat or completions) and --api-model (GET /v1/models lists the names)',
    );
  if (res.status === 400 || res.status === 422) {
    const lengthFields = /min_tokens|ignore_eos|unrecognized|extra (fields|inputs)|unknown (field|param)/i.test(body);
    return new EdgebenchError(
      'CONFIG_INVALID',
      msg,
      lengthFields
        ? 'this server rejects the fixed-length fields: set runnerSettings.openai-http.fixedLength: false (output length is then checked against usage)'
        : 'check the request settings (--api-model, --api) against what the server accepts',
    );
  }
  return new EdgebenchError('NETWORK', msg, 'check the server log');
}

export async function streamAttempt(a: AttemptInput): Promise<AttemptOutcome> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, a.timeoutMs);
  const timeoutError = () =>
    new EdgebenchError(
      'TIMEOUT',
      `no complete answer from ${shownEndpoint(a.url)} within ${a.timeoutMs / 1000} s`,
      'raise runnerSettings.openai-http.timeoutS, or ask for fewer tokens',
    );
  try {
    let res: Response;
    try {
      res = await fetch(a.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          ...(a.key ? { authorization: `Bearer ${a.key.value}` } : {}),
        },
        body: JSON.stringify(a.body),
        signal: controller.signal,
      });
    } catch (e) {
      if (timedOut) throw timeoutError();
      throw new RetryableFailure('network', `cannot reach ${shownEndpoint(a.url)}: ${redact(causeText(e), a.key)}`);
    }
    if (!res.ok) throw await statusError(res, a.url, a.key);
    const type = res.headers.get('content-type') ?? '';
    if (!type.includes('text/event-stream') || !res.body) {
      await res.body?.cancel().catch(() => {});
      throw new EdgebenchError(
        'SERVER_PROTOCOL',
        `${shownEndpoint(a.url)} answered '${type || 'no content-type'}' instead of an event stream`,
        'the server ignored stream: true; edgebench needs a streaming OpenAI-compatible endpoint to time tokens',
      );
    }
    const queueHeader = Number(res.headers.get('x-edgebench-queue-ms'));
    const out: AttemptOutcome = {
      tokensPerChunk: [],
      usage: null,
      cachedTokens: null,
      finishReason: null,
      sawDone: false,
      queueMs: res.headers.has('x-edgebench-queue-ms') && Number.isFinite(queueHeader) ? queueHeader : null,
      ignoredLines: 0,
    };
    let tokens = 0;
    try {
      const r = await readSseData(res.body, (data) => {
        const chunk = parseChunkData(data);
        if (chunk === null) {
          out.sawDone = true;
          return 'stop';
        }
        const k = tokensInChunk(chunk, a.api);
        if (k > 0) {
          out.tokensPerChunk.push(k);
          tokens += k;
          a.onChunk(k);
          if (out.tokensPerChunk.length > a.maxTokens + OVERRUN_SLACK) {
            throw new EdgebenchError(
              'TOKEN_COUNT_MISMATCH',
              `the server kept streaming past max_tokens ${a.maxTokens} (${out.tokensPerChunk.length} token chunks so far): it ignores max_tokens`,
              'use a server that honours max_tokens (vLLM, llama.cpp, edgebench serve); results with other lengths are not comparable',
            );
          }
        }
        const f = chunk.choices.find((c) => c.finish_reason)?.finish_reason;
        if (f) out.finishReason = f;
        const cached = cachedTokensOf(chunk);
        if (cached !== null) out.cachedTokens = cached;
        if (chunk.usage) {
          out.usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens };
          a.onUsage(out.usage.promptTokens, out.usage.completionTokens);
        }
      });
      out.ignoredLines = r.ignoredLines;
    } catch (e) {
      if (timedOut) throw timeoutError();
      if (e instanceof EdgebenchError) throw e;
      throw new EdgebenchError(
        'NETWORK',
        `stream cut after ${tokens} of ${a.maxTokens} tokens: ${redact(causeText(e), a.key)}`,
        'the server closed the connection mid-answer; check its log (crash, out of memory, proxy or load-balancer timeout)',
      );
    }
    if (!out.sawDone && out.finishReason === null && out.usage === null) {
      throw new EdgebenchError(
        'NETWORK',
        `stream cut after ${tokens} of ${a.maxTokens} tokens: the connection closed without a finish_reason, usage or [DONE]`,
        'the server closed the connection mid-answer; check its log (crash, out of memory, proxy or load-balancer timeout)',
      );
    }
    return out;
  } finally {
    clearTimeout(timer);
    controller.abort(); // frees the socket when we stopped early; a no-op after a clean end
  }
}
