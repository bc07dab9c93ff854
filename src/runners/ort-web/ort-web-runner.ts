/**
 * onnxruntime-web runner in Node: the wasm backend (SIMD, 1..N threads through
 * env.wasm.numThreads, which Node provides with worker_threads + SharedArrayBuffer), on the same
 * model folders and with the same KV-cache loop as ort-node. Each loaded model lives in its own
 * worker (own thread count, own 4 GiB wasm memory); tokens cross to the harness as messages.
 *
 * Settings (suite `runnerSettings['ort-web']`):
 *   wasmDtype: 'as-requested' (default) | 'fastest' — measure the weight variants that exist
 *     (q4/q8/fp16/fp32) and run the fastest on wasm (recorded, and flagged beside other runners)
 *   graphOptimizationLevel: disabled | basic | extended | all (default all)
 */
import type { Availability, LoadedModel, LoadOptions, ModelSource, PreparedSequence, RunnerFactory } from '../types.ts';
import { EdgebenchError } from '../../errors.ts';
import { inspectOnnx } from '../../models/folder/inspect-onnx.ts';
import { listTransformersJsOnnx } from '../../models/folder/onnx-files.ts';
import { checkWasmMemory } from './wasm-limits.ts';
import { WasmHost } from './wasm-host.ts';
import { WASM_Q4_NOTE, describeTimings, externalDataFor, measureWasmDtypes, wasmCandidates } from './wasm-dtype.ts';
import type { LoadedInfo } from './protocol.ts';
import type { ResolvedRunner } from '../../results/schema.ts';
import { packageVersion } from '../transformers-js/package-version.ts';
import { resolveOnnxModel, tokenizeOnnx } from '../../models/resolve-onnx.ts';
import { parseRunnerSettings } from '../settings.ts';
import { ortWebInfo } from './info.ts';

function sharedMemoryAvailable(): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && typeof WebAssembly === 'object';
}

/** The harness's view of a started worker (exported so bench:overhead drives the same worker through both paths). */
export function hostModel(host: WasmHost, resolved: ResolvedRunner): LoadedModel {
  return {
    resolved,
    async prepare(contextIds: number[]): Promise<PreparedSequence> {
      const m = await host.request({ type: 'prepare', contextIds });
      if (m.type !== 'prepared') throw new Error(`unexpected answer ${m.type}`);
      return {
        async generate(inputIds, maxNewTokens, onToken) {
          await host.request({ type: 'generate', seq: m.seq, inputIds, maxNewTokens }, onToken);
        },
      };
    },
    async scorer() {
      const m = await host.request({ type: 'prepare', contextIds: [] });
      if (m.type !== 'prepared') throw new Error(`unexpected answer ${m.type}`);
      return {
        async feed(ids, onRow) {
          const r = await host.request({ type: 'score', seq: m.seq, ids: [...ids] });
          if (r.type !== 'scores') throw new Error(`unexpected answer ${r.type}`);
          for (const logits of r.rows) onRow({ kind: 'logits', logits });
        },
      };
    },
    async [Symbol.asyncDispose]() {
      await host.terminate();
    },
  };
}

export const ortWebRunner: RunnerFactory = {
  ...ortWebInfo,
  resolveModel: resolveOnnxModel,
  tokenize: tokenizeOnnx,
  async probe(opts: LoadOptions): Promise<Availability> {
    if (opts.ep !== 'wasm' && opts.ep !== 'cpu') {
      return {
        ok: false,
        reason: `ort-web in Node runs the wasm backend only, not '${opts.ep}' (WebGPU in onnxruntime-web needs a browser's navigator.gpu)`,
        hint: 'use --ep cpu (= wasm) with --runner ort-web, or --runner ort-node --ep webgpu',
      };
    }
    if (opts.threads !== null && opts.threads > 1 && !sharedMemoryAvailable()) {
      return { ok: false, reason: 'wasm threads need SharedArrayBuffer, which this runtime lacks', hint: 'use --threads 1 with ort-web' };
    }
    try {
      await import('onnxruntime-web');
      return { ok: true };
    } catch (e) {
      return { ok: false, reason: `onnxruntime-web could not be loaded: ${(e as Error).message.split('\n')[0]}`, hint: 'run `npm ci`' };
    }
  },
  async load(model: ModelSource, opts: LoadOptions): Promise<LoadedModel> {
    const s = parseRunnerSettings(ortWebInfo.id, ortWebInfo.settings, opts.settings);
    if (!model.arch)
      throw new EdgebenchError(
        'MODEL_INVALID',
        `model '${model.id}' has no readable config.json`,
        'the folder needs config.json with num_key_value_heads and head_dim',
      );
    // before anything is read: refuse with the numbers ('fastest' skips variants that do not fit)
    if (s.wasmDtype === 'as-requested') checkWasmMemory(model);
    if (!model.file || !model.dir)
      throw new EdgebenchError(
        'MODEL_NOT_FOUND',
        `model '${model.id}' has no ONNX file`,
        'build it with `edgebench models build` or pass a folder with onnx/*.onnx',
      );
    const base = {
      threads: opts.threads,
      numKvHeads: model.arch.numKvHeads,
      headDim: model.arch.headDim,
      graphOptimizationLevel: s.graphOptimizationLevel,
    };
    const settings: Record<string, string | number | boolean | null> = {
      backend: 'wasm',
      graphOptimizationLevel: s.graphOptimizationLevel,
      tokenTransport: 'worker_threads message',
      wasmDtype: s.wasmDtype,
    };
    let host: WasmHost;
    let info: LoadedInfo;
    let dtype = model.dtype;
    let file = model.file;
    if (s.wasmDtype === 'fastest') {
      const { timings, best } = await measureWasmDtypes(wasmCandidates(model.dir), base);
      if (!best)
        throw new EdgebenchError(
          'MODEL_INVALID',
          `no weight variant of ${model.id} runs on wasm (${describeTimings(timings)})`,
          'build a q8 or fp16 variant: `edgebench models build <preset> --dtype q8`',
        );
      ({ host, info } = best);
      dtype = best.candidate.dtype;
      file = best.candidate.file;
      settings.wasmDtypeTimings = describeTimings(timings);
    } else {
      const entry = listTransformersJsOnnx(model.dir).find((e) => e.file === model.file);
      try {
        ({ host, info } = await WasmHost.start({ ...base, file: model.file, externalData: entry ? externalDataFor(entry) : [] }));
      } catch (e) {
        throw new EdgebenchError(
          'MODEL_INVALID',
          `onnxruntime-web could not load ${model.file}: ${(e as Error).message.split('\n')[0]}`,
          'check the folder with `edgebench models info <dir>`',
          { cause: e },
        );
      }
    }
    const ops = (await inspectOnnx(file)).opCounts;
    const matMulNBits = (ops['com.microsoft.MatMulNBits'] ?? 0) + (ops.MatMulNBits ?? 0);
    settings.matMulNBitsNodes = matMulNBits;
    if (matMulNBits > 0)
      settings.wasmQ4Warning = `${matMulNBits} MatMulNBits nodes: ${WASM_Q4_NOTE} (expect several times slower decode than fp16/fp32 on wasm); set runnerSettings ort-web wasmDtype: fastest, or run --dtype q8/fp16`;
    settings.simd = info.simd;
    settings.numThreads = info.numThreads;
    settings.kvType = info.kvType;
    return hostModel(host, {
      runner: 'ort-web',
      executionProvider: 'wasm',
      dtype,
      threads: info.numThreads,
      settings,
      fallback: false,
      versions: { 'onnxruntime-web': packageVersion('onnxruntime-web') ?? info.version },
    });
  },
};
