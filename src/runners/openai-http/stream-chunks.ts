/**
 * The server-sent-events side of an OpenAI-compatible streaming answer: SSE framing (the
 * eventsource-parser library), the chunk schema (validated with zod), and how many tokens a chunk
 * carries.
 *
 * Token counting per chunk: the number of `logprobs` entries when the server sends them (exact),
 * otherwise 1 for a chunk whose content (chat) or text (completions) is a non-empty string, or an
 * empty string in a chunk without `role` (chat) / without `finish_reason` (completions): a token
 * that decodes to nothing yet, e.g. half a UTF-8 character. The role-only opening chunk, the
 * finish-only chunk (`delta: {}` / `text: ''`) and the usage chunk carry no token. Tokens a server
 * packs into one chunk without logprobs are found from `usage` at the end (see cell-stats.ts).
 */
import { createParser } from 'eventsource-parser';
import { z } from 'zod';
import { EdgebenchError } from '../../errors.ts';

const Choice = z.looseObject({
  delta: z.looseObject({ role: z.string().nullish(), content: z.string().nullish() }).nullish(),
  text: z.string().nullish(),
  logprobs: z.looseObject({ content: z.array(z.unknown()).nullish(), tokens: z.array(z.unknown()).nullish() }).nullish(),
  finish_reason: z.string().nullish(),
});

const Count = z.number().int().nonnegative();

export const StreamChunk = z.looseObject({
  choices: z.array(Choice),
  usage: z
    .looseObject({
      prompt_tokens: Count,
      completion_tokens: Count,
      // OpenAI, vLLM, llama-server (recent): prompt tokens served from the server's prompt cache
      prompt_tokens_details: z.looseObject({ cached_tokens: Count.nullish() }).nullish(),
      // DeepSeek's spelling of the same count
      prompt_cache_hit_tokens: Count.nullish(),
    })
    .nullish(),
  // llama-server's own timings: cache_n = prompt tokens reused from the slot's cache
  timings: z.looseObject({ cache_n: Count.nullish() }).nullish(),
});
export type StreamChunk = z.infer<typeof StreamChunk>;

/** Prompt tokens the server says it took from its cache, or null when it does not say. */
export function cachedTokensOf(chunk: StreamChunk): number | null {
  return chunk.usage?.prompt_tokens_details?.cached_tokens ?? chunk.usage?.prompt_cache_hit_tokens ?? chunk.timings?.cache_n ?? null;
}

const ErrorChunk = z.looseObject({ error: z.union([z.string(), z.looseObject({ message: z.string().optional() })]) });

export function tokensInChunk(chunk: StreamChunk, api: 'chat' | 'completions'): number {
  let n = 0;
  for (const c of chunk.choices) {
    const lp = c.logprobs?.content ?? c.logprobs?.tokens;
    if (lp && lp.length > 0) {
      n += lp.length;
      continue;
    }
    if (api === 'chat') {
      const content = c.delta?.content;
      if (typeof content === 'string' && (content !== '' || !c.delta?.role)) n++;
    } else if (typeof c.text === 'string' && (c.text !== '' || !c.finish_reason)) n++;
  }
  return n;
}

const excerpt = (s: string) => (s.length > 120 ? `${s.slice(0, 120)}…` : s).replace(/\s+/g, ' ');

/** Parse one SSE `data:` payload: a chunk, or '[DONE]' (null). Anything else is a protocol error. */
export function parseChunkData(data: string): StreamChunk | null {
  if (data.trim() === '[DONE]') return null;
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    throw new EdgebenchError(
      'SERVER_PROTOCOL',
      `malformed SSE data from the server (not JSON): '${excerpt(data)}'`,
      'the endpoint must speak the OpenAI streaming format (data: {json} events, then data: [DONE]); check --endpoint and --api (chat or completions)',
    );
  }
  const err = ErrorChunk.safeParse(json);
  if (err.success) {
    const e = err.data.error;
    const msg = typeof e === 'string' ? e : (e.message ?? JSON.stringify(e));
    throw new EdgebenchError(
      'NETWORK',
      `the server reported an error mid-stream: ${excerpt(msg)}`,
      'check the server log; the request was aborted by the server',
    );
  }
  const r = StreamChunk.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new EdgebenchError(
      'SERVER_PROTOCOL',
      `unexpected stream chunk from the server (${i.path.map(String).join('.') || '(root)'}: ${i.message}): '${excerpt(data)}'`,
      'the endpoint must speak the OpenAI streaming format; check --endpoint and --api (chat or completions)',
    );
  }
  return r.data;
}

/** After [DONE], wait this long for the server to end the response before closing the connection. */
const DRAIN_MS = 1000;

function drainDeadline(until: number): Promise<'late'> {
  return new Promise((r) => setTimeout(() => r('late'), Math.max(0, until - Date.now())).unref());
}

/** Feed a response body through the SSE parser, calling onData for every event's data, in order. */
export async function readSseData(
  body: ReadableStream<Uint8Array>,
  onData: (data: string) => 'stop' | void,
): Promise<{ ignoredLines: number }> {
  let ignoredLines = 0;
  let stopped = false;
  const parser = createParser({
    onEvent: (ev) => {
      if (!stopped && onData(ev.data) === 'stop') stopped = true;
    },
    onError: () => void ignoredLines++, // unknown SSE fields are ignored, as the SSE spec says
  });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let ended = false;
  let drainUntil = Infinity;
  try {
    for (;;) {
      const next = reader.read();
      const r = stopped ? await Promise.race([next, drainDeadline(drainUntil)]) : await next;
      if (r === 'late') break;
      if (r.done) {
        ended = true;
        break;
      }
      if (stopped) continue; // after [DONE]: drain so the keep-alive connection can be reused
      parser.feed(decoder.decode(r.value, { stream: true }));
      if (stopped) drainUntil = Date.now() + DRAIN_MS;
    }
  } finally {
    if (!ended) await reader.cancel().catch(() => {}); // stopped early or failed: close the connection
  }
  return { ignoredLines };
}
