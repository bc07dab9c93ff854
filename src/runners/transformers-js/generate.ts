/**
 * Generation through transformers.js' own `model.generate()`, as applications call it: greedy,
 * a streamer for per-token times, and a fixed output length. EOS is ignored by setting
 * `eos_token_id: null` (no EOS stopping criterion, no min-length processor that would mask EOS
 * and change the greedy tokens), so exactly `max_new_tokens` tokens come out — the same tokens as
 * edgebench's own loop. Depth contexts: an untimed generate over the context returns its KV cache
 * (`return_dict_in_generate`), which the timed call continues from.
 */
import { BaseStreamer, Tensor, type DynamicCache, type PreTrainedModel } from '@huggingface/transformers';
import { EdgebenchError } from '../../errors.ts';

type GenerateArgs = Parameters<PreTrainedModel['generate']>[0];

/** Generation settings that make `generate` deterministic and fixed-length, whatever generation_config.json says. */
export function greedyConfig(maxNewTokens: number): Record<string, unknown> {
  return {
    max_new_tokens: maxNewTokens,
    min_new_tokens: null,
    min_length: 0,
    do_sample: false,
    num_beams: 1,
    repetition_penalty: 1.0,
    no_repeat_ngram_size: 0,
    bad_words_ids: null,
    eos_token_id: null,
  };
}

/** Calls `onToken` for every generated id, the moment `generate` hands it over (the prompt is skipped). */
export class TokenCallbackStreamer extends BaseStreamer {
  private sawPrompt = false;
  count = 0;
  constructor(private readonly onToken: (id: number) => void) {
    super();
  }
  override put(value: bigint[][]): void {
    if (!this.sawPrompt) {
      this.sawPrompt = true;
      return;
    }
    const id = value[0]?.[0];
    if (id === undefined) return;
    this.count++;
    this.onToken(Number(id));
  }
  override end(): void {}
}

const ids = (xs: readonly number[]) =>
  new Tensor(
    'int64',
    BigInt64Array.from(xs, (x) => BigInt(x)),
    [1, xs.length],
  );
const ones = (n: number) => new Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]);

/** Untimed: run the context through the model and keep its KV cache (length = context). */
export async function prefillCache(model: PreTrainedModel, contextIds: readonly number[]): Promise<DynamicCache> {
  const out = (await model.generate({
    ...greedyConfig(1),
    input_ids: ids(contextIds),
    return_dict_in_generate: true,
  } as GenerateArgs)) as unknown as { past_key_values?: DynamicCache };
  const cache = out.past_key_values;
  if (!cache || cache.get_seq_length() !== contextIds.length) {
    throw new EdgebenchError(
      'INTERNAL',
      `transformers.js returned a KV cache of length ${cache?.get_seq_length() ?? 'none'} for a ${contextIds.length}-token context`,
      'run this shape without @d on transformers-js, and report it',
    );
  }
  return cache;
}

/** Timed: greedy `generate` of exactly `maxNewTokens` tokens after `inputIds` (on top of `cache` when given). */
export async function generateTokens(
  model: PreTrainedModel,
  contextIds: readonly number[],
  cache: DynamicCache | null,
  inputIds: readonly number[],
  maxNewTokens: number,
  onToken: (id: number) => void,
): Promise<void> {
  const streamer = new TokenCallbackStreamer(onToken);
  // with a cache, transformers.js takes the full sequence and feeds only what the cache lacks
  const all = cache ? [...contextIds, ...inputIds] : inputIds;
  const args = {
    ...greedyConfig(maxNewTokens),
    input_ids: ids(all),
    attention_mask: ones(all.length),
    streamer,
    ...(cache ? { past_key_values: cache } : {}),
  };
  try {
    await model.generate(args as unknown as GenerateArgs);
  } finally {
    if (cache) await cache.dispose();
  }
  if (streamer.count !== maxNewTokens) {
    throw new EdgebenchError(
      'TOKEN_COUNT_MISMATCH',
      `transformers.js generated ${streamer.count} tokens, asked for ${maxNewTokens}`,
      'the model may have hit max_position_embeddings; use a shorter shape',
    );
  }
}
