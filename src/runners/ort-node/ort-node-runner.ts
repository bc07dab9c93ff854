/**
 * onnxruntime-node runner: CPU EP with thread control, plus the other EPs of the native build
 * (cuda, tensorrt, webgpu, coreml, dml, qnn) when present. Session options are recorded.
 */
import { createRequire } from 'node:module';
import type { InferenceSession } from 'onnxruntime-node';
import type * as OrtModule from 'onnxruntime-node';
import type { LoadedModel, LoadOptions, ModelSource, PreparedSequence, RunnerFactory, Availability } from '../types.ts';
import type { ModelArch } from '../../models/arch.ts';
import { EdgebenchError } from '../../errors.ts';
import { KvSequence, kvLayoutFromSession } from './kv-session.ts';
import { probeWebGpuAdapter } from '../webgpu/adapter.ts';
import { startEpCheck } from '../webgpu/ep-check.ts';
import { resolveOnnxModel, tokenizeOnnx } from '../../models/resolve-onnx.ts';
import { parseRunnerSettings } from '../settings.ts';
import { ortNodeInfo } from './info.ts';

type Ort = typeof OrtModule;
let ortModule: Ort | null = null;

async function loadOrt(): Promise<Ort> {
  if (ortModule) return ortModule;
  try {
    ortModule = (await import('onnxruntime-node')) as Ort;
    return ortModule;
  } catch (e) {
    throw new EdgebenchError(
      'BACKEND_NOT_INSTALLED',
      `onnxruntime-node could not be loaded: ${(e as Error).message.split('\n')[0]}`,
      'run `npm ci` in the edgebench folder',
      { cause: e },
    );
  }
}

function ortVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('onnxruntime-node/package.json') as { version: string }).version;
}

const KNOWN_EPS = ['cpu', 'cuda', 'tensorrt', 'webgpu', 'coreml', 'dml', 'qnn'] as const;

export function sessionOptions(opts: LoadOptions): InferenceSession.SessionOptions & Record<string, unknown> {
  const s = parseRunnerSettings(ortNodeInfo.id, ortNodeInfo.settings, opts.settings);
  return {
    executionProviders: [opts.ep],
    graphOptimizationLevel: s.graphOptimizationLevel,
    ...(opts.threads !== null ? { intraOpNumThreads: opts.threads } : {}),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    enableCpuMemArena: true,
    enableMemPattern: true,
    logSeverityLevel: 3,
  };
}

export const ortNodeRunner: RunnerFactory = {
  ...ortNodeInfo,
  resolveModel: resolveOnnxModel,
  tokenize: tokenizeOnnx,
  async probe(opts): Promise<Availability> {
    try {
      const ort = await loadOrt();
      if (!(KNOWN_EPS as readonly string[]).includes(opts.ep)) {
        return { ok: false, reason: `unknown execution provider '${opts.ep}'`, hint: `use one of ${KNOWN_EPS.join(', ')}` };
      }
      const backends = ort.listSupportedBackends?.() ?? [];
      const entry = backends.find((b) => b.name === opts.ep);
      if (opts.ep !== 'cpu' && !entry) {
        return {
          ok: false,
          reason: `onnxruntime-node ${ortVersion()} on ${process.platform}-${process.arch} has no '${opts.ep}' execution provider`,
          hint: epHint(opts.ep),
        };
      }
      if (opts.ep === 'webgpu') {
        const adapter = await probeWebGpuAdapter();
        if (!adapter.ok) return adapter;
      }
      return { ok: true };
    } catch (e) {
      return { ok: false, reason: (e as Error).message.split('\n')[0] ?? 'unknown', hint: 'run `npm ci`' };
    }
  },
  async load(model: ModelSource, opts: LoadOptions): Promise<LoadedModel> {
    if (!model.file)
      throw new EdgebenchError(
        'MODEL_NOT_FOUND',
        `model '${model.id}' has no ONNX file`,
        'build it with `edgebench models build` or pass a folder with onnx/*.onnx',
      );
    if (!model.arch)
      throw new EdgebenchError(
        'MODEL_INVALID',
        `model '${model.id}' has no readable config.json`,
        'the folder needs config.json with num_key_value_heads and head_dim',
      );
    const ort = await loadOrt();
    const so = sessionOptions(opts);
    const epCheck = await startEpCheck(opts.ep);
    let session: InferenceSession;
    try {
      session = await ort.InferenceSession.create(model.file, { ...so, ...epCheck?.sessionOptions });
    } catch (e) {
      const msg = (e as Error).message.split('\n')[0] ?? '';
      if (opts.ep !== 'cpu')
        throw new EdgebenchError('DEVICE_UNAVAILABLE', `execution provider '${opts.ep}' failed: ${msg}`, epHint(opts.ep), { cause: e });
      throw new EdgebenchError(
        'MODEL_INVALID',
        `onnxruntime could not load ${model.file}: ${msg}`,
        'rebuild the model (`edgebench models build … --force`) or re-download it',
        { cause: e },
      );
    }
    const Tensor = ort.Tensor as unknown as TensorCtor;
    const layout = kvLayoutFromSession(session, model.arch.numKvHeads, model.arch.headDim);
    // non-CPU EPs: one profiled 1-token step records the adapter and where the nodes really ran
    const check = epCheck
      ? await epCheck.finish(
          () => session.endProfiling(),
          async () => void (await new KvSequence(session, layout, Tensor).step([0])),
        )
      : null;
    return wrapSession(session, Tensor, model.arch, model.dtype, opts, {
      executionProvider: check?.fallback ? 'cpu' : opts.ep,
      fallback: check?.fallback ?? false,
      settings: { graphOptimizationLevel: so.graphOptimizationLevel ?? 'all', ...check?.settings },
    });
  },
};

