/**
 * Builds a synthetic model folder in the Hugging Face / transformers.js layout:
 * config.json, generation_config.json, onnx/<DTYPE_FILE[dtype]> (+ `_data` when external), and
 * optionally the tokenizer files. Weights are streamed; memory stays at a few chunks.
 */
import { copyFileSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { countParams, DTYPE_FILE, type GraphStyle, type ModelArch, type ModelDtype } from '../arch.ts';
import { EdgebenchError } from '../../errors.ts';
import { assertFreeSpace } from '../disk-space.ts';
import { buildOptimumGraph } from './optimum-graph.ts';
import { buildGenaiGraph } from './genai-graph.ts';
import { lazyBytes, writeModel } from './write-model.ts';
import { generationConfig, hfConfig } from './hf-config.ts';
import { validateArchForBuild } from './validate-arch.ts';
import type { GraphBuilder } from './onnx-graph.ts';

/** Above this many initializer bytes the weights go to an external file (protobuf's 2 GB limit). */
export const EXTERNAL_DATA_THRESHOLD_BYTES = 1.8e9;

export interface BuildProgress {
  stage: string;
  doneBytes: number;
  totalBytes: number;
}

export interface BuildOptions {
  arch: ModelArch;
  dtype: ModelDtype;
  style: GraphStyle;
  outDir: string;
  seed?: number;
  /** MatMulNBits accuracy_level (q4 only); default 4 (int8 activations, what CPU exports use) */
  accuracyLevel?: 0 | 1 | 2 | 3 | 4;
  /** 'auto' (default): external data when the weights exceed EXTERNAL_DATA_THRESHOLD_BYTES */
  externalData?: boolean | 'auto';
  hfConfigExtra?: Record<string, unknown>;
  tokenizerFiles?: { tokenizerJson: string; tokenizerConfigJson: string };
  onProgress?: (p: BuildProgress) => void;
}

export interface BuildResult {
  dir: string;
  /** relative to dir, e.g. onnx/model_q4.onnx */
  onnxFile: string;
  /** relative to dir, or null when the weights are inline */
  externalDataFile: string | null;
  bytesWritten: number;
  params: number;
  opCounts: Record<string, number>;
  seconds: number;
  /** process peak RSS so far (includes whatever the process did before the build) */
  peakRssBytes: number;
}

export function buildGraph(arch: ModelArch, dtype: ModelDtype, style: GraphStyle, seed: number, accuracyLevel: number): GraphBuilder {
  return style === 'genai' ? buildGenaiGraph(arch, dtype, seed, accuracyLevel) : buildOptimumGraph(arch, dtype, seed, accuracyLevel);
}

export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

function ensureWritable(dir: string): void {
  try {
    mkdirSync(join(dir, 'onnx'), { recursive: true });
    const probe = join(dir, 'onnx', '.edgebench-write-probe');
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (e) {
    throw new EdgebenchError('OUTPUT_UNWRITABLE', `cannot write the model folder ${dir}: ${(e as Error).message}`, 'choose another --out folder or fix its permissions', { cause: e });
  }
}


export async function buildModelFolder(opts: BuildOptions): Promise<BuildResult> {
  const t0 = process.hrtime.bigint();
  const seed = opts.seed ?? 42;
  const accuracyLevel = opts.accuracyLevel ?? 4;
  validateArchForBuild(opts.arch, opts.dtype, opts.style);
  const dir = opts.outDir;
  ensureWritable(dir);
  const graph = buildGraph(opts.arch, opts.dtype, opts.style, seed, accuracyLevel);
  const weightBytes = lazyBytes(graph);
  const external = opts.externalData === undefined || opts.externalData === 'auto' ? weightBytes > EXTERNAL_DATA_THRESHOLD_BYTES : opts.externalData;
  assertFreeSpace(dir, weightBytes, `building ${DTYPE_FILE[opts.dtype]}`);
  const onnxPath = join(dir, 'onnx', DTYPE_FILE[opts.dtype]);
  if (!external && existsSync(`${onnxPath}_data`)) rmSync(`${onnxPath}_data`);
  opts.onProgress?.({ stage: 'weights', doneBytes: 0, totalBytes: weightBytes });
  let written;
  try {
    written = await writeModel({
      graph,
      graphName: `edgebench-synthetic-${opts.arch.family}`,
      outFile: onnxPath,
      external,
      onProgress: (doneBytes, totalBytes) => opts.onProgress?.({ stage: 'weights', doneBytes, totalBytes }),
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOSPC') {
      throw new EdgebenchError('DISK_FULL', `disk filled up while writing ${onnxPath}`, 'free some disk space or build into another folder (--out)', { cause: e });
    }
    throw e;
  }
  const configPath = join(dir, 'config.json');
  const config = hfConfig(
    { arch: opts.arch, dtype: opts.dtype, style: opts.style, seed, accuracyLevel: opts.dtype === 'q4' ? accuracyLevel : null, externalData: external, ...(opts.hfConfigExtra ? { hfConfigExtra: opts.hfConfigExtra } : {}) },
    configPath,
  );
  const configText = `${JSON.stringify(config, null, 2)}\n`;
  const genText = `${JSON.stringify(generationConfig(opts.arch), null, 2)}\n`;
  writeFileSync(configPath, configText);
  writeFileSync(join(dir, 'generation_config.json'), genText);
  if (opts.tokenizerFiles) {
    copyFileSync(opts.tokenizerFiles.tokenizerJson, join(dir, 'tokenizer.json'));
    copyFileSync(opts.tokenizerFiles.tokenizerConfigJson, join(dir, 'tokenizer_config.json'));
  }
  opts.onProgress?.({ stage: 'done', doneBytes: weightBytes, totalBytes: weightBytes });
  return {
    dir,
    onnxFile: relative(dir, onnxPath),
    externalDataFile: written.externalDataFile ? relative(dir, written.externalDataFile) : null,
    bytesWritten: written.bytesWritten + configText.length + genText.length,
    params: countParams(opts.arch),
    opCounts: graph.counts(),
    seconds: Number(process.hrtime.bigint() - t0) / 1e9,
    peakRssBytes: peakRssBytes(),
  };
}
