/**
 * The text of one request. A server's prompt cache (llama-server `cache_prompt`, vLLM prefix
 * caching, provider caches) would otherwise answer a repeated prompt without prefilling it, and
 * TTFT would read as prefill speed that never happened. So every request gets a prefix of three
 * words no other request of the run shares, placed before anything else:
 *   bust (default): [unique words] [instruction] [depth context] [prompt]   → nothing is reusable
 *   warm:           [instruction] [depth context] [unique words] [prompt]   → the context is a shared
 *                   prefix on purpose (agents resend long prefixes); the server's cached-token count
 *                   is recorded and the cell is marked, never read as prefill speed.
 * Over HTTP a `@d<D>` depth cannot live in a KV cache the client controls: it is sent as D words.
 */
import { CHAT_INSTRUCTION, syntheticText, WORDS } from './request-body.ts';

export type PromptCacheMode = 'bust' | 'warm';

/** Three words from the request counter and the run's salt: distinct for 10 million requests of one run. */
export function uniqueWords(salt: number, counter: number): string {
  const n = WORDS.length;
  let k = (salt + counter) % n ** 3;
  const out: string[] = [];
  for (let i = 0; i < 3; i++, k = Math.floor(k / n)) out.push(WORDS[k % n]!);
  return out.join(' ');
}

export interface PromptParts {
  api: 'chat' | 'completions';
  mode: PromptCacheMode;
  /** the suite's text prompt, when it has one (else synthetic words from the ids) */
  suiteText: string | undefined;
  ids: readonly number[];
  /** seeded ids of the `@d<D>` context (empty for depth 0) */
  contextIds: readonly number[];
  unique: string;
}

export function requestText(p: PromptParts): string {
  const prompt = p.suiteText ?? syntheticText(p.ids);
  const context = p.contextIds.length > 0 ? syntheticText(p.contextIds) : '';
  const instruction = p.suiteText === undefined && p.api === 'chat' ? CHAT_INSTRUCTION : '';
  const parts = p.mode === 'bust' ? [`${p.unique}.`, instruction, context, prompt] : [instruction, context, `${p.unique}.`, prompt];
  return parts.filter((x) => x !== '').join(' ');
}
