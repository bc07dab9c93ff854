/**
 * llama.cpp through node-llama-cpp's low-level API: one context with one sequence, greedy sampling
 * (temperature 0) in `sequence.evaluate`, EOS/EOT yielded and fed back like any token so every
 * request decodes exactly the length asked for. The harness reads the clock in `onToken`, which
 * runs the moment the generator yields a sampled token. Depth (`@ d<D>`) is evaluated in prepare().
 */
import { availableParallelism } from 'node:os';
import type { LlamaContext, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import { EdgebenchError } from '../../errors.ts';
import { GGML_TYPE_NOTE } from '../../models/gguf/pairing.ts';
import { readGguf } from '../../models/gguf/read-gguf.ts';
import type { Availability, LoadedModel, LoadOptions, ModelSource, PreparedSequence, RunnerFactory } from '../types.ts';
import {
  backendFor,
  LLAMA_CPP_EPS,
  llamaCppCommit,
  loadNodeLlamaCpp,
  nodeLlamaCppVersion,
  takeFlashAttentionResolution,
  takeRecentLogs,
  type LlamaCppEp,
} from './backend.ts';
import { contextSizeFor, LLAMA_BENCH_DEFAULTS, parseLlamaCppSettings, type LlamaCppSettings } from './settings.ts';
import { describeBinary, ggmlThreadsNote, localBuildDir, startEnvFor, threadsSetup } from './local-build.ts';
import { llamaCppScorer } from './scorer.ts';
import { llamaCppInfo } from './info.ts';
import { resolveGgufModel } from './resolve-gguf.ts';
import { tokenizeWithGguf } from './tokenize-gguf.ts';
import { tokenizeWithFolder } from '../../models/tokenizers/tokenize.ts';
import { MAX_PARALLEL_SEQUENCES, parallelOf, sequencePool } from './sequence-pool.ts';

const isEp = (ep: string): ep is LlamaCppEp => (LLAMA_CPP_EPS as readonly string[]).includes(ep);

/** The most telling llama.cpp log line for a failed load (e.g. "unknown model architecture: 'foo'"). */
function llamaReason(e: unknown): string {
  const logs = takeRecentLogs();
  const loading = logs.find((l) => l.includes('error loading model:'));
  if (loading) return loading.slice(loading.indexOf('error loading model:') + 'error loading model:'.length).trim();
  const pick = [...logs].reverse().find((l) => /^llama_|^gguf_|invalid|corrupt|tensor/i.test(l));
  const own = e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e);
  return pick ?? own;
}

export const llamaCppRunner: RunnerFactory = {
  ...llamaCppInfo,
  resolveModel: resolveGgufModel,
  /** a preset's tokenizer.json when there is one (so text prompts match the ONNX runs), else the GGUF's own vocabulary */
  async tokenize(model, text) {
    if (model.source.dir) return tokenizeWithFolder(model.source.dir, text);
    if (!model.source.file)
      throw new EdgebenchError('MODEL_INVALID', `model '${model.info.id}' has no .gguf file`, 'pass a .gguf path or a preset id');
    return tokenizeWithGguf(model.source.file, text);
  },
  async probe(opts: LoadOptions): Promise<Availability> {
    if (!isEp(opts.ep))
      return {
        ok: false,
        reason: `llama-cpp has no device '${opts.ep}'`,
        hint: `use --ep ${LLAMA_CPP_EPS.join(' | ')} (auto = the GPU llama.cpp finds, else cpu)`,
      };
    try {
      await loadNodeLlamaCpp();
    } catch (e) {
      return { ok: false, reason: (e as Error).message, hint: 'run `npm ci`' };
    }
    let binary: LlamaCppSettings['binary'];
    try {
      binary = parseLlamaCppSettings(opts.settings).binary;
    } catch (e) {
      return { ok: false, reason: (e as Error).message, hint: e instanceof EdgebenchError ? (e.hint ?? '') : '' };
    }
    const b = await backendFor(opts.ep, binary);
    return b.ok ? { ok: true, detail: `llama.cpp ${b.backend}` } : { ok: false, reason: b.reason, hint: b.hint };
  },
  load: (source, opts) => loadLlamaCpp(source, opts),
  startEnv(opts) {
    let binary: LlamaCppSettings['binary'];
    try {
      binary = parseLlamaCppSettings(opts.settings).binary;
    } catch {
      return null; // bad settings are reported where the runner loads, as a cell error
    }
    return startEnvFor({ ep: opts.ep, threads: opts.threads, binary }, localBuildDir() !== null, availableParallelism());
  },
};

