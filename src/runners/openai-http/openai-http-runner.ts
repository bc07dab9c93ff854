/**
 * openai-http runner: any OpenAI-compatible endpoint (`/v1/chat/completions` or `/v1/completions`)
 * with `stream: true`. Boundary 'http-client': network, queueing and server overheads are inside
 * every number. Token times are chunk arrival times (rule in cell-stats.ts); token counts come from
 * the final `usage`; a request whose length differs from the one asked for fails the cell
 * (TOKEN_COUNT_MISMATCH), never silently accepted. Retries (429 / 5xx / network before the answer)
 * wait outside the timed window: the harness restarts the request's clock.
 */
import { z } from 'zod';
import type { Availability, GenerateControl, LoadedModel, LoadOptions, ModelSource, PreparedSequence, RunnerFactory } from '../types.ts';
import { EdgebenchError, isEdgebenchError } from '../../errors.ts';
import { readPackageVersion } from '../../version.ts';
import { emptyStats, noteLength, type HttpCellStats } from './cell-stats.ts';
import { requestBody } from './request-body.ts';
import { requestText, uniqueWords } from './prompt-text.ts';
import { randomInt } from 'node:crypto';
import { RetryableFailure, retryDelayMs, sleep } from './retry.ts';
import { apiKeyFromEnv, apiUrl, parseSettings, redact, shownEndpoint, type ApiKey, type OpenAiHttpSettings } from './settings.ts';
import { httpScorer } from './scorer.ts';
import { streamAttempt } from './stream-attempt.ts';
import { codePointIds, modellessModel } from '../modelless.ts';
import { openAiHttpInfo } from './info.ts';

const PROBE_TIMEOUT_MS = 5000;
const AUTH_HINT = 'set EDGEBENCH_API_KEY (or OPENAI_API_KEY) to a key this endpoint accepts';

function authHeaders(key: ApiKey | null): Record<string, string> {
  return key ? { authorization: `Bearer ${key.value}` } : {};
}

function causeText(e: unknown): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  return err.cause?.code ?? err.cause?.message ?? err.message ?? String(e);
}

