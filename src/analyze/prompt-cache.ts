/**
 * A server's prompt cache taken for prefill speed: when a server reports that it served a request's
 * prompt from its cache (`usage.prompt_tokens_details.cached_tokens` and kin, recorded per request
 * by the openai-http runner in cell.extra.runner.promptCache), that request's TTFT did not prefill
 * the prompt. At or above PROMPT_CACHED_FRACTION of the prompt cached, the request's prefill speed
 * is not reported and the cell is marked PROMPT_CACHED; below it, the share is stated.
 */
import { z } from 'zod';
import type { CellResult, RequestTrace, Warning } from '../results/schema.ts';

export const PROMPT_CACHED_FRACTION = 0.5;

const PromptCache = z.looseObject({
  mode: z.enum(['bust', 'warm']),
  cachedTokens: z.array(z.number().nonnegative().nullable()),
});

function promptCacheOf(cell: Pick<CellResult, 'extra'>): z.infer<typeof PromptCache> | null {
  const runner = cell.extra?.runner;
  if (typeof runner !== 'object' || runner === null) return null;
  const r = PromptCache.safeParse((runner as Record<string, unknown>).promptCache);
  return r.success ? r.data : null;
}

/** Share of the request's prompt the server took from its cache; null when the server did not say. */
export function cachedFraction(trace: RequestTrace, cell: Pick<CellResult, 'extra'>): number | null {
  const cached = promptCacheOf(cell)?.cachedTokens[trace.index];
  if (cached === undefined || cached === null || trace.promptTokens <= 0) return null;
  return Math.min(1, cached / trace.promptTokens);
}

export function servedFromCache(trace: RequestTrace, cell: Pick<CellResult, 'extra'>): boolean {
  return (cachedFraction(trace, cell) ?? 0) >= PROMPT_CACHED_FRACTION;
}

const pct = (x: number) => `${(x * 100).toFixed(0)} %`;

export function promptCacheWarning(cell: Pick<CellResult, 'extra'>, measured: RequestTrace[]): Warning | null {
  const pc = promptCacheOf(cell);
  if (!pc) return null;
  const fractions = measured.map((r) => cachedFraction(r, cell)).filter((f): f is number => f !== null);
  const hit = fractions.filter((f) => f >= PROMPT_CACHED_FRACTION).length;
  const top = Math.max(0, ...fractions);
  if (hit > 0) {
    return {
      code: 'PROMPT_CACHED',
      severity: 'warn',
      message: `${hit} of ${measured.length} measured prompts were served from the server's prompt cache (up to ${pct(top)} of the prompt${pc.mode === 'warm' ? ', a warm prefix on purpose' : ''}): their TTFT is not a prefill, so prefill speed is not reported for them`,
      fix:
        pc.mode === 'warm'
          ? 'this cell measures a warm prefix cache on purpose: read its TTFT as "with cache"; measure prefill with promptCache: bust'
          : 'the server reuses prompts across requests although each one is unique: disable its prompt cache (llama-server --cache-reuse 0 / cache_prompt: false, vLLM without --enable-prefix-caching) to measure prefill',
      metrics: ['prefillTokensPerS', 'ttftMs'],
    };
  }
  if (top > 0) {
    return {
      code: 'PROMPT_PARTLY_CACHED',
      severity: 'info',
      message: `the server served up to ${pct(top)} of a prompt from its cache (below ${pct(PROMPT_CACHED_FRACTION)}: e.g. a shared chat-template header); prefill speed is reported`,
      fix: 'nothing to do for long prompts; for very short prompts prefer a longer pp shape so the shared header does not matter',
      metrics: ['prefillTokensPerS'],
    };
  }
  return null;
}
