/**
 * Several sequences of one llama.cpp context (node-llama-cpp evaluates the sequences' pending
 * tokens together in shared batches): `take` hands out a free sequence, waiting FIFO when all are
 * busy; `give` returns it. With one sequence this is the single-request runner as before.
 */
import type { LlamaContext, LlamaContextSequence } from 'node-llama-cpp';

/** Upper bound on parallel sequences (each holds its own contextSize of KV cache). */
export const MAX_PARALLEL_SEQUENCES = 64;

export interface SequencePool {
  readonly size: number;
  readonly first: LlamaContextSequence;
  take(): Promise<LlamaContextSequence>;
  give(seq: LlamaContextSequence): void;
}

export function sequencePool(context: LlamaContext, size: number): SequencePool {
  const all = Array.from({ length: size }, () => context.getSequence());
  const free = [...all];
  const waiting: ((s: LlamaContextSequence) => void)[] = [];
  return {
    size,
    first: all[0]!,
    async take() {
      const s = free.shift();
      return s ?? new Promise<LlamaContextSequence>((r) => waiting.push(r));
    },
    give(seq) {
      const next = waiting.shift();
      if (next) next(seq);
      else free.push(seq);
    },
  };
}

/** How a loaded llama-cpp model serves parallel requests (LoadedModel.parallel); one sequence = one at a time. */
export function parallelOf(size: number): { max: number; how: string } | undefined {
  return size > 1
    ? { max: size, how: `${size} sequences of one llama.cpp context, evaluated together in shared batches (node-llama-cpp)` }
    : undefined;
}
