/**
 * The model behind `edgebench serve --openai`: a preset or folder resolved like `edgebench run`
 * does (presets are built on first use), loaded once with a runner (ort-node by default), greedy
 * decoding. Requests run `parallel` at a time (1 by default; more only with a runner that batches
 * sequences, e.g. llama-cpp); the others wait in a FIFO queue and the wait is reported.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { EdgebenchError } from '../../errors.ts';
import type { GraphStyle } from '../../models/arch.ts';
import { loadRunner, runnerIdFor } from '../../runners/registry.ts';
import type { LoadedModel } from '../../runners/types.ts';
import { loadServeTokenizer, type ServeTokenizer } from './tokenizer.ts';
import { tokenLogprob, type TokenLogprob } from './logprobs.ts';

export interface ServeEngineOptions {
  model: string;
  dtype: string;
  style: GraphStyle;
  threads: number | null;
  log(msg: string): void;
  /** runner id (default ort-node) */
  runner?: string;
  /** requests generated at once (default 1); > 1 needs a runner that batches sequences */
  parallel?: number;
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
  /** runner id and requests served at once */
  runner: string;
  parallel: number;
  /** whether logprobs can be answered (the runner shows its logits) */
  logprobs: boolean;
  /** requests waiting for their turn right now */
  readonly queued: number;
  /** run `fn` when a slot is free (FIFO); it gets the time it waited (ms) */
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
    if (g.success && g.data.eos_token_id !== undefined && g.data.eos_token_id !== null)
      for (const id of [g.data.eos_token_id].flat()) ids.add(id);
  }
  return ids;
}

class StopGeneration extends Error {}

export async function createServeEngine(o: ServeEngineOptions): Promise<ServeEngine> {
  const runnerId = o.runner ?? runnerIdFor('default');
  const parallel = o.parallel ?? 1;
  const runner = await loadRunner(runnerId);
  const resolved = await runner.resolveModel(o.model, o.dtype, { style: o.style, log: o.log });
  const { source } = resolved;
  if (!source.dir || !source.arch)
    throw new EdgebenchError(
      'MODEL_INVALID',
      `model '${o.model}' has no folder with a tokenizer to serve`,
      'pass a preset id or a model folder (tokenizer.json beside the weights)',
    );
  const loadOpts = { ep: 'cpu', threads: o.threads, settings: {}, ...(parallel > 1 && { parallel }) };
  const availability = await runner.probe(loadOpts);
  if (!availability.ok) throw new EdgebenchError('BACKEND_NOT_INSTALLED', availability.reason, availability.hint);
  const tokenizer = await loadServeTokenizer(source.dir);
  const loaded: LoadedModel = await runner.load(source, loadOpts);
  if (parallel > 1 && (loaded.parallel?.max ?? 1) < parallel) {
    await loaded[Symbol.asyncDispose]();
    throw new EdgebenchError(
      'USAGE',
      `--parallel ${parallel}: the ${runnerId} runner serves one request at a time`,
      'use --runner llama-cpp (several sequences of one context, batched), or leave --parallel at 1 (requests queue)',
    );
  }
  const eos = eosIds(source.dir, source.arch.eosTokenId);
  const settingsCtx = Number(loaded.resolved.settings.contextSize);
  let free = parallel;
  const waiting: (() => void)[] = [];
  const running = new Set<Promise<unknown>>();

  return {
    id: resolved.info.id.includes('/') ? basename(resolved.info.id) : resolved.info.id,
    dir: source.dir,
    dtype: source.dtype,
    synthetic: resolved.info.synthetic,
    contextLength:
      Number.isFinite(settingsCtx) && settingsCtx > 0
        ? Math.min(settingsCtx, source.arch.maxPositionEmbeddings)
        : source.arch.maxPositionEmbeddings,
    vocabSize: source.arch.vocabSize,
    threads: o.threads,
    tokenizer,
    runner: runnerId,
    parallel,
    logprobs: loaded.showsLogits === true,
    get queued() {
      return waiting.length;
    },
    async exclusive(fn) {
      const t0 = performance.now();
      if (free > 0) free--;
      else await new Promise<void>((r) => waiting.push(r)); // the finishing request hands its slot over
      const p = fn(performance.now() - t0);
      running.add(p);
      try {
        return await p;
      } finally {
        running.delete(p);
        const next = waiting.shift();
        if (next) next();
        else free++;
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
        await seq.generate(
          req.promptIds,
          req.maxTokens,
          (id) => {
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
          },
          control,
        );
      } catch (e) {
        if (!(e instanceof StopGeneration)) throw e;
      }
      return { completionTokens: count, finishReason };
    },
    async close() {
      await Promise.allSettled([...running]);
      await loaded[Symbol.asyncDispose]();
    },
  };
}
