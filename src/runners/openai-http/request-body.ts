/**
 * Request bodies. Chat endpoints take text, not token ids, so a seeded token workload becomes a
 * deterministic synthetic text: one common English word per seeded id (each is one token in the
 * Llama-3, Qwen and GPT BPE vocabularies when preceded by a space). The prompt is therefore only
 * about the requested length — the chat template and the one-line instruction add tokens — and the
 * prompt length recorded is the server's own `usage.prompt_tokens`.
 */
import type { OpenAiHttpSettings } from './settings.ts';

export const WORDS = (
  'the of and to in is it that was for on are with as his they be at one have this from or had by word but what ' +
  'some we can out other were all there when up use your how said an each she which do their time if will way ' +
  'about many then them write would like so these her long make thing see him two has look more day could go ' +
  'come did number sound no most people my over know water than call first who may down side been now find any ' +
  'new work part take get place made live where after back little only round man year came show every good me ' +
  'give our under name very through just form sentence great think say help low line differ turn cause much mean ' +
  'before move right boy old too same tell does set three want air well also play small end put home read hand ' +
  'port large spell add even land here must big high such follow act why ask men change went light kind off need'
).split(' ');

export const CHAT_INSTRUCTION = 'Write a long story that uses these words:';

/** Deterministic text of `ids.length` words (one word per seeded id). */
export function syntheticText(ids: readonly number[]): string {
  return ids.map((id) => WORDS[Math.abs(id) % WORDS.length]!).join(' ');
}

export interface BodyInput {
  settings: OpenAiHttpSettings;
  model: string;
  /** prompt text (the suite's text prompt or the synthetic one) */
  text: string;
  maxTokens: number;
}

/** The JSON body: greedy, streaming with usage, fixed length where the server allows it. */
export function requestBody(b: BodyInput): Record<string, unknown> {
  const { settings: s } = b;
  const body: Record<string, unknown> = { model: b.model };
  if (s.api === 'chat') body.messages = [{ role: 'user', content: b.text }];
  else body.prompt = b.text;
  Object.assign(body, {
    max_tokens: b.maxTokens,
    temperature: 0,
    stream: true,
    stream_options: { include_usage: true },
  });
  if (s.seed !== undefined) body.seed = s.seed;
  // vLLM / SGLang: min_tokens; vLLM / llama.cpp / edgebench serve: ignore_eos
  if (s.fixedLength) Object.assign(body, { min_tokens: b.maxTokens, ignore_eos: true });
  return body;
}
