/**
 * onnxruntime-web in the page: imports the build for the EP, downloads the model (with
 * progress), creates the session, and exposes it as a runner LoadedModel whose sequences are
 * edgebench's KvSequence — the same greedy KV-cache loop the Node runners use.
 */
import type * as Ort from 'onnxruntime-web';
import type { InferenceSession as NodeSession } from 'onnxruntime-node';
import { EdgebenchError } from '../../../errors.ts';
import { KvSequence, kvLayoutFromSession } from '../../../runners/ort-node/kv-session.ts';
import type { LoadedModel, PreparedSequence } from '../../../runners/types.ts';
import type { ResolvedRunner } from '../../../results/schema.ts';
import type { PageConfig, PageModelFile } from '../shared/protocol.ts';
import type { PageEp } from '../uploads.ts';

export interface BrowserRuntime {
  model: LoadedModel;
  loadMs: number;
  downloadMs: number;
  numThreads: number;
  dispose(): Promise<void>;
}

export type LoadPhase = { phase: 'downloading'; done: number; total: number } | { phase: 'loading' };

/** onnxruntime-web's own default: half the logical cores, at most 4; 1 without cross-origin isolation. */
export function defaultThreads(): number {
  if (!self.crossOriginIsolated) return 1;
  return Math.min(4, Math.ceil((navigator.hardwareConcurrency || 1) / 2));
}

async function download(f: PageModelFile, onBytes: (n: number) => void): Promise<Uint8Array> {
  const res = await fetch(new URL(f.url, new URL('./', location.href)));
  if (!res.ok || !res.body)
    throw new EdgebenchError('MODEL_NOT_FOUND', `download of ${f.name} failed: HTTP ${res.status}`, 'is edgebench serve still running?');
  const out = new Uint8Array(f.bytes);
  let at = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (at + value.length > out.length)
      throw new EdgebenchError(
        'MODEL_INVALID',
        `${f.name} is larger than the ${f.bytes} bytes announced`,
        'restart edgebench serve (the model changed on disk)',
      );
    out.set(value, at);
    at += value.length;
    onBytes(value.length);
  }
  if (at !== out.length)
    throw new EdgebenchError('MODEL_INVALID', `${f.name}: got ${at} of ${f.bytes} bytes`, 'the download was cut short; reload the page');
  return out;
}

function toError(e: unknown, ep: PageEp): EdgebenchError {
  if (e instanceof EdgebenchError) return e;
  const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
  if (/memory|allocation|RangeError/i.test(msg))
    return new EdgebenchError('OUT_OF_MEMORY', `onnxruntime-web ran out of memory: ${msg}`, 'serve a smaller model or dtype');
  return new EdgebenchError(
    'MODEL_INVALID',
    `onnxruntime-web (${ep}) could not load the model: ${msg}`,
    'check the model with `edgebench models info`; try the other backend (ep=wasm / ep=webgpu)',
  );
}

export async function loadRuntime(
  cfg: PageConfig,
  ep: PageEp,
  threads: number | null,
  onPhase: (p: LoadPhase) => void,
): Promise<BrowserRuntime> {
  const ortUrl = new URL(cfg.runtime[ep], new URL('./', location.href)).href;
  const ort = (await import(/* @vite-ignore */ ortUrl)) as typeof Ort;
  ort.env.wasm.numThreads = threads ?? defaultThreads();
  ort.env.logLevel = 'error';
  const files = [cfg.model.onnx, ...cfg.model.externalData];
  const total = files.reduce((a, f) => a + f.bytes, 0);
  let done = 0;
  const t0 = performance.now();
  const blobs: Uint8Array[] = [];
  for (const f of files) {
    blobs.push(
      await download(f, (n) => {
        done += n;
        onPhase({ phase: 'downloading', done, total });
      }),
    );
  }
  const downloadMs = performance.now() - t0;
  onPhase({ phase: 'loading' });
  let session: Ort.InferenceSession;
  const t1 = performance.now();
  try {
    session = await ort.InferenceSession.create(blobs[0]!, {
      executionProviders: [ep],
      graphOptimizationLevel: 'all',
      externalData: cfg.model.externalData.map((f, i) => ({ path: f.name, data: blobs[i + 1]! })),
    });
  } catch (e) {
    throw toError(e, ep);
  }
  const loadMs = performance.now() - t1;
  const nodeSession = session as unknown as NodeSession; // both packages share onnxruntime-common's interface
  const layout = kvLayoutFromSession(nodeSession, cfg.model.numKvHeads, cfg.model.headDim);
  const Tensor = ort.Tensor as unknown as ConstructorParameters<typeof KvSequence>[2];
  // onnxruntime-web writes back 1 here when the page cannot run wasm threads
  const numThreads = ort.env.wasm.numThreads ?? 1;
  let webgpuDevice: boolean | null = null;
  if (ep === 'webgpu') {
    try {
      webgpuDevice = Boolean(await Promise.resolve(ort.env.webgpu.device));
    } catch {
      webgpuDevice = false;
    }
  }
  const settings: ResolvedRunner['settings'] = {
    backend: ep,
    ortBuild: cfg.runtime[ep],
    numThreads,
    crossOriginIsolated: self.crossOriginIsolated === true,
    graphOptimizationLevel: 'all',
    kvType: layout.kvType,
    tokenTransport: 'in-page callback',
    webgpuDeviceCreated: webgpuDevice,
  };
  if (ep === 'wasm' && /^q4/.test(cfg.model.dtype)) {
    settings.wasmQ4Warning =
      "onnxruntime-web's wasm MatMulNBits dequantizes the whole 4-bit weight matrix on every call: expect several times slower decode than fp16/fp32 on wasm (serve --dtype q8 or fp32 for wasm, or use WebGPU)";
  }
  const resolved: ResolvedRunner = {
    runner: 'ort-web',
    executionProvider: ep,
    dtype: cfg.model.dtype,
    threads: numThreads,
    settings,
    // asked for WebGPU, but onnxruntime-web made no GPU device: it ran somewhere else
    fallback: webgpuDevice === false,
    versions: { 'onnxruntime-web': ort.env.versions.web ?? cfg.ortWebVersion },
  };
  const dispose = () => session.release();
  const model: LoadedModel = {
    resolved,
    async prepare(contextIds: number[]): Promise<PreparedSequence> {
      const seq = new KvSequence(nodeSession, layout, Tensor);
      if (contextIds.length > 0) await seq.step(contextIds);
      return { generate: (ids, n, onToken) => seq.generate(ids, n, onToken) };
    },
    [Symbol.asyncDispose]: dispose,
  };
  return { model, loadMs, downloadMs, numThreads, dispose };
}
