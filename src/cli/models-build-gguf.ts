/** `edgebench models build <preset> --format gguf`: a shape-true synthetic GGUF for the llama-cpp runner. */
import { byteProgressBar } from './byte-progress.ts';
import { relative } from 'node:path';
import { EdgebenchError } from '../errors.ts';
import { formatBytes, formatCount, formatInt } from '../format/model-sizes.ts';

export interface GgufBuildFlags {
  dtype: string;
  out?: string;
  seed: number;
  force?: boolean;
}

export async function buildGgufCommand(presetId: string, o: GgufBuildFlags): Promise<void> {
  const [{ existsSync }, { buildGguf, estimateGgufBytes, presetGgufPath }, { GGUF_DTYPES, toGgufDtype }, { getPreset }] = await Promise.all(
    [import('node:fs'), import('../models/gguf/build-gguf.ts'), import('../models/gguf/format.ts'), import('../models/presets.ts')],
  );
  const preset = getPreset(presetId);
  const dtype = toGgufDtype(o.dtype);
  if (!dtype)
    throw new EdgebenchError(
      'USAGE',
      `--dtype '${o.dtype}' is not a GGUF format`,
      `use one of ${GGUF_DTYPES.join(', ')} (q4, q8, fp16, fp32 map to q4_0, q8_0, f16, f32)`,
    );
  const out = o.out ?? presetGgufPath(preset.id, dtype);
  if (!out.toLowerCase().endsWith('.gguf'))
    throw new EdgebenchError('USAGE', `--out ${out} must be a .gguf file path`, `e.g. --out models/${preset.id}-${dtype}.gguf`);
  if (existsSync(out) && !o.force)
    throw new EdgebenchError('OUTPUT_UNWRITABLE', `${out} already exists`, 'pass --force to replace it, or choose another --out');
  const progress = byteProgressBar(`${preset.id} ${dtype}`);
  const r = await buildGguf({
    preset,
    dtype,
    outFile: out,
    seed: o.seed,
    onProgress: progress.onProgress,
  }).finally(progress.stop);
  const rel = relative(process.cwd(), r.file) || r.file;
  const types = Object.entries(r.tensorTypes)
    .map(([t, n]) => `${t} ×${n}`)
    .join(', ');
  console.log(`built ${preset.id} (GGUF ${dtype}, seed ${o.seed}) → ${rel}`);
  console.log(`  params     ${formatInt(r.params)} (${formatCount(r.params)})`);
  console.log(`  file       ${formatBytes(r.bytesWritten)} (tensor data estimate ${formatBytes(estimateGgufBytes(preset, dtype))})`);
  console.log(`  tensors    ${types}`);
  console.log(`  tokenizer  ${r.tokenizer}`);
  console.log(`  took       ${r.seconds.toFixed(2)} s`);
  console.log(`  next       edgebench run --model ${preset.id} --dtype ${dtype} --runner llama-cpp --shape pp512,tg128`);
}
