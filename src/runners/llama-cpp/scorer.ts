/**
 * Next-token scores from llama.cpp for the quality pass (untimed): the stream is fed through
 * `controlledEvaluate` asking for the full probability list after every token, with a neutral
 * sampler (temperature 1, no top-k/top-p/min-p truncation) so the list is the model's softmax.
 * A context of its own, sized for the stream, so the benchmark context's size does not limit it.
 */
import type { LlamaContext, LlamaModel, Token } from 'node-llama-cpp';
import { EdgebenchError } from '../../errors.ts';
import type { TokenScorer } from '../types.ts';

/** ln of the smallest positive float32: what a probability llama.cpp left out (0) becomes. */
const LOG_FLOOR = Math.log(1.4e-45);

export async function llamaCppScorer(model: LlamaModel, vocab: number, threads: number | null, maxTokens: number): Promise<TokenScorer> {
  let context: LlamaContext;
  try {
    context = await model.createContext({
      contextSize: Math.max(256, 2 ** Math.ceil(Math.log2(maxTokens + 1))),
      sequences: 1,
      ...(threads !== null ? { threads: { ideal: threads, min: threads } } : {}),
      failedCreationRemedy: false,
    });
  } catch (e) {
    throw new EdgebenchError(
      'OUT_OF_MEMORY',
      `llama.cpp could not create a ${maxTokens}-token context for the quality pass: ${(e as Error).message}`,
      'use fewer --quality-tokens',
      { cause: e },
    );
  }
  const sequence = context.getSequence();
  const neutral = { temperature: 1, topK: 0, topP: 1, minP: 0 };
  return {
    async feed(ids, onRow) {
      if (sequence.nextTokenIndex + ids.length > context.contextSize) {
        throw new EdgebenchError(
          'USAGE',
          `the quality stream (${sequence.nextTokenIndex + ids.length} tokens) exceeds the ${context.contextSize}-token context`,
          'use fewer --quality-tokens',
        );
      }
      const out = await sequence.controlledEvaluate(
        ids.map((t) => [t as Token, { generateNext: { probabilities: true, options: neutral } }]),
      );
      for (const item of out) {
        const probs = item?.next.probabilities;
        if (!probs)
          throw new EdgebenchError('INTERNAL', 'llama.cpp returned no probabilities for a scored token', 'report this with the model file');
        const row = new Float32Array(vocab).fill(LOG_FLOOR);
        for (const [id, p] of probs) if (id < vocab && p > 0) row[id] = Math.log(p);
        onRow({ kind: 'logits', logits: row });
      }
    },
    async dispose() {
      await context.dispose();
    },
  };
}
