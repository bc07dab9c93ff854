import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { byteProgressBar } from './byte-progress.ts';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import type { GraphStyle, ModelDtype } from '../models/arch.ts';
import type { ModelPreset } from '../models/presets.ts';
import { EdgebenchError } from '../errors.ts';
import { formatBytes, formatCount, formatInt, formatOpCounts } from '../format/model-sizes.ts';

const DTYPES: ModelDtype[] = ['fp32', 'fp16', 'q8', 'q4'];
const STYLES: GraphStyle[] = ['optimum', 'genai'];

interface BuildFlags {
  dtype: string;
  style: string;
  out?: string;
  seed: string;
  accuracyLevel: string;
  force?: boolean;
  format: string;
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new EdgebenchError('USAGE', `${flag} '${value}' is not one of ${allowed.join(', ')}`, `e.g. ${flag} ${allowed[0]}`);
}

function intFlag(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new EdgebenchError('USAGE', `${flag} '${value}' must be an integer in ${min}..${max}`, `e.g. ${flag} ${min}`);
  return n;
}

/** Refuse a non-empty folder unless --force; with --force only a model folder (config.json / onnx/) is cleared. */
export function prepareOutDir(out: string, force: boolean): void {
  if (existsSync(out)) {
    if (!statSync(out).isDirectory())
      throw new EdgebenchError('OUTPUT_UNWRITABLE', `--out ${out} is a file`, 'choose a folder path for --out');
    const entries = readdirSync(out);
    if (entries.length > 0) {
      if (!force)
        throw new EdgebenchError(
          'OUTPUT_UNWRITABLE',
          `${out} already exists and is not empty`,
          'pass --force to replace it, or choose another --out',
        );
      const looksLikeModel = entries.includes('config.json') || entries.includes('onnx');
      if (!looksLikeModel)
        throw new EdgebenchError(
          'OUTPUT_UNWRITABLE',
          `${out} is not empty and does not look like a model folder; --force will not delete it`,
          'choose an empty or new --out folder',
        );
      rmSync(out, { recursive: true, force: true });
    }
  }
  try {
    mkdirSync(out, { recursive: true });
  } catch (e) {
    throw new EdgebenchError(
      'OUTPUT_UNWRITABLE',
      `cannot create ${out} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      'choose another --out folder or fix its permissions',
      { cause: e },
    );
  }
}

function officialLine(p: ModelPreset): string {
  if (!p.params.official) return 'no official figure (test preset)';
  const v = p.params.officialValue;
  const dev = v ? ` (${(((p.params.exact - v) / v) * 100).toFixed(2)} %)` : '';
  return `official ${p.params.official}${p.params.officialKind === 'size-class' ? ' (size class)' : ''}${dev}`;
}

export function registerModelsBuild(models: Command): void {
  models
    .command('build')
    .description('Generate a shape-identical model folder (seeded random weights) from a preset')
    .argument('<preset>', 'preset id (see `edgebench models list`), e.g. qwen2.5-0.5b or tiny-llama')
    .option('--dtype <dtype>', `weights: ${DTYPES.join(' | ')}`, 'q4')
    .option(
      '--style <style>',
      'graph style: optimum (standard ops + MatMulNBits, as transformers.js downloads) | genai (onnxruntime-genai fused ops)',
      'optimum',
    )
    .option('--out <dir>', 'output folder (default: models/<preset>-<dtype>[-genai])')
    .option('--seed <n>', 'weight PRNG seed', '42')
    .option('--accuracy-level <n>', 'MatMulNBits accuracy_level for q4 (0-4; 4 = int8 activations, what CPU exports use)', '4')
    .option('--force', 'replace an existing, non-empty model folder')
    .option(
      '--format <format>',
      'onnx (a model folder) | gguf (one .gguf file for the llama-cpp runner; --dtype q4_0 | q8_0 | f16 | f32 | q4_k_m)',
      'onnx',
    )
    .addHelpText(
      'after',
      '\nThe folder has the Hugging Face / transformers.js layout: config.json, generation_config.json,\ntokenizer.json, tokenizer_config.json and onnx/model*.onnx. Families without an npm tokenizer get a\nsynthetic fallback tokenizer (tokenizer_config.json: "edgebench_fallback": true).',
    )
    .action(async (presetId: string, o: BuildFlags) => {
      if (o.format === 'gguf') {
        const { buildGgufCommand } = await import('./models-build-gguf.ts');
        return buildGgufCommand(presetId, {
          dtype: o.dtype,
          seed: intFlag('--seed', o.seed, 0, 2 ** 31 - 1),
          ...(o.out ? { out: o.out } : {}),
          ...(o.force ? { force: true } : {}),
        });
      }
      oneOf('--format', o.format, ['onnx', 'gguf']);
      // heavy modules load only when the command runs (keeps `edgebench --help` fast)
      const [{ buildModelFolder }, { assertFreeSpace }, { estimateWeightBytes }, { modelsRoot }, { getPreset }, { resolveTokenizer }] =
        await Promise.all([
          import('../models/build/build-folder.ts'),
          import('../models/disk-space.ts'),
          import('../models/estimate-bytes.ts'),
          import('../models/folder/hub-cache.ts'),
          import('../models/presets.ts'),
          import('../models/tokenizers/resolve.ts'),
        ]);
      const preset = getPreset(presetId);
      const dtype = oneOf('--dtype', o.dtype, DTYPES);
      const style = oneOf('--style', o.style, STYLES);
      const seed = intFlag('--seed', o.seed, 0, 2 ** 31 - 1);
      const accuracyLevel = intFlag('--accuracy-level', o.accuracyLevel, 0, 4) as 0 | 1 | 2 | 3 | 4;
      const out = o.out ?? join(modelsRoot(), `${preset.id}-${dtype}${style === 'genai' ? '-genai' : ''}`);
      const estimate = estimateWeightBytes(preset.arch, dtype);
      assertFreeSpace(out, estimate, `building ${preset.id} (${dtype})`);
      prepareOutDir(out, o.force === true);
      const tok = resolveTokenizer(preset);
      const progress = byteProgressBar(`${preset.id} ${dtype}`);
      const r = await buildModelFolder({
        arch: preset.arch,
        dtype,
        style,
        outDir: out,
        seed,
        accuracyLevel,
        hfConfigExtra: { _name_or_path: preset.hfId ?? preset.id, edgebench_preset: preset.id },
        tokenizerFiles: { tokenizerJson: tok.tokenizerJson, tokenizerConfigJson: tok.tokenizerConfigJson },
        onProgress: progress.onProgress,
      }).finally(progress.stop);
      const rel = relative(process.cwd(), r.dir) || '.';
      console.log(`built ${preset.id} (${dtype}, ${style} graph, seed ${seed}) → ${rel}`);
      console.log(`  params     ${formatInt(r.params)} (${formatCount(r.params)}); ${officialLine(preset)}`);
      console.log(
        `  weights    ${r.onnxFile}${r.externalDataFile ? ` + ${r.externalDataFile}` : ' (inline)'}: ${formatBytes(r.bytesWritten)} written (estimate ${formatBytes(estimate)})`,
      );
      console.log(`  operators  ${formatOpCounts(r.opCounts, 8)}`);
      const tokLine =
        tok.kind === 'real'
          ? `${tok.package} (${tok.vocabSize} tokens${tok.paddingRows ? `, +${tok.paddingRows} padding rows` : ''})`
          : `synthetic fallback (${tok.vocabSize} tokens; ids do not match the real model)`;
      console.log(`  tokenizer  ${tokLine}`);
      console.log(`  took       ${r.seconds.toFixed(2)} s, peak RSS ${formatBytes(r.peakRssBytes)}`);
      console.log(`  next       edgebench models info ${rel}`);
    });
}
