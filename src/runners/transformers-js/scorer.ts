/**
 * Next-token scores from transformers.js for the quality pass (untimed): the model's own forward
 * call (`model({ input_ids, attention_mask })`, as `generate` makes it for a prompt) and every row
 * of its logits. Each chunk re-runs the whole prefix without a cache: handing the returned KV cache
 * back to a forward call over several new tokens breaks in transformers.js 4 (its attention mask
 * and cache lengths disagree), and quality runs are untimed — the cost is the prefix sum,
 * ≤ 4.5× one pass for the default 1,024-token stream in 128-token chunks.
 */
import { Tensor, type PreTrainedModel } from '@huggingface/transformers';
import { EdgebenchError } from '../../errors.ts';
import type { TokenScorer } from '../types.ts';

type Forward = (inputs: Record<string, unknown>) => Promise<{ logits?: Tensor }>;

export function transformersJsScorer(model: PreTrainedModel): TokenScorer {
  const history: number[] = [];
  return {
    async feed(ids, onRow) {
      history.push(...ids);
      const n = history.length;
      const out = await (model as unknown as Forward)({
        input_ids: new Tensor(
          'int64',
          BigInt64Array.from(history, (x) => BigInt(x)),
          [1, n],
        ),
        attention_mask: new Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
      });
      const logits = out.logits;
      if (!logits)
        throw new EdgebenchError(
          'QUALITY_UNSUPPORTED',
          'transformers.js returned no logits for a forward call',
          'use ort-node for this model',
        );
      const data = logits.data;
      if (!(data instanceof Float32Array))
        throw new EdgebenchError('QUALITY_UNSUPPORTED', 'transformers.js returned non-float32 logits', 'use ort-node for this model');
      const vocab = logits.dims[logits.dims.length - 1] ?? 0;
      for (let r = n - ids.length; r < n; r++) onRow({ kind: 'logits', logits: data.slice(r * vocab, (r + 1) * vocab) });
    },
  };
}
