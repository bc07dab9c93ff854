/**
 * The model behind `edgebench serve --openai`: a preset or folder resolved like `edgebench run`
 * does (presets are built on first use), loaded once with the ort-node runner, greedy decoding,
 * and one request at a time (others wait in a FIFO queue; the wait is reported).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { EdgebenchError } from '../../errors.ts';
import type { GraphStyle } from '../../models/arch.ts';
import { ortNodeRunner } from '../../runners/ort-node/ort-node-runner.ts';
import type { LoadedModel } from '../../runners/types.ts';
import { loadServeTokenizer, type ServeTokenizer } from './tokenizer.ts';
import { tokenLogprob, type TokenLogprob } from './logprobs.ts';

export interface ServeEngineOptions {
  model: string;
  dtype: string;
  style: GraphStyle;
  threads: number | null;
  log(msg: string): void;
}

export interface EngineRequest {
  promptIds: number[];
  maxTokens: number;
  /** no EOS stop before this many tokens */
  minTokens: number;
  ignoreEos: boolean;
  /** k alternatives per token with log-probabilities (0 = the token's own only); null = no logprobs */
  topLogprobs: number | null;
  /** called for every generated token; `last` is true for the final one; `lp` when logprobs were asked for */
  onToken(id: number, last: boolean, lp: TokenLogprob | null): void;
  /** checked before each token: true stops generation (client gone) */
  cancelled(): boolean;
}

export interface EngineResult {
  completionTokens: number;
  finishReason: 'length' | 'stop' | 'cancelled';
}

export interface ServeEngine {
  /** the model name /v1/models lists */
  id: string;
  dir: string;
  dtype: string;
  synthetic: boolean;
  contextLength: number;
  vocabSize: number;
  threads: number | null;
  tokenizer: ServeTokenizer;
  /** requests waiting for their turn right now */
  readonly queued: number;
  /** run `fn` when every earlier request has finished; it gets the time it waited (ms) */
  exclusive<T>(fn: (queueMs: number) => Promise<T>): Promise<T>;
  generate(req: EngineRequest): Promise<EngineResult>;
  close(): Promise<void>;
}

const GenerationConfig = z.looseObject({ eos_token_id: z.union([z.number().int(), z.array(z.number().int())]).nullish() });

function eosIds(dir: string, fromConfig: number | number[] | null): Set<number> {
  const ids = new Set<number>([fromConfig ?? []].flat());
  const file = join(dir, 'generation_config.json');
  if (existsSync(file)) {
    const g = GenerationConfig.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (g.success && g.data.eos_token_id !== undefined && g.data.eos_token_id !== null) for (const id of [g.data.eos_token_id].flat()) ids.add(id);
  }
  return ids;
}

class StopGeneration extends Error {}

export async function createServeEngine(o: ServeEngineOptions): Promise<ServeEngine> {
  const resolved = await ortNodeRunner.resolveModel(o.model, o.dtype, { style: o.style, log: o.log });
  const { source } = resolved;
  if (!source.dir || !source.arch) throw new EdgebenchError('MODEL_INVALID', `model '${o.model}' has no folder to serve`, 'pass a preset id or a model folder');
  const availability = await ortNodeRunner.probe({ ep: 'cpu', threads: o.threads, settings: {} });
  if (!availability.ok) throw new EdgebenchError('BACKEND_NOT_INSTALLED', availability.reason, availability.hint);
  const tokenizer = await loadServeTokenizer(source.dir);
  const loaded: LoadedModel = await ortNodeRunner.load(source, { ep: 'cpu', threads: o.threads, settings: {} });
  const eos = eosIds(source.dir, source.arch.eosTokenId);
  let tail: Promise<void> = Promise.resolve();
  let queued = 0;

  return {
    id: resolved.info.id.includes('/') ? basename(resolved.info.id) : resolved.info.id,
    dir: source.dir,
    dtype: source.dtype,
    synthetic: resolved.info.synthetic,
    contextLength: source.arch.maxPositionEmbeddings,
    vocabSize: source.arch.vocabSize,
    threads: o.threads,
    tokenizer,
    get queued() {
      return queued;
    },
    async exclusive(fn) {
      const t0 = performance.now();
      const previous = tail;
      let release = () => {};
      tail = new Promise<void>((r) => (release = r));
      queued++;
      try {
        await previous;
      } finally {
        queued--;
      }
      try {
        return await fn(performance.now() - t0);
      } finally {
        release();
      }
    },
    async generate(req) {
      const seq = await loaded.prepare([]);
      let count = 0;
      let finishReason: EngineResult['finishReason'] = 'length';
      let row: Float32Array | null = null;
      const control = {
        restartClock() {},
        setPromptTokens() {},
        ...(req.topLogprobs !== null && { onLogits: (r: Float32Array) => void (row = r) }),
      };
      try {
        await seq.generate(req.promptIds, req.maxTokens, (id) => {
          count++;
          const stopAtEos = eos.has(id) && !req.ignoreEos && count >= req.minTokens;
          const lp = row !== null && req.topLogprobs !== null ? tokenLogprob(row, id, req.topLogprobs) : null;
          req.onToken(id, count === req.maxTokens || stopAtEos, lp);
          if (stopAtEos) {
            finishReason = 'stop';
            throw new StopGeneration();
          }
          if (req.cancelled()) {
            finishReason = 'cancelled';
            throw new StopGeneration();
          }
        }, control);
      } catch (e) {
        if (!(e instanceof StopGeneration)) throw e;
      }
      return { completionTokens: count, finishReason };
    },
    async close() {
      await tail;
      await loaded[Symbol.asyncDispose]();
    },
  };
}
