/**
 * transformers.js runner (`@huggingface/transformers` v4, the maintained successor of
 * `@xenova/transformers`): the same model folders, loaded with AutoModelForCausalLM.from_pretrained
 * and run through the library's own `generate`, as JS applications ship it. In Node the library
 * runs on onnxruntime-node (device 'cpu' or 'webgpu'); thread count goes through session_options.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PreTrainedModel } from '@huggingface/transformers';
import type * as TjsModule from '@huggingface/transformers';
import type { Availability, LoadedModel, LoadOptions, ModelSource, PreparedSequence, RunnerFactory } from '../types.ts';
import { EdgebenchError } from '../../errors.ts';
import { transformersJsScorer } from './scorer.ts';
import { probeWebGpuAdapter, webgpuHint } from '../webgpu/adapter.ts';
import { startEpCheck } from '../webgpu/ep-check.ts';
import { tjsLocation } from './load-options.ts';
import { generateTokens, prefillCache } from './generate.ts';
import { packageDir, packageVersion } from './package-version.ts';
import { resolveOnnxModel, tokenizeOnnx } from '../../models/resolve-onnx.ts';
import { parseRunnerSettings } from '../settings.ts';
import { transformersJsInfo } from './info.ts';

type Tjs = typeof TjsModule;
const DEVICES = ['cpu', 'webgpu'] as const;

let lib: Tjs | null = null;
async function loadLib(): Promise<Tjs> {
  if (lib) return lib;
  try {
    lib = (await import('@huggingface/transformers')) as Tjs;
    return lib;
  } catch (e) {
    throw new EdgebenchError(
      'BACKEND_NOT_INSTALLED',
      `@huggingface/transformers could not be loaded: ${(e as Error).message.split('\n')[0]}`,
      'run `npm ci` in the edgebench folder',
      { cause: e },
    );
  }
}

/** Versions of the library and of the onnxruntime it actually runs on (its own dependency). */
export function transformersVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  const lib = packageVersion('@huggingface/transformers');
  if (lib) out['@huggingface/transformers'] = lib;
  const dir = packageDir('@huggingface/transformers');
  const ort = dir ? packageVersion('onnxruntime-node', pathToFileURL(join(dir, 'package.json')).href) : null;
  if (ort) out['onnxruntime-node'] = ort;
  return out;
}

function modelSession(model: PreTrainedModel): { endProfiling(): void; config?: { device?: string; dtype?: string } } | null {
  const s = model.sessions.model ?? model.sessions.decoder_model_merged;
  return s && typeof s === 'object' ? (s as { endProfiling(): void; config?: { device?: string; dtype?: string } }) : null;
}

/** A model as transformers.js loads it, with what wrapping it for the harness needs. */
export interface TjsLoaded {
  m: PreTrainedModel;
  loc: ReturnType<typeof tjsLocation>;
  epCheck: Awaited<ReturnType<typeof startEpCheck>>;
  opts: LoadOptions;
}

/** Untimed: from_pretrained with edgebench's session options (bench:overhead drives the returned model bare too). */
export async function loadPreTrained(model: ModelSource, opts: LoadOptions): Promise<TjsLoaded> {
  parseRunnerSettings(transformersJsInfo.id, transformersJsInfo.settings, opts.settings);
  if (!model.dir || !model.file)
    throw new EdgebenchError(
      'MODEL_NOT_FOUND',
      `model '${model.id}' has no local folder`,
      'transformers-js runs model folders (config.json + onnx/*.onnx); build one with `edgebench models build`',
    );
  const t = await loadLib();
  const loc = tjsLocation(model.dir, model.file);
  t.env.allowRemoteModels = false;
  t.env.allowLocalModels = true;
  t.env.localModelPath = loc.localModelPath;
  const epCheck = await startEpCheck(opts.ep);
  const sessionOptions = {
    ...(opts.threads !== null ? { intraOpNumThreads: opts.threads, interOpNumThreads: 1 } : {}),
    ...epCheck?.sessionOptions,
  };
  let m: PreTrainedModel;
  try {
    m = await t.AutoModelForCausalLM.from_pretrained(loc.name, {
      dtype: loc.dtype,
      device: opts.ep as 'cpu' | 'webgpu',
      subfolder: loc.subfolder,
      model_file_name: loc.modelFileName,
      local_files_only: true,
      session_options: sessionOptions,
    });
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0] ?? '';
    if (opts.ep !== 'cpu')
      throw new EdgebenchError('DEVICE_UNAVAILABLE', `transformers.js could not use '${opts.ep}': ${msg}`, webgpuHint(), { cause: e });
    throw new EdgebenchError(
      'MODEL_INVALID',
      `transformers.js could not load ${model.file}: ${msg}`,
      'check the folder with `edgebench models info <dir>`',
      { cause: e },
    );
  }
  return { m, loc, epCheck, opts };
}

/** The harness's view of a loaded transformers.js model: generate() through the library, tokens through a streamer. */
export async function wrapPreTrained({ m, loc, epCheck, opts }: TjsLoaded): Promise<LoadedModel> {
  const session = modelSession(m);
  const device = session?.config?.device ?? opts.ep;
  const check =
    epCheck && session
      ? await epCheck.finish(
          () => session.endProfiling(),
          () => generateTokens(m, [], null, [0], 1, () => {}),
        )
      : null;
  return {
    resolved: {
      runner: 'transformers-js',
      executionProvider: check?.fallback ? 'cpu' : device,
      dtype: loc.dtype,
      threads: opts.threads,
      settings: {
        api: 'AutoModelForCausalLM.from_pretrained + generate (greedy, streamer)',
        device,
        modelFileName: loc.modelFileName,
        intraOpNumThreads: opts.threads,
        eos: 'ignored (eos_token_id: null)',
        ...check?.settings,
      },
      fallback: device !== opts.ep || (check?.fallback ?? false),
      versions: transformersVersions(),
    },
    async prepare(contextIds: number[]): Promise<PreparedSequence> {
      const cache = contextIds.length > 0 ? await prefillCache(m, contextIds) : null;
      return { generate: (ids, n, onToken) => generateTokens(m, contextIds, cache, ids, n, onToken) };
    },
    scorer: async () => transformersJsScorer(m),
    async [Symbol.asyncDispose]() {
      await m.dispose();
    },
  };
}

export const transformersJsRunner: RunnerFactory = {
  ...transformersJsInfo,
  resolveModel: resolveOnnxModel,
  tokenize: tokenizeOnnx,
  async probe(opts: LoadOptions): Promise<Availability> {
    if (!(DEVICES as readonly string[]).includes(opts.ep)) {
      return {
        ok: false,
        reason: `transformers.js in Node runs on 'cpu' or 'webgpu', not '${opts.ep}'`,
        hint: 'use --ep cpu or --ep webgpu with --runner transformers-js',
      };
    }
    try {
      await loadLib();
    } catch (e) {
      return { ok: false, reason: (e as Error).message, hint: 'run `npm ci`' };
    }
    if (opts.ep === 'webgpu') {
      const a = await probeWebGpuAdapter();
      if (!a.ok) return a;
    }
    return { ok: true };
  },
  async load(model: ModelSource, opts: LoadOptions): Promise<LoadedModel> {
    return wrapPreTrained(await loadPreTrained(model, opts));
  },
};
