/**
 * The real dependencies of `runSuite`: model resolution (preset → built folder, or a folder / hub
 * id as given), memory checks before loading, and the memory-bandwidth probe for rooflines.
 */
import { existsSync } from 'node:fs';
import { freemem } from 'node:os';
import { join } from 'node:path';
import { EdgebenchError } from '../errors.ts';
import { countParams, type GraphStyle, type ModelDtype } from '../models/arch.ts';
import { buildModelFolder, type BuildProgress } from '../models/build/build-folder.ts';
import { decodeBytesPerToken } from '../models/bytes-per-token.ts';
import { loadModelFolder } from '../models/folder/load-folder.ts';
import { modelsRoot } from '../models/folder/hub-cache.ts';
import { findPreset } from '../models/presets.ts';
import { resolveTokenizer } from '../models/tokenizers/resolve.ts';
import { tokenizeWithFolder } from '../models/tokenizers/tokenize.ts';
import { probeOrtBandwidth } from '../probes/memory-bandwidth.ts';
import { resolveGgufModel } from '../runners/llama-cpp/resolve-gguf.ts';
import { tokenizeWithGguf } from '../runners/llama-cpp/tokenize-gguf.ts';
import type { Environment } from '../results/schema.ts';
import type { ResolvedModel, RunDeps } from './run-suite.ts';

const BUILDABLE: readonly string[] = ['fp32', 'fp16', 'q8', 'q4'];

export function presetModelDir(presetId: string, dtype: string, style: GraphStyle): string {
  return join(modelsRoot(), `${presetId}-${dtype}${style === 'genai' ? '-genai' : ''}`);
}

/** A preset id resolves to models/<id>-<dtype>/, built on first use; anything else is a folder or hub id. */
export async function resolveModel(
  spec: string,
  dtype: string,
  style: GraphStyle,
  runner: string,
  log: (msg: string) => void,
  onBuildProgress?: (p: BuildProgress) => void,
): Promise<ResolvedModel> {
  if (runner === 'fake' || runner === 'openai-http') {
    // fake: no model; openai-http: the model lives behind the endpoint (nothing to build or load here)
    return { source: { id: spec, dir: null, file: null, dtype, arch: null }, vocabSize: 32000, info: { id: spec, path: null, file: null, bytes: null, params: null, bytesPerToken: null, sha256: null, synthetic: runner === 'fake', weights: runner === 'fake' ? 'synthetic' : 'real' } };
  }
  // llama-cpp: a .gguf path as it is, a preset id → models/<id>-<gguf dtype>.gguf (built on first use)
  if (runner === 'llama-cpp') return resolveGgufModel(spec, dtype, log, onBuildProgress);
  const preset = existsSync(spec) ? undefined : findPreset(spec);
  let dir = spec;
  if (preset) {
    dir = presetModelDir(preset.id, dtype, style);
    if (!existsSync(join(dir, 'config.json'))) {
      if (!BUILDABLE.includes(dtype)) throw new EdgebenchError('USAGE', `dtype '${dtype}' cannot be built`, `use one of ${BUILDABLE.join(', ')}`);
      log(`building ${preset.id} (${dtype}, ${style}) into ${dir} — once; later runs reuse it`);
      const tok = resolveTokenizer(preset);
      await buildModelFolder({
        arch: preset.arch, dtype: dtype as ModelDtype, style, outDir: dir,
        hfConfigExtra: { _name_or_path: preset.hfId ?? preset.id, edgebench_preset: preset.id },
        tokenizerFiles: { tokenizerJson: tok.tokenizerJson, tokenizerConfigJson: tok.tokenizerConfigJson },
        ...(onBuildProgress ? { onProgress: onBuildProgress } : {}),
      });
    }
  }
  const folder = await loadModelFolder(dir, { dtype });
  const bytes = folder.chosen.bytes; // .onnx + its external data
  return {
    source: { id: preset?.id ?? spec, dir: folder.dir, file: folder.chosen.file, dtype: folder.chosen.dtype, arch: folder.arch },
    vocabSize: folder.arch.vocabSize,
    info: {
      id: preset?.id ?? spec,
      path: folder.dir,
      file: folder.chosen.file,
      bytes,
      params: countParams(folder.arch),
      bytesPerToken: decodeBytesPerToken(folder.arch, folder.chosen.dtype),
      sha256: await folder.sha256(),
      synthetic: folder.synthetic,
      weights: folder.synthetic ? 'synthetic' : 'real',
    },
  };
}

/** Refuse before loading when the weights alone would not fit in free memory (with the numbers). */
export function checkMemory(m: ResolvedModel, free = freemem()): void {
  const need = m.info.bytes;
  if (need === null) return;
  const estimate = need * 1.2; // weights + arena, KV cache and activations at small depths
  if (estimate > free) {
    const gb = (n: number) => (n / 1e9).toFixed(1);
    throw new EdgebenchError('OUT_OF_MEMORY', `${m.info.id} needs about ${gb(estimate)} GB (weights ${gb(need)} GB × 1.2) but only ${gb(free)} GB of memory is free`, 'close other programs, or pick a smaller model or a 4-bit dtype (--dtype q4)');
  }
}

export function realRunDeps(environment: Environment, opts: { bandwidth: boolean; log: (m: string) => void; onBuildProgress?: (p: BuildProgress) => void }): RunDeps {
  return {
    environment,
    resolveModel: (spec, dtype, style, runner, log) => resolveModel(spec, dtype, style, runner, log, opts.onBuildProgress),
    checkMemory: (m) => checkMemory(m),
    async tokenize(m, text) {
      if (!m.source.dir && m.source.file?.toLowerCase().endsWith('.gguf')) return tokenizeWithGguf(m.source.file, text);
      if (!m.source.dir) return Array.from(text, (ch) => ch.charCodeAt(0) % m.vocabSize);
      return tokenizeWithFolder(m.source.dir, text);
    },
    async measureBandwidth(threads) {
      if (!opts.bandwidth) return null;
      opts.log(`measuring memory bandwidth (${threads ?? 'default'} threads) for the roofline…`);
      try {
        const r = await probeOrtBandwidth(threads ? { threads } : {});
        return r.bytesPerS;
      } catch (e) {
        opts.log(`memory-bandwidth probe failed (${(e as Error).message.split('\n')[0]}); rooflineFraction will be n/a`);
        return null;
      }
    },
  };
}
