/**
 * Model resolution for the ONNX runners (ort-node, ort-web, transformers-js): a preset id resolves
 * to models/<id>-<dtype>/, built on first use; anything else is a model folder or a hub id.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EdgebenchError } from '../errors.ts';
import type { ResolveContext, ResolvedModel } from '../runners/types.ts';
import { countParams, type GraphStyle, type ModelDtype } from './arch.ts';
import { buildModelFolder } from './build/build-folder.ts';
import { decodeBytesPerToken } from './bytes-per-token.ts';
import { loadModelFolder } from './folder/load-folder.ts';
import { modelsRoot } from './folder/hub-cache.ts';
import { findPreset } from './presets.ts';
import { resolveTokenizer } from './tokenizers/resolve.ts';
import { tokenizeWithFolder } from './tokenizers/tokenize.ts';

const BUILDABLE: readonly string[] = ['fp32', 'fp16', 'q8', 'q4'];

export function presetModelDir(presetId: string, dtype: string, style: GraphStyle): string {
  return join(modelsRoot(), `${presetId}-${dtype}${style === 'genai' ? '-genai' : ''}`);
}

export async function resolveOnnxModel(spec: string, dtype: string, ctx: ResolveContext): Promise<ResolvedModel> {
  const { style } = ctx;
  const preset = existsSync(spec) ? undefined : findPreset(spec);
  let dir = spec;
  if (preset) {
    dir = presetModelDir(preset.id, dtype, style);
    if (!existsSync(join(dir, 'config.json'))) {
      if (!BUILDABLE.includes(dtype)) throw new EdgebenchError('USAGE', `dtype '${dtype}' cannot be built`, `use one of ${BUILDABLE.join(', ')}`);
      ctx.log(`building ${preset.id} (${dtype}, ${style}) into ${dir} — once; later runs reuse it`);
      const tok = resolveTokenizer(preset);
      await buildModelFolder({
        arch: preset.arch, dtype: dtype as ModelDtype, style, outDir: dir,
        hfConfigExtra: { _name_or_path: preset.hfId ?? preset.id, edgebench_preset: preset.id },
        tokenizerFiles: { tokenizerJson: tok.tokenizerJson, tokenizerConfigJson: tok.tokenizerConfigJson },
        ...(ctx.onBuildProgress ? { onProgress: (p) => ctx.onBuildProgress?.(p) } : {}),
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

/** Text → ids with the folder's tokenizer.json (the one the model was built or downloaded with). */
export async function tokenizeOnnx(model: ResolvedModel, text: string): Promise<number[]> {
  if (!model.source.dir) throw new EdgebenchError('MODEL_INVALID', `model '${model.info.id}' has no folder with a tokenizer`, 'pass a model folder with tokenizer.json, or use a token prompt');
  return tokenizeWithFolder(model.source.dir, text);
}
