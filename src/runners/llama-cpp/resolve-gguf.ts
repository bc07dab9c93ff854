/**
 * Model resolution for the llama-cpp runner: a path to a .gguf file is used as it is; a preset id
 * becomes models/<preset>-<gguf dtype>.gguf, built on first use (suite dtypes q4/q8/fp16/fp32 map
 * to q4_0/q8_0/f16/f32 so one `--dtype` pairs ONNX and GGUF runs of the same preset).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { EdgebenchError } from '../../errors.ts';
import { isLfsPointer, lfsPointerError, sha256File } from '../../models/folder/file-checks.ts';
import { buildGguf, presetGgufPath } from '../../models/gguf/build-gguf.ts';
import { GGUF_DTYPES, toGgufDtype } from '../../models/gguf/format.ts';
import { readGguf } from '../../models/gguf/read-gguf.ts';
import { findPreset } from '../../models/presets.ts';
import { resolveTokenizer } from '../../models/tokenizers/resolve.ts';
import type { ResolveContext, ResolvedModel } from '../types.ts';

export async function resolveGgufModel(
  spec: string,
  dtype: string,
  ctx: Pick<ResolveContext, 'log' | 'onBuildProgress'>,
): Promise<ResolvedModel> {
  let file = spec;
  const preset = existsSync(spec) ? undefined : findPreset(spec);
  if (preset) {
    const gdtype = toGgufDtype(dtype);
    if (!gdtype)
      throw new EdgebenchError(
        'USAGE',
        `dtype '${dtype}' has no GGUF equivalent`,
        `use one of ${GGUF_DTYPES.join(', ')} (or q4, q8, fp16, fp32)`,
      );
    file = presetGgufPath(preset.id, gdtype);
    if (!existsSync(file)) {
      ctx.log(`building ${preset.id} (GGUF ${gdtype}) into ${file} — once; later runs reuse it`);
      await buildGguf({ preset, dtype: gdtype, outFile: file, onProgress: (p) => ctx.onBuildProgress?.({ stage: 'weights', ...p }) });
    }
  } else if (!existsSync(spec)) {
    throw new EdgebenchError(
      'MODEL_NOT_FOUND',
      `no preset or file '${spec}'`,
      'llama-cpp takes a .gguf path or a preset id (edgebench models list)',
    );
  } else if (statSync(spec).isDirectory()) {
    throw new EdgebenchError('MODEL_INVALID', `${spec} is a folder; llama-cpp needs a .gguf file`, 'pass the .gguf file itself');
  }
  if (isLfsPointer(file)) throw lfsPointerError(file);
  const facts = await readGguf(file);
  // dir: the preset's tokenizer folder (tokenizer.json), so text-prompt suites tokenize like the ONNX runs
  const tokDir = preset ? dirname(resolveTokenizer(preset).tokenizerJson) : null;
  return {
    source: {
      id: preset?.id ?? spec,
      dir: tokDir,
      file,
      dtype: preset ? (toGgufDtype(dtype) ?? dtype) : facts.weightType.toLowerCase(),
      arch: facts.arch,
    },
    vocabSize: facts.vocabSize,
    info: {
      id: preset?.id ?? spec,
      path: file,
      file,
      bytes: facts.fileBytes,
      params: facts.params,
      bytesPerToken: facts.bytesPerToken,
      sha256: await sha256File(file),
      synthetic: facts.synthetic,
      weights: facts.synthetic ? 'synthetic' : 'real',
    },
  };
}
