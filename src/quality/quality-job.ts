/**
 * One quality measurement: a (model, runner, EP, dtype) teacher-forced through the fixed stream
 * beside its reference — the highest precision of the same weights (fp32 ONNX by default, through
 * ort-node; for GGUF files given as paths, `--reference` names the F16/F32 GGUF) — both loaded in
 * this process, compared chunk by chunk as they go.
 */
import { existsSync } from 'node:fs';
import { freemem } from 'node:os';
import { basename } from 'node:path';
import { EdgebenchError } from '../errors.ts';
import { loadRunner, runnerIdFor } from '../runners/registry.ts';
import type { LoadOptions, ResolvedModel, RunnerFactory, TokenScorer } from '../runners/types.ts';
import { QUALITY_SCHEMA_VERSION, type QualityRecord } from '../results/quality-schema.ts';
import { compareOnStream } from './compare-models.ts';
import { belowFloor, defaultFloor, type QualityFloor } from './floors.ts';
import { STREAM_ID, STREAM_SOURCE, STREAM_TEXT } from './stream-text.ts';

export interface QualityJob {
  model: string;
  runner: string;
  ep: string;
  dtype: string;
  threads: number | null;
  settings: Record<string, string | number | boolean>;
}

export interface QualityOptions {
  /** tokens of the stream to compare (bounded by the caller) */
  tokens: number;
  /** reference dtype (fp32 default) or a path to the reference model (folder, .onnx or .gguf) */
  reference: string;
  floor?: Partial<QualityFloor>;
  chunk?: number;
  log(msg: string): void;
  /** free memory, for the check before loading two models (tests pass their own) */
  freeBytes?: number;
}

export const DEFAULT_QUALITY_TOKENS = 1024;
export const MAX_QUALITY_TOKENS = 16_384;

/** fp32 (default) or fp16 are references in the MLPerf sense; q8/q4 through ort-node isolate a runtime's own difference on the same weights. */
const REFERENCE_DTYPES = ['fp32', 'fp16', 'q8', 'q4'];

async function resolveReference(
  job: QualityJob,
  test: ResolvedModel,
  o: QualityOptions,
): Promise<{ runner: RunnerFactory; model: ResolvedModel }> {
  const ctx = { style: 'optimum' as const, log: o.log };
  if (REFERENCE_DTYPES.includes(o.reference)) {
    // the same weights at full precision: a preset rebuilds them (GGUF presets share the ONNX weights)
    const spec =
      existsSync(job.model) && job.model.toLowerCase().endsWith('.gguf')
        ? null
        : test.info.id && !existsSync(job.model)
          ? test.info.id
          : job.model;
    if (spec === null) {
      throw new EdgebenchError(
        'USAGE',
        `no ${o.reference} reference for the GGUF file ${basename(job.model)}`,
        'pass --reference <path to the F16 or F32 GGUF of the same model>',
      );
    }
    const runner = await loadRunner(runnerIdFor('default'));
    try {
      return { runner, model: await runner.resolveModel(spec, o.reference, ctx) };
    } catch (e) {
      throw new EdgebenchError(
        'MODEL_NOT_FOUND',
        `no ${o.reference} reference for ${job.model}: ${(e as Error).message}`,
        'pass --reference <folder or file with fp32/fp16 weights of the same model> (e.g. onnx/model.onnx)',
        { cause: e },
      );
    }
  }
  if (!existsSync(o.reference)) {
    throw new EdgebenchError(
      'USAGE',
      `--reference '${o.reference}' is neither a dtype (${REFERENCE_DTYPES.join(', ')}) nor an existing path`,
      'use --reference fp32 (default), fp16, or a path to the full-precision model; q8/q4 compare with ort-node on the same weights',
    );
  }
  const gguf = o.reference.toLowerCase().endsWith('.gguf');
  const runner = await loadRunner(runnerIdFor(gguf ? 'gguf' : 'default'));
  return { runner, model: await runner.resolveModel(o.reference, gguf ? 'f32' : 'fp32', ctx) };
}

async function scorerOf(
  runnerId: string,
  loaded: { scorer?: (maxTokens: number) => Promise<TokenScorer> },
  maxTokens: number,
): Promise<TokenScorer> {
  if (!loaded.scorer) {
    throw new EdgebenchError(
      'QUALITY_UNSUPPORTED',
      `the ${runnerId} runner cannot report next-token scores`,
      'quality works with ort-node, ort-web, transformers-js, llama-cpp and openai-http (top_logprobs)',
    );
  }
  return loaded.scorer(maxTokens);
}

