/**
 * Next-token scores over HTTP for the quality pass (untimed, approximate): the stream is sent as
 * token ids to the legacy `/v1/completions` with `max_tokens: 1` and `logprobs: 5` — the API's
 * maximum — asking for ids (`return_tokens_as_token_ids`, vLLM's extension; edgebench serve has
 * it). One request per scored position re-sends the whole prefix, so at most MAX_POSITIONS
 * positions, evenly spaced, are scored; the others are skipped. Endpoints that return token text
 * instead of ids cannot be compared by id: QUALITY_UNSUPPORTED.
 */
import { z } from 'zod';
import { EdgebenchError } from '../../errors.ts';
import type { TokenScorer } from '../types.ts';
import { apiUrl, redact, type ApiKey, type OpenAiHttpSettings } from './settings.ts';

export const MAX_POSITIONS = 64;
const TOP_K = 5;

const Answer = z.looseObject({
  choices: z
    .array(z.looseObject({ logprobs: z.looseObject({ top_logprobs: z.array(z.record(z.string(), z.number()).nullable()) }).nullable() }))
    .min(1),
});

export function httpScorer(s: OpenAiHttpSettings, key: ApiKey | null, apiModel: string, total: number): TokenScorer {
  const stride = Math.max(1, Math.ceil(total / MAX_POSITIONS));
  const history: number[] = [];
  const url = apiUrl(s.endpoint, 'completions');
  async function topAt(prefix: number[]): Promise<{ id: number; logprob: number }[]> {
    const body = {
      model: apiModel,
      prompt: prefix,
      max_tokens: 1,
      temperature: 0,
      logprobs: TOP_K,
      return_tokens_as_token_ids: true,
      stream: false,
    };
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key.value}` } : {}) },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(s.timeoutS * 1000),
      });
    } catch (e) {
      throw new EdgebenchError(
        'NETWORK',
        `quality request to ${url} failed: ${redact((e as Error).message, key)}`,
        'check that the server is up',
      );
    }
    const text = await res.text();
    if (!res.ok) {
      throw new EdgebenchError(
        'QUALITY_UNSUPPORTED',
        `the endpoint refused a token-id completions request with logprobs (HTTP ${res.status}: ${redact(text.slice(0, 200), key)})`,
        'quality over HTTP needs /v1/completions with token-id prompts and logprobs (vLLM, edgebench serve --openai)',
      );
    }
    let parsed: z.infer<typeof Answer>;
    try {
      parsed = Answer.parse(JSON.parse(text));
    } catch {
      throw new EdgebenchError(
        'QUALITY_UNSUPPORTED',
        'the endpoint answered without choices[0].logprobs.top_logprobs',
        'quality over HTTP needs logprobs on /v1/completions',
      );
    }
    const top = parsed.choices[0]!.logprobs?.top_logprobs[0];
    if (!top)
      throw new EdgebenchError(
        'QUALITY_UNSUPPORTED',
        'the endpoint returned no top_logprobs',
        'quality over HTTP needs logprobs on /v1/completions',
      );
    return Object.entries(top).map(([tok, logprob]) => {
      const m = /^token_id:(\d+)$/.exec(tok);
      if (!m)
        throw new EdgebenchError(
          'QUALITY_UNSUPPORTED',
          `the endpoint returns token text ('${tok.slice(0, 20)}'), not ids, in its logprobs`,
          'use a server with return_tokens_as_token_ids (vLLM, edgebench serve --openai)',
        );
      return { id: Number(m[1]), logprob };
    });
  }
  return {
    async feed(ids, onRow) {
      for (const id of ids) {
        history.push(id);
        const pos = history.length - 1;
        // the last position of each stride, and the stream's last: spread over the whole text
        if ((pos + 1) % stride === 0 || pos === total - 1) onRow({ kind: 'top-logprobs', top: await topAt([...history]) });
        else onRow({ kind: 'none' });
      }
    },
  };
}