type TensorCtor = ConstructorParameters<typeof KvSequence>[2];

/**
 * The LoadedModel around an open session (exported so `bench:decode` can time the harness path and
 * a bare loop on one and the same session: separately loaded copies of a model differ by up to ~20 %).
 */
export function wrapSession(
  session: InferenceSession,
  Tensor: TensorCtor,
  arch: ModelArch,
  dtype: string,
  opts: LoadOptions,
  extra: { executionProvider: string; fallback: boolean; settings: Record<string, string | number | boolean | null> },
): LoadedModel {
  const layout = kvLayoutFromSession(session, arch.numKvHeads, arch.headDim);
  const preallocate =
    parseRunnerSettings(ortNodeInfo.id, ortNodeInfo.settings, opts.settings).preallocateOutputs && layout.kvType === 'float32';
  return {
    resolved: {
      runner: 'ort-node',
      executionProvider: extra.executionProvider,
      dtype,
      threads: opts.threads,
      settings: {
        intraOpNumThreads: opts.threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        kvType: layout.kvType,
        preallocateOutputs: preallocate,
        ...extra.settings,
      },
      fallback: extra.fallback,
      versions: { 'onnxruntime-node': ortVersion() },
    },
    showsLogits: true,
    async prepare(contextIds: number[]): Promise<PreparedSequence> {
      const seq = new KvSequence(session, layout, Tensor, preallocate ? arch.vocabSize : null);
      if (contextIds.length > 0) await seq.step(contextIds);
      return { generate: (ids, n, onToken, control) => seq.generate(ids, n, onToken, control?.onLogits) };
    },
    async scorer() {
      // the graph takes any length: maxTokens needs no preparation here
      const seq = new KvSequence(session, layout, Tensor);
      return { feed: (ids, onRow) => seq.feedRows(ids, (logits) => onRow({ kind: 'logits', logits })) };
    },
    async [Symbol.asyncDispose]() {
      await session.release();
    },
  };
}

export function epHint(ep: string): string {
  switch (ep) {
    case 'cuda':
    case 'tensorrt':
      return 'on Linux/Windows with an NVIDIA GPU: install CUDA 12 + cuDNN 9, then `ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node --ignore-scripts=false` (needs network)';
    case 'webgpu':
      return 'needs a Vulkan/Metal/D3D12 GPU driver; on a CPU-only Linux box tests can use SwiftShader: `apt-get install chromium libvulkan1` and VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json';
    case 'coreml':
      return 'CoreML is available on macOS only';
    case 'dml':
      return 'DirectML is available on Windows only';
    case 'qnn':
      return 'QNN needs Windows on Snapdragon with the QNN build of onnxruntime';
    default:
      return `use one of ${KNOWN_EPS.join(', ')}`;
  }
}