export async function runQualityJob(job: QualityJob, o: QualityOptions): Promise<QualityRecord> {
  const t0 = performance.now();
  const testRunner = await loadRunner(job.runner);
  const ctx = { style: 'optimum' as const, log: o.log };
  const test = await testRunner.resolveModel(job.model, job.dtype, ctx);
  const base: Omit<LoadOptions, 'ep'> = { threads: job.threads, settings: {} };
  // the test model first: a runner that cannot score is told before any reference is built
  await using testLoaded = await testRunner.load(test.source, { ...base, ep: job.ep, settings: job.settings });
  if (!testLoaded.scorer) {
    throw new EdgebenchError(
      'QUALITY_UNSUPPORTED',
      `the ${job.runner} runner cannot report next-token scores`,
      'quality works with ort-node, ort-web, transformers-js, llama-cpp and openai-http (top_logprobs)',
    );
  }
  const ref = await resolveReference(job, test, o);
  const need = (ref.model.info.bytes ?? 0) * 1.2;
  const free = o.freeBytes ?? freemem();
  if (need > free) {
    const gb = (n: number) => (n / 1e9).toFixed(1);
    throw new EdgebenchError(
      'OUT_OF_MEMORY',
      `the quality pass holds the ${ref.model.source.dtype} reference (${gb(ref.model.info.bytes ?? 0)} GB) beside the test model: about ${gb(need)} GB more, but ${gb(free)} GB is free`,
      'use --reference fp16 or a smaller model, or close other programs (the stream length does not change this)',
    );
  }
  // a remote model's vocabulary is unknown here (no arch): its ids are checked against the reference's by the server
  if (test.source.arch && ref.model.vocabSize !== test.vocabSize) {
    throw new EdgebenchError(
      'USAGE',
      `the reference has ${ref.model.vocabSize} tokens in its vocabulary, the test model ${test.vocabSize}: not the same model`,
      'pass a --reference of the same model at higher precision',
    );
  }
  const ids = (await ref.runner.tokenize(ref.model, STREAM_TEXT)).slice(0, o.tokens);
  if (ids.length < 2) throw new EdgebenchError('USAGE', `the stream gave ${ids.length} token(s)`, 'use --quality-tokens of at least 2');
  o.log(
    `quality: ${job.model} ${job.runner}/${job.ep} ${job.dtype} vs ${ref.model.source.dtype} reference, ${ids.length} tokens of ${STREAM_ID}`,
  );
  await using refLoaded = await ref.runner.load(ref.model.source, { ...base, ep: 'cpu' });
  const refScorer = await scorerOf(ref.runner.id, refLoaded, ids.length);
  const testScorer = await testLoaded.scorer(ids.length);
  let shown = 0;
  const figures = await compareOnStream({
    reference: refScorer,
    test: testScorer,
    ids,
    chunk: o.chunk ?? 128,
    onProgress: (done, total) => {
      if (done - shown >= 512 || done === total) {
        shown = done;
        o.log(`quality: ${done}/${total} tokens`);
      }
    },
  });
  await refScorer.dispose?.();
  await testScorer.dispose?.();
  const { approximate, ...f } = figures;
  // the reference holds the same weights: a synthetic reference means a synthetic test model (remote ones included)
  const synthetic = test.info.synthetic || ref.model.info.synthetic;
  const floor = floorFor(job.dtype, synthetic, o.floor);
  return {
    schemaVersion: QUALITY_SCHEMA_VERSION,
    model: job.model,
    runner: job.runner,
    executionProvider: job.ep,
    dtype: job.dtype,
    weights: synthetic ? 'synthetic' : 'real',
    reference: {
      runner: ref.runner.id,
      dtype: ref.model.source.dtype,
      file: ref.model.source.file ? basename(ref.model.source.file) : null,
    },
    stream: { id: STREAM_ID, source: STREAM_SOURCE, tokens: ids.length },
    // perplexity of random weights says nothing about language: not reported for synthetic models
    figures: { ...f, perplexityRef: synthetic ? null : f.perplexityRef, perplexityTest: synthetic ? null : f.perplexityTest },
    approximate,
    floor,
    // an approximate KL is a lower bound, so exceeding the floor still proves the cell is below it
    belowFloor: floor ? belowFloor(f, floor) : [],
    durationS: (performance.now() - t0) / 1000,
    createdAt: new Date().toISOString(),
  };
}

/** The dtype's default floor with the user's overrides; null when neither says anything. */
export function floorFor(dtype: string, synthetic: boolean, override: Partial<QualityFloor> | undefined): QualityFloor | null {
  const def = defaultFloor(dtype, synthetic);
  const minSameTopRate = override?.minSameTopRate !== undefined ? override.minSameTopRate : (def?.minSameTopRate ?? null);
  const maxKlMeanNats = override?.maxKlMeanNats ?? def?.maxKlMeanNats;
  return maxKlMeanNats === undefined ? null : { minSameTopRate, maxKlMeanNats };
}
