/** What the openai-http runner saw over one cell's requests, stored in cell.extra.runner. */

export interface HttpCellStats {
  requests: number;
  /** HTTP attempts, retries included */
  attempts: number;
  retries: number;
  /** total backoff / Retry-After wait (ms); never inside a timed window */
  retryWaitMs: number;
  rateLimited: number;
  serverErrors: number;
  networkErrors: number;
  /** token-bearing chunks received */
  chunks: number;
  /** histogram: tokens counted in a chunk → number of such chunks */
  tokensPerChunk: Record<string, number>;
  /** tokens only known from usage (several tokens in one chunk): recorded at the stream's end */
  tokensAtStreamEnd: number;
  /** requests whose stream carried no usage (token count taken from the chunks) */
  usageMissing: number;
  /** usage.prompt_tokens seen (distinct values) */
  promptTokens: number[];
  /** server-reported queue waits (ms), when the server reports them */
  queueMs: number[];
  /** SSE lines with unknown fields (ignored, as the SSE spec says) */
  ignoredSseLines: number;
  /**
   * min_tokens + ignore_eos sent, and what was observed: maxTokensHonoured = no answer longer than
   * max_tokens; reachedMaxTokens = every answer as long as asked. minTokensHonoured is only ever
   * false (an answer stopped short although min_tokens was sent) or null: a full-length answer
   * cannot tell min_tokens from ignore_eos (or from a model that simply did not stop).
   */
  fixedLength: { sent: boolean; maxTokensHonoured: boolean | null; reachedMaxTokens: boolean | null; minTokensHonoured: false | null };
  /** the server's prompt cache, per request in order (cold, warmup, measured: the trace index) */
  promptCache: PromptCacheStats;
  tokenTimes: string;
}

export interface PromptCacheStats {
  /** bust: every prompt starts with words no other request shares; warm: a shared prefix on purpose */
  mode: 'bust' | 'warm';
  /** cached prompt tokens the server reported for request i (null: not reported) */
  cachedTokens: (number | null)[];
  /** usage.prompt_tokens of request i (null: no usage) */
  promptTokens: (number | null)[];
}

export const TOKEN_TIMES_RULE =
  't_i = arrival of the SSE chunk that carries token i (k tokens in one chunk share its arrival time); tokens known only from usage are placed at the end of the stream';

export function emptyStats(fixedLengthSent: boolean, cacheMode: PromptCacheStats['mode'] = 'bust'): HttpCellStats {
  return {
    requests: 0,
    attempts: 0,
    retries: 0,
    retryWaitMs: 0,
    rateLimited: 0,
    serverErrors: 0,
    networkErrors: 0,
    chunks: 0,
    tokensPerChunk: {},
    tokensAtStreamEnd: 0,
    usageMissing: 0,
    promptTokens: [],
    queueMs: [],
    ignoredSseLines: 0,
    fixedLength: { sent: fixedLengthSent, maxTokensHonoured: null, reachedMaxTokens: null, minTokensHonoured: null },
    promptCache: { mode: cacheMode, cachedTokens: [], promptTokens: [] },
    tokenTimes: TOKEN_TIMES_RULE,
  };
}

/** Fold one request's completion-token count into the honoured flags (null until a request finished). */
export function noteLength(s: HttpCellStats, completionTokens: number, asked: number): void {
  const f = s.fixedLength;
  f.maxTokensHonoured = (f.maxTokensHonoured ?? true) && completionTokens <= asked;
  f.reachedMaxTokens = (f.reachedMaxTokens ?? true) && completionTokens >= asked;
  if (f.sent && completionTokens < asked) f.minTokensHonoured = false;
}