/** A loaded llama-cpp model; `sequence` is exposed for the bare-loop overhead check (scripts/bench-llamacpp.ts). */
export interface LlamaCppLoadedModel extends LoadedModel {
  readonly sequence: LlamaContextSequence;
}

export async function loadLlamaCpp(source: ModelSource, opts: LoadOptions): Promise<LlamaCppLoadedModel> {
  if (!isEp(opts.ep))
    throw new EdgebenchError('DEVICE_UNAVAILABLE', `llama-cpp has no device '${opts.ep}'`, `use ${LLAMA_CPP_EPS.join(', ')}`);
  const settings = parseLlamaCppSettings(opts.settings);
  if (!source.file || !source.file.toLowerCase().endsWith('.gguf')) {
    throw new EdgebenchError(
      'MODEL_INVALID',
      `llama-cpp needs a .gguf file, got ${source.file ?? `'${source.id}' (no file)`}`,
      'pass a .gguf path, or a preset id (built as GGUF on first use)',
    );
  }
  const facts = await readGguf(source.file);
  const b = await backendFor(opts.ep, settings.binary);
  if (!b.ok) throw new EdgebenchError('DEVICE_UNAVAILABLE', b.reason, b.hint);
  const { llama, backend } = b;
  const onGpu = backend !== 'cpu';
  takeRecentLogs();
  let model: LlamaModel;
  try {
    model = await llama.loadModel({ modelPath: source.file, gpuLayers: onGpu ? settings.gpuLayers : 0, useMmap: settings.useMmap });
  } catch (e) {
    const reason = llamaReason(e);
    const hint = /unknown model architecture/i.test(reason)
      ? 'llama.cpp reads GGUF files of the architectures it knows; a newer node-llama-cpp may know more (npm install node-llama-cpp@latest)'
      : 'the file may be damaged or need a newer llama.cpp: re-download it, or rebuild it (edgebench models build <preset> --format gguf)';
    throw new EdgebenchError(
      'MODEL_INVALID',
      `llama.cpp ${llama.llamaCppRelease.release} could not load ${source.file} (architecture '${facts.architecture}'): ${reason}`,
      hint,
      { cause: e },
    );
  }
  const sequences = Math.min(MAX_PARALLEL_SEQUENCES, Math.max(settings.parallelSequences, opts.parallel ?? 1));
  let context: LlamaContext;
  const contextSize = contextSizeFor(settings.contextSize, opts.kvTokens);
  takeFlashAttentionResolution();
  try {
    context = await model.createContext({
      contextSize,
      batchSize: settings.batchSize,
      sequences,
      flashAttention: settings.flashAttention,
      ...(opts.threads !== null ? { threads: { ideal: opts.threads, min: opts.threads } } : {}),
      failedCreationRemedy: false,
    });
  } catch (e) {
    await model.dispose();
    throw new EdgebenchError(
      'OUT_OF_MEMORY',
      `llama.cpp could not create a ${contextSize}-token context: ${llamaReason(e)}`,
      'lower runnerSettings.llama-cpp.contextSize or gpuLayers',
      { cause: e },
    );
  }
  // llama.cpp logs how `auto` resolved while creating the context; the log callback reaches JS a tick later
  await new Promise<void>((r) => setTimeout(r, 0));
  const fa = context.flashAttention === 'auto' ? takeFlashAttentionResolution() : context.flashAttention;
  const atLlamaBenchDefaults =
    settings.flashAttention === LLAMA_BENCH_DEFAULTS.flashAttention &&
    settings.batchSize === LLAMA_BENCH_DEFAULTS.nUbatch &&
    settings.contextSize === 'auto';
  const pool = sequencePool(context, sequences);
  const sequence = pool.first;
  const threads = context.currentThreads;
  const commit = llamaCppCommit();
  const { binary, openmp } = describeBinary(llama);
  return {
    sequence,
    resolved: {
      runner: 'llama-cpp',
      executionProvider: backend,
      dtype: source.dtype,
      threads: opts.threads ?? (threads > 0 ? threads : null),
      settings: {
        requestedDevice: opts.ep,
        backend,
        // what llama.cpp uses (n_ctx padded to 256; n_ubatch = n_batch in node-llama-cpp) and what was asked
        defaults: atLlamaBenchDefaults ? 'the llama-bench defaults' : 'changed by runnerSettings',
        contextSize: context.contextSize,
        contextSizeSetting: settings.contextSize,
        parallelSequences: sequences,
        batchSize: context.batchSize,
        ubatchSize: context.batchSize,
        flashAttention: fa ?? 'auto (unresolved)',
        flashAttentionSetting: settings.flashAttention,
        gpuLayers: model.gpuLayers,
        threads,
        // which binary, and what ggml does with its threads: without OpenMP node-llama-cpp's missing threadpool is a per-token cost llama-bench does not pay (README "llama.cpp as llama-bench measures it")
        binary,
        binarySetting: settings.binary,
        openmp,
        ggmlThreadpool: ggmlThreadsNote(openmp, threads),
        ...threadsSetup(openmp, threads),
        useMmap: settings.useMmap,
        sampling: 'greedy (temperature 0), EOS ignored',
        weightType: facts.weightType,
        weightFormat: `GGUF ${facts.weightType}: ${GGML_TYPE_NOTE[facts.weightType] ?? 'see ggml'}`,
        llamaCppBuild: `${llama.llamaCppRelease.repo}@${llama.llamaCppRelease.release}`,
        llamaCppCommit: commit,
        buildType: llama.buildType,
        cpuFeatures: llama.systemInfo
          .replace(/^CPU\s*:\s*/, '')
          .replace(/\s*=\s*1/g, '')
          .replace(/\s*\|\s*/g, ' ')
          .trim(),
      },
      fallback: false, // `auto` may pick the CPU (recorded in backend); a named GPU never falls back, it is refused in probe()
      versions: {
        'node-llama-cpp': nodeLlamaCppVersion(),
        'llama.cpp': `${llama.llamaCppRelease.release}${commit ? ` (${commit.slice(0, 10)})` : ''}`,
      },
    },
    ...(parallelOf(sequences) && { parallel: parallelOf(sequences) }),
    async prepare(contextIds: number[]): Promise<PreparedSequence> {
      // a free sequence of the pool (the only one unless parallel requests were asked for), back to the pool after generate
      const seq = await pool.take();
      try {
        await seq.clearHistory();
        if (contextIds.length > 0) {
          checkFits(contextIds.length, 0, 0, context.contextSize);
          await seq.evaluateWithoutGeneratingNewTokens(contextIds as Token[]);
        }
      } catch (e) {
        pool.give(seq);
        throw e;
      }
      return {
        generate: async (ids, n, onToken) => {
          try {
            await generate(seq, context.contextSize, ids, n, onToken);
          } finally {
            pool.give(seq);
          }
        },
      };
    },
    scorer: (maxTokens) => llamaCppScorer(model, facts.vocabSize, opts.threads, maxTokens),
    async [Symbol.asyncDispose]() {
      await context.dispose();
      await model.dispose();
    },
  };
}

function checkFits(depth: number, prompt: number, gen: number, contextSize: number): void {
  const need = depth + prompt + gen;
  if (need > contextSize) {
    throw new EdgebenchError(
      'CONFIG_INVALID',
      `this request needs ${need} tokens of KV cache (depth ${depth} + prompt ${prompt} + generated ${gen}) but the llama-cpp context holds ${contextSize}`,
      `set runnerSettings: { llama-cpp: { contextSize: ${2 ** Math.ceil(Math.log2(need))} } } in the suite`,
    );
  }
}

async function generate(
  sequence: LlamaContextSequence,
  contextSize: number,
  inputIds: number[],
  n: number,
  onToken: (id: number) => void,
): Promise<void> {
  checkFits(sequence.nextTokenIndex, inputIds.length, n, contextSize);
  if (n <= 0) return;
  let emitted = 0;
  for await (const token of sequence.evaluate(inputIds as Token[], { temperature: 0, yieldEogToken: true })) {
    onToken(token);
    if (++emitted >= n) break;
  }
}
