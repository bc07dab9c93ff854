/**
 * Teacher-forced comparison of a test runner against its reference over one token stream, in
 * chunks: the reference's rows for a chunk are held only until the test has produced the same
 * chunk, so memory is O(chunk × vocabulary) whatever the stream length (llama.cpp's approach of a
 * reference-logits file is ~10 GB for one wiki text; nothing is written here).
 */
import type { NextTokenScores, TokenScorer } from '../runners/types.ts';
import { QualityAccumulator, type QualityFigures } from './accumulator.ts';
import { compareRows } from './divergence.ts';
import { compareTopLogprobs } from './top-logprobs.ts';

export interface StreamComparison extends QualityFigures {
  /** true when the test side gave only top-k log-probabilities (KL is then a lower bound) */
  approximate: boolean;
}

export async function compareOnStream(o: {
  reference: TokenScorer;
  test: TokenScorer;
  ids: readonly number[];
  chunk: number;
  onProgress?: (done: number, total: number) => void;
}): Promise<StreamComparison> {
  const acc = new QualityAccumulator();
  let approximate = false;
  const { ids } = o;
  for (let start = 0; start < ids.length; start += o.chunk) {
    const part = ids.slice(start, start + o.chunk);
    const refRows: Float32Array[] = [];
    await o.reference.feed(part, (s) => refRows.push(fullLogits(s, 'reference')));
    let i = 0;
    await o.test.feed(part, (s: NextTokenScores) => {
      const pos = start + i;
      const ref = refRows[i++];
      if (!ref) throw new RangeError(`test gave more rows than the ${part.length} tokens fed`);
      const next = pos + 1 < ids.length ? ids[pos + 1]! : null;
      if (s.kind === 'logits') acc.add(compareRows(ref, s.logits, next));
      else if (s.kind === 'none') approximate = true;
      else {
        approximate = true;
        acc.add(compareTopLogprobs(ref, s.top, next));
      }
    });
    if (i !== part.length) throw new RangeError(`test gave ${i} rows for ${part.length} tokens`);
    o.onProgress?.(Math.min(ids.length, start + part.length), ids.length);
  }
  return { ...acc.figures(), approximate };
}

function fullLogits(s: NextTokenScores, side: string): Float32Array {
  if (s.kind !== 'logits') throw new RangeError(`the ${side} must give full logits, not top-k log-probabilities`);
  return s.logits;
}