/** GET /v1/models: reachability, auth, and the served model names (null when the list is unreadable). */
async function listModels(
  s: OpenAiHttpSettings,
  key: ApiKey | null,
): Promise<{ status: number; ids: string[] | null; server: string | null; synthetic: Map<string, boolean> }> {
  const res = await fetch(apiUrl(s.endpoint, 'models'), { headers: authHeaders(key), signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  let ids: string[] | null = null;
  const synthetic = new Map<string, boolean>();
  try {
    const j = ModelList.safeParse(await res.json());
    if (j.success) {
      const entries = j.data.data.map((m) => ModelEntry.safeParse(m)).flatMap((m) => (m.success ? [m.data] : []));
      ids = entries.map((m) => m.id);
      for (const m of entries) if (m.edgebench) synthetic.set(m.id, m.edgebench.synthetic);
    }
  } catch {
    // no JSON list: fine, some servers have no /v1/models
  }
  return { status: res.status, ids, server: res.headers.get('server'), synthetic };
}

/** GET /v1/models as far as it is read: ids, and edgebench serve's declaration of what it serves. */
const ModelList = z.object({ data: z.array(z.unknown()) });
const ModelEntry = z.object({ id: z.string(), edgebench: z.object({ synthetic: z.boolean() }).optional() });

function mismatch(produced: number, asked: number, finish: string | null, s: OpenAiHttpSettings): EdgebenchError {
  if (produced > asked) {
    return new EdgebenchError(
      'TOKEN_COUNT_MISMATCH',
      `the server returned ${produced} completion tokens for max_tokens ${asked}: it ignores max_tokens`,
      'use a server that honours max_tokens (vLLM, llama.cpp, edgebench serve); results with other lengths are not comparable',
    );
  }
  const why = s.fixedLength ? ': it ignored min_tokens / ignore_eos' : ' (fixedLength is off)';
  return new EdgebenchError(
    'TOKEN_COUNT_MISMATCH',
    `the server stopped after ${produced} of ${asked} tokens (finish_reason ${finish ?? 'none'})${why}`,
    s.fixedLength
      ? 'this server cannot fix the output length: use a shorter tg shape, or a --prompt that asks for a long answer'
      : 'set runnerSettings.openai-http.fixedLength: true if the server supports min_tokens / ignore_eos',
  );
}

export const openAiHttpRunner: RunnerFactory = {
  ...openAiHttpInfo,
  /** the model lives behind the endpoint: nothing to build or read here */
  async resolveModel(spec, dtype) {
    return modellessModel(spec, dtype, false);
  },
  /** the endpoint gets the text itself; these ids only set the prompt length until `usage` reports the real one */
  async tokenize(model, text) {
    return codePointIds(model, text);
  },
  async probe(opts): Promise<Availability> {
    let s: OpenAiHttpSettings;
    try {
      s = parseSettings(opts.settings);
    } catch (e) {
      return { ok: false, reason: (e as Error).message, hint: isEdgebenchError(e) ? (e.hint ?? '') : '' };
    }
    const key = apiKeyFromEnv(process.env, s.apiKeyEnv);
    const shown = shownEndpoint(s.endpoint);
    try {
      const r = await listModels(s, key);
      if (r.status === 401 || r.status === 403) {
        return {
          ok: false,
          reason: `${shown} answered HTTP ${r.status} (${key ? `the key in ${key.envName} was refused` : 'no API key is set'})`,
          hint: AUTH_HINT,
        };
      }
      return { ok: true, detail: `${shown} reachable (GET /v1/models: HTTP ${r.status})` };
    } catch (e) {
      return {
        ok: false,
        reason: `cannot reach ${shown}: ${redact(causeText(e), key)}`,
        hint: 'start the server (e.g. `edgebench serve --openai --model tiny-llama`) or fix --endpoint',
      };
    }
  },

  async load(model: ModelSource, opts: LoadOptions): Promise<LoadedModel> {
    const s = parseSettings(opts.settings);
    const key = apiKeyFromEnv(process.env, s.apiKeyEnv);
    const apiModel = s.model ?? model.id;
    const url = apiUrl(s.endpoint, s.api === 'chat' ? 'chat/completions' : 'completions');
    let listed: Awaited<ReturnType<typeof listModels>> | null = null;
    try {
      listed = await listModels(s, key);
    } catch {
      // the probe already found the server; a failing list is not fatal
    }
    let stats: HttpCellStats = emptyStats(s.fixedLength, s.promptCache);
    // per-load salt: a second run against the same server finds none of this run's prompts in its cache
    const salt = randomInt(0, 2 ** 31 - 1);
    let counter = 0;
    return {
      resolved: {
        runner: 'openai-http',
        executionProvider: 'remote',
        dtype: model.dtype,
        threads: null,
        settings: {
          endpoint: shownEndpoint(s.endpoint),
          api: s.api,
          apiModel,
          fixedLength: s.fixedLength,
          timeoutS: s.timeoutS,
          maxRetries: s.maxRetries,
          retryBaseMs: s.retryBaseMs,
          maxRetryWaitS: s.maxRetryWaitS,
          apiKeyFrom: key?.envName ?? null, // the variable's name, never its value
          prompt: opts.promptText !== undefined ? 'suite-text' : 'synthetic-words',
          promptCache: s.promptCache,
          promptSalt: salt,
          depthSentAs: 'text',
          modelListed: listed?.ids ? listed.ids.includes(apiModel) : null,
          server: listed?.server ?? null,
        },
        fallback: false,
        versions: { edgebench: readPackageVersion(), node: process.versions.node },
      },
      remote: { modelsUrl: apiUrl(s.endpoint, 'models'), shown: shownEndpoint(s.endpoint), headers: () => authHeaders(key) },
      // a server that declares its weights (edgebench serve) is believed; others stay as resolved
      ...(listed?.synthetic.has(apiModel) && { weights: listed.synthetic.get(apiModel) ? 'synthetic' : 'real' }),
      parallel: { max: null, how: 'parallel HTTP requests; the server decides how it batches or queues them' },
      async scorer(maxTokens) {
        return httpScorer(s, key, apiModel, maxTokens);
      },
      takeCellExtra() {
        const out = stats;
        stats = emptyStats(s.fixedLength, s.promptCache);
        return { ...out };
      },
      async prepare(contextIds: number[]): Promise<PreparedSequence> {
        // an HTTP endpoint keeps no KV cache the client controls: the @d context travels as text (prompt-text.ts)
        return { generate: (ids, n, onToken, control) => generate(contextIds, ids, n, onToken, control) };
      },
      async [Symbol.asyncDispose]() {},
    };

    async function generate(
      contextIds: number[],
      inputIds: number[],
      n: number,
      onToken: (id: number) => void,
      control?: GenerateControl,
    ): Promise<void> {
      const text = requestText({
        api: s.api,
        mode: s.promptCache,
        suiteText: opts.promptText,
        ids: inputIds,
        contextIds,
        unique: uniqueWords(salt, counter++),
      });
      const body = requestBody({ settings: s, model: apiModel, text, maxTokens: n });
      stats.requests++;
      let emitted = 0;
      // token ids are unknown over HTTP: -1 stands for "a token"
      const emit = (k: number) => {
        for (let i = 0; i < k && emitted < n; i++, emitted++) onToken(-1);
      };
      for (let retry = 0; ; retry++) {
        stats.attempts++;
        try {
          const out = await streamAttempt({
            url,
            body,
            key,
            api: s.api,
            timeoutMs: s.timeoutS * 1000,
            maxTokens: n,
            onChunk(k) {
              stats.chunks++;
              stats.tokensPerChunk[k] = (stats.tokensPerChunk[k] ?? 0) + 1;
              emit(k);
            },
            onUsage(_prompt, completion) {
              // tokens that arrived inside multi-token chunks: only now known, recorded at the stream's end
              const missing = Math.min(n, completion) - emitted;
              if (missing > 0) {
                stats.tokensAtStreamEnd += missing;
                emit(missing);
              }
            },
          });
          if (out.queueMs !== null) stats.queueMs.push(out.queueMs);
          stats.ignoredSseLines += out.ignoredLines;
          const produced = out.usage?.completionTokens ?? out.tokensPerChunk.reduce((a, b) => a + b, 0);
          if (out.usage) {
            if (!stats.promptTokens.includes(out.usage.promptTokens)) stats.promptTokens.push(out.usage.promptTokens);
            control?.setPromptTokens(out.usage.promptTokens);
          } else stats.usageMissing++;
          stats.promptCache.cachedTokens.push(out.cachedTokens);
          control?.setCachedTokens?.(out.cachedTokens);
          stats.promptCache.promptTokens.push(out.usage?.promptTokens ?? null);
          noteLength(stats, produced, n);
          if (produced !== n) throw mismatch(produced, n, out.finishReason, s);
          return;
        } catch (e) {
          if (!(e instanceof RetryableFailure)) throw e;
          if (e.kind === 'rate-limited') stats.rateLimited++;
          else if (e.kind === 'server-error') stats.serverErrors++;
          else stats.networkErrors++;
          if (retry >= s.maxRetries) {
            throw new EdgebenchError(
              'NETWORK',
              `${e.message} (gave up after ${retry + 1} attempts)`,
              e.kind === 'rate-limited'
                ? 'the endpoint is rate-limiting: lower the request rate (cooldown, fewer repetitions) or raise maxRetries'
                : 'check that the server is up and healthy; raise runnerSettings.openai-http.maxRetries for flaky networks',
            );
          }
          const wait = retryDelayMs(retry, e, s);
          stats.retries++;
          stats.retryWaitMs += wait;
          await sleep(wait);
          emitted = 0;
          control?.restartClock(); // the retried request is timed from its own submission
        }
      }
    }
  },
};
