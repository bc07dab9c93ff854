/**
 * Log-probabilities of the served tokens, from the model's next-token logits (what the quality
 * measurements read): log p(id) = logit(id) − logsumexp(logits), and the k most likely
 * alternatives. Rendered in the chat shape (`logprobs.content[]`) or the legacy completions shape
 * (`tokens`, `token_logprobs`, `top_logprobs`, `text_offset`).
 */

export interface TokenLogprob {
  id: number;
  logprob: number;
  /** the k most likely tokens at this position, most likely first */
  top: { id: number; logprob: number }[];
}

export function tokenLogprob(row: Float32Array, id: number, k: number): TokenLogprob {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i]! > max) max = row[i]!;
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += Math.exp(row[i]! - max);
  const lse = max + Math.log(sum);
  // k is small (≤ 20): keep a sorted list of the best k instead of sorting the vocabulary
  const best: { id: number; v: number }[] = [];
  for (let i = 0; i < row.length && k > 0; i++) {
    const v = row[i]!;
    if (best.length < k) best.push({ id: i, v });
    else if (v > best[k - 1]!.v) best[k - 1] = { id: i, v };
    else continue;
    for (let j = best.length - 1; j > 0 && best[j - 1]!.v < best[j]!.v; j--) [best[j - 1], best[j]] = [best[j]!, best[j - 1]!];
  }
  return { id, logprob: row[id]! - lse, top: best.map((b) => ({ id: b.id, logprob: b.v - lse })) };
}

export type TokenText = (id: number) => string;

const bytes = (s: string) => [...Buffer.from(s, 'utf8')];

/** One entry of chat's `logprobs.content`. */
export function chatLogprobEntry(lp: TokenLogprob, text: TokenText): Record<string, unknown> {
  const t = text(lp.id);
  return {
    token: t,
    logprob: lp.logprob,
    bytes: bytes(t),
    top_logprobs: lp.top.map((x) => ({ token: text(x.id), logprob: x.logprob, bytes: bytes(text(x.id)) })),
  };
}

/** The legacy completions `logprobs` object for the tokens in `lps`; offsets count from `offset`. */
export function completionLogprobs(lps: TokenLogprob[], text: TokenText, offset: number): Record<string, unknown> {
  const tokens = lps.map((lp) => text(lp.id));
  const text_offset: number[] = [];
  let at = offset;
  for (const t of tokens) {
    text_offset.push(at);
    at += t.length;
  }
  return {
    tokens,
    token_logprobs: lps.map((lp) => lp.logprob),
    top_logprobs: lps.map((lp) => Object.fromEntries(lp.top.map((x) => [text(x.id), x.logprob]))),
    text_offset,
  };
}
