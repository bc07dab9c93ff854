/**
 * Request bodies `edgebench serve --openai` accepts (zod). Unknown OpenAI fields (user,
 * presence_penalty, …) are tolerated; fields it cannot honour (n > 1, stop, non-text content) are
 * rejected with a 400 that says so. Decoding is always greedy. Extensions for benchmarks (as in
 * vLLM): `min_tokens` (no EOS before that many tokens) and `ignore_eos`.
 */
import { z } from 'zod';

const MAX_TOKENS_LIMIT = 1 << 20;

const common = {
  model: z.string().min(1),
  max_tokens: z.number().int().positive().max(MAX_TOKENS_LIMIT).nullish(),
  max_completion_tokens: z.number().int().positive().max(MAX_TOKENS_LIMIT).nullish(),
  min_tokens: z.number().int().nonnegative().max(MAX_TOKENS_LIMIT).nullish(),
  ignore_eos: z.boolean().nullish(),
  stream: z.boolean().nullish(),
  // include_obfuscation: the official client may send it; obfuscation pads chunks against side channels on shared networks, pointless here
  stream_options: z
    .strictObject({
      include_usage: z.boolean().nullish(),
      include_obfuscation: z.boolean().nullish(),
      continuous_usage_stats: z.boolean().nullish(),
    })
    .nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  seed: z.number().int().nullish(),
  n: z.literal(1, { error: 'only n = 1 is supported (one answer per request)' }).nullish(),
  stop: z.union([z.null(), z.array(z.string()).length(0)], { error: 'stop sequences are not supported by edgebench serve' }).optional(),
  // vLLM's extension: logprob tokens as "token_id:<id>", so a client can compare distributions by id
  return_tokens_as_token_ids: z.boolean().nullish(),
};

const TextPart = z.strictObject({ type: z.literal('text', { error: "only 'text' content parts are supported" }), text: z.string() });

const Message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.union([z.string(), z.array(TextPart).min(1)], { error: 'content must be a string or an array of text parts' }),
});

/** OpenAI's bounds: chat top_logprobs 0..20, legacy completions logprobs 0..5. */
export const MAX_TOP_LOGPROBS = { chat: 20, completions: 5 } as const;

export const ChatRequest = z.looseObject({
  ...common,
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().min(0).max(MAX_TOP_LOGPROBS.chat).nullish(),
  messages: z.array(Message).min(1, { error: 'messages must hold at least one message' }),
});
export type ChatRequest = z.infer<typeof ChatRequest>;

export const CompletionRequest = z.looseObject({
  ...common,
  logprobs: z.number().int().min(0).max(MAX_TOP_LOGPROBS.completions).nullish(),
  prompt: z.union([z.string(), z.array(z.string()).length(1), z.array(z.number().int().nonnegative()).min(1)], {
    error: 'prompt must be a string, a one-element array of strings, or an array of token ids',
  }),
});
export type CompletionRequest = z.infer<typeof CompletionRequest>;

/** "messages.0.role: Invalid option …; max_tokens: …" — what is wrong, and where. */
export function describeIssues(err: z.ZodError): string {
  return err.issues
    .slice(0, 4)
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : '(body)'}: ${i.message}`)
    .join('; ');
}

export function messageText(content: string | { text: string }[]): string {
  return typeof content === 'string' ? content : content.map((p) => p.text).join('');
}
