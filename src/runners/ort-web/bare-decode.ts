/**
 * The bare loop `npm run bench:overhead` compares the ort-web runner with: greedy decoding by hand
 * (session.run, argmax, present → past) inside the same worker on the same session, each token's
 * time read in the worker with no per-token message — what a user would write without edgebench.
 * The harness path adds KvSequence, the token message, the Atomics hand-shake and measureCell.
 */
import * as ort from 'onnxruntime-web';
import type { Tensor as NodeTensor } from 'onnxruntime-node';
import { argmaxLastRow, type KvLayout } from '../ort-node/kv-session.ts';

/** The `steps` greedy tokens and the times (ms since the loop started, worker clock) at which each existed. */
export async function bareDecode(
  session: ort.InferenceSession,
  layout: KvLayout,
  inputIds: readonly number[],
  steps: number,
): Promise<{ ids: number[]; timesMs: number[] }> {
  const past: Record<string, ort.Tensor> = {};
  const empty = layout.kvType === 'float16' ? new Uint16Array(0) : new Float32Array(0);
  for (let i = 0; i < layout.numLayers; i++)
    for (const kv of ['key', 'value'])
      past[`past_key_values.${i}.${kv}`] = new ort.Tensor(layout.kvType, empty, [1, layout.numKvHeads, 0, layout.headDim]);
  let ids = [...inputIds];
  let len = 0;
  const times: number[] = [];
  const tokens: number[] = [];
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) {
    const n = ids.length;
    const feeds: Record<string, ort.Tensor> = {
      ...past,
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(len + n).fill(1n), [1, len + n]),
    };
    if (layout.hasPositionIds)
      feeds.position_ids = new ort.Tensor(
        'int64',
        BigInt64Array.from({ length: n }, (_, i) => BigInt(len + i)),
        [1, n],
      );
    const out = await session.run(feeds);
    const next = argmaxLastRow(out.logits as unknown as NodeTensor);
    times.push(performance.now() - t0);
    tokens.push(next);
    for (let i = 0; i < layout.numLayers; i++)
      for (const kv of ['key', 'value']) past[`past_key_values.${i}.${kv}`] = out[`present.${i}.${kv}`]!;
    len += n;
    ids = [next];
  }
  return { ids: tokens, timesMs: times };
}
