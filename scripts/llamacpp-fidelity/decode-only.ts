/**
 * llama-bench's pp and tg through node-llama-cpp on the runner's own loaded context, without
 * sampling: the prompt (pp) or each single token (tg) goes through `sequence.evaluate` with
 * node-llama-cpp's internal `_noSampling` option, which computes the logits of the last token (as
 * llama_decode in llama-bench does) and returns before the sampler. The difference to the runner's
 * figure on the same context is the per-token sampling step (greedy over the full vocabulary, a
 * separate native async call) — a definition difference the fidelity bench prints. The clock is
 * read around whole decodes, as llama-bench does (total tokens ÷ total time).
 */
import type { LlamaContextSequence, SequenceEvaluateOptions, Token } from 'node-llama-cpp';

// `_noSampling` is node-llama-cpp 3.21's internal switch (LlamaContext.js `_evaluate`); not in its types
const noSampling = { _noSampling: true } as SequenceEvaluateOptions;

async function decode(seq: LlamaContextSequence, tokens: Token[]): Promise<void> {
  for await (const out of seq.evaluate(tokens, noSampling)) {
    throw new Error(
      `node-llama-cpp sampled token ${String(out)} despite _noSampling: its internals changed, update scripts/llamacpp-fidelity/decode-only.ts`,
    );
  }
}

/** Tokens/s of `reps` repetitions of pp<promptTokens> or tg<genTokens>, ids drawn from [1, vocab). */
export async function decodeOnly(
  seq: LlamaContextSequence,
  vocab: number,
  promptTokens: number,
  genTokens: number,
  reps: number,
): Promise<number[]> {
  let x = 12345;
  const rand = () => ((x = (x * 1103515245 + 12345) % 2147483648), 1 + (x % (vocab - 1))) as Token;
  const rates: number[] = [];
  for (let r = -1; r < reps; r++) {
    // r = -1 is a warm-up, as llama-bench's
    await seq.clearHistory();
    const t0 = performance.now();
    if (promptTokens > 0) await decode(seq, Array.from({ length: promptTokens }, rand));
    else for (let i = 0; i < genTokens; i++) await decode(seq, [rand()]);
    const s = (performance.now() - t0) / 1000;
    if (r >= 0) rates.push((promptTokens > 0 ? promptTokens : genTokens) / s);
  }
  return rates;
}
