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
  /** min_tokens + ignore_eos sent, and whether completion_tokens always equalled max_tokens */
  fixedLength: { sent: boolean; maxTokensHonoured: boolean | null; minTokensHonoured: boolean | null };
  tokenTimes: string;
}

export const TOKEN_TIMES_RULE =
  't_i = arrival of the SSE chunk that carries token i (k tokens in one chunk share its arrival time); tokens known only from usage are placed at the end of the stream';

export function emptyStats(fixedLengthSent: boolean): HttpCellStats {
  return {
    requests: 0, attempts: 0, retries: 0, retryWaitMs: 0, rateLimited: 0, serverErrors: 0, networkErrors: 0,
    chunks: 0, tokensPerChunk: {}, tokensAtStreamEnd: 0, usageMissing: 0, promptTokens: [], queueMs: [], ignoredSseLines: 0,
    fixedLength: { sent: fixedLengthSent, maxTokensHonoured: null, minTokensHonoured: null },
    tokenTimes: TOKEN_TIMES_RULE,
  };
}

/** Fold one request's completion-token count into the honoured flags (null until a request finished). */
export function noteLength(s: HttpCellStats, completionTokens: number, asked: number): void {
  const f = s.fixedLength;
  f.maxTokensHonoured = (f.maxTokensHonoured ?? true) && completionTokens <= asked;
  f.minTokensHonoured = (f.minTokensHonoured ?? true) && completionTokens >= asked;
}
