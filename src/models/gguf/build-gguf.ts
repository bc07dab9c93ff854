/**
 * Builds a shape-true synthetic GGUF from a preset: the same architecture, parameter count and
 * seeded weights as the ONNX builder, quantized to a llama.cpp format, with tokenizer metadata from
 * the preset's real npm tokenizer (or the synthetic fallback). One file, streamed.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { countParams } from '../arch.ts';
import { EdgebenchError } from '../../errors.ts';
import { assertFreeSpace } from '../disk-space.ts';
import { modelsRoot } from '../folder/hub-cache.ts';
import type { ModelPreset } from '../presets.ts';
import { resolveTokenizer } from '../tokenizers/resolve.ts';
import { ggufTensorPlans } from './arch-tensors.ts';
import type { GgufDtype } from './format.ts';
import { modelMetadata } from './metadata.ts';
import { tokenizerMetadata } from './tokenizer-meta.ts';
import { tensorBytes, writeGguf } from './writer.ts';

export interface GgufBuildOptions {
  preset: ModelPreset;
  dtype: GgufDtype;
  outFile: string;
  seed?: number;
  onProgress?: (p: { doneBytes: number; totalBytes: number }) => void;
}

export interface GgufBuildResult {
  file: string;
  bytesWritten: number;
  params: number;
  /** tensor count per ggml type, e.g. { Q4_0: 113, F32: 33 } */
  tensorTypes: Record<string, number>;
  tokenizer: string;
  seconds: number;
}

export function presetGgufPath(presetId: string, dtype: GgufDtype): string {
  return join(modelsRoot(), `${presetId}-${dtype}.gguf`);
}

/** Tensor-data bytes of the GGUF a preset becomes (header not counted). */
export function estimateGgufBytes(preset: ModelPreset, dtype: GgufDtype): number {
  return ggufTensorPlans(preset.arch, dtype, 0).reduce((a, t) => a + tensorBytes(t), 0);
}

export async function buildGguf(o: GgufBuildOptions): Promise<GgufBuildResult> {
  const t0 = process.hrtime.bigint();
  const seed = o.seed ?? 42;
  const { arch } = o.preset;
  if (arch.headDim % 2 !== 0) throw new EdgebenchError('MODEL_INVALID', `preset '${o.preset.id}': head_dim ${arch.headDim} is odd`, 'RoPE needs an even head_dim');
  const plans = ggufTensorPlans(arch, o.dtype, seed);
  try {
    mkdirSync(dirname(o.outFile), { recursive: true });
  } catch (e) {
    throw new EdgebenchError('OUTPUT_UNWRITABLE', `cannot create ${dirname(o.outFile)}: ${(e as Error).message}`, 'choose another --out path', { cause: e });
  }
  assertFreeSpace(dirname(o.outFile), plans.reduce((a, t) => a + tensorBytes(t), 0), `building ${o.outFile}`);
  const tok = resolveTokenizer(o.preset);
  const metadata = modelMetadata({ arch, dtype: o.dtype, name: o.preset.hfId ?? o.preset.id, seed, presetId: o.preset.id });
  for (const [k, v] of tokenizerMetadata({ tokenizerJson: tok.tokenizerJson, tokenizerConfigJson: tok.tokenizerConfigJson, kind: o.preset.tokenizer, arch })) metadata.set(k, v);
  let written: { bytesWritten: number };
  try {
    written = await writeGguf(o.outFile, metadata, plans, (doneBytes, totalBytes) => o.onProgress?.({ doneBytes, totalBytes }));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC') throw new EdgebenchError('DISK_FULL', `disk filled up while writing ${o.outFile}`, 'free some disk space or write elsewhere (--out)', { cause: e });
    if (code === 'EACCES' || code === 'EROFS') throw new EdgebenchError('OUTPUT_UNWRITABLE', `cannot write ${o.outFile} (${code})`, 'choose another --out path', { cause: e });
    throw e;
  }
  const tensorTypes: Record<string, number> = {};
  for (const p of plans) tensorTypes[p.type] = (tensorTypes[p.type] ?? 0) + 1;
  return {
    file: o.outFile,
    bytesWritten: written.bytesWritten,
    params: countParams(arch),
    tensorTypes,
    tokenizer: tok.kind === 'real' ? `${tok.package} (${tok.vocabSize} tokens)` : `synthetic fallback (${tok.vocabSize} tokens)`,
    seconds: Number(process.hrtime.bigint() - t0) / 1e9,
  };
}
