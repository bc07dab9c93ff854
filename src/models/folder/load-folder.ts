import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ModelArch, ModelDtype } from '../arch.ts';
import { EdgebenchError } from '../../errors.ts';
import { runnerIdFor } from '../../runners/registry.ts';
import { findPreset, presetForArch, type ModelPreset } from '../presets.ts';
import { assertDecoderIo, HF_DECODER_IO } from './decoder-io.ts';
import { isLfsPointer, lfsPointerError, sha256File } from './file-checks.ts';
import { genaiIoNames, parseGenaiConfig, type GenaiConfig } from './genai-config.ts';
import { archFromHfConfig, parseHfConfig, type HfConfig } from './hf-config.ts';
import { hubCacheDir, isHubId } from './hub-cache.ts';
import { inspectOnnx, type OnnxInspection } from './inspect-onnx.ts';
import { chooseOnnx, entryFor, listTransformersJsOnnx, type FolderDtype, type OnnxFileEntry } from './onnx-files.ts';

export interface ModelFolder {
  dir: string;
  layout: 'transformers.js' | 'genai';
  /** validated subset of config.json; unknown keys kept */
  config: HfConfig;
  arch: ModelArch;
  /** config features edgebench does not model (values, not shapes) */
  caveats: string[];
  onnxFiles: OnnxFileEntry[];
  /** the file for the requested dtype (default: q4, q4f16, q8, … fp32, fp16) */
  chosen: OnnxFileEntry;
  /** the chosen file's graph (inputs/outputs/operators), read without loading weights */
  graph: OnnxInspection;
  tokenizer: { present: boolean; fallback: boolean };
  genai: GenaiConfig | null;
  /** built by edgebench with random weights (config.json `edgebench.synthetic`) */
  synthetic: boolean;
  /** the preset with the same architecture, if any */
  preset: ModelPreset | null;
  warnings: string[];
  /** sha256 of the chosen .onnx (computed on first call, streamed) */
  sha256(): Promise<string>;
}

function readJson(file: string): unknown {
  if (isLfsPointer(file)) throw lfsPointerError(file);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new EdgebenchError('MODEL_INVALID', `${file} is not valid JSON (${(e as Error).message.split('\n')[0]})`, 're-download or rebuild the model folder');
  }
}

/** A folder path, or a hub id ('org/name') already pulled into models/hub/. */
export function resolveModelDir(pathOrId: string): string {
  if (existsSync(pathOrId)) {
    if (!statSync(pathOrId).isDirectory()) {
      const gguf = pathOrId.toLowerCase().endsWith('.gguf');
      throw new EdgebenchError(
        'MODEL_INVALID',
        `${pathOrId} is a file; this runner loads model folders`,
        gguf ? `.gguf files run with --runner ${runnerIdFor('gguf')}` : 'pass the folder that holds config.json and onnx/',
      );
    }
    return resolve(pathOrId);
  }
  if (isHubId(pathOrId)) {
    const cached = hubCacheDir(pathOrId);
    if (existsSync(cached)) return cached;
    throw new EdgebenchError('MODEL_NOT_FOUND', `no folder '${pathOrId}' and the hub model is not in the cache (${cached})`, `download it first: edgebench models pull ${pathOrId}`);
  }
  const preset = findPreset(pathOrId);
  const hint = preset ? `build it first: edgebench models build ${preset.id}` : 'pass a model folder (config.json + onnx/*.onnx) or a Hugging Face id (org/name)';
  throw new EdgebenchError('MODEL_NOT_FOUND', `model folder '${pathOrId}' does not exist`, hint);
}

const hasFile = (p: string): boolean => existsSync(p) && statSync(p).isFile();

/** genai folders name no dtype: read it off the graph (4-bit MatMulNBits, 8-bit MatMulInteger, float width). */
function genaiDtype(g: OnnxInspection): FolderDtype {
  if (g.opCounts.MatMulInteger) return 'q8';
  if (g.opCounts['com.microsoft.MatMulNBits']) return g.initializers.byType.float16 ? 'q4f16' : 'q4';
  const f16 = g.initializers.byType.float16 ?? 0;
  return f16 > (g.initializers.byType.float32 ?? 0) ? 'fp16' : 'fp32';
}

export async function loadModelFolder(pathOrId: string, opts: { dtype?: ModelDtype | string } = {}): Promise<ModelFolder> {
  const dir = resolveModelDir(pathOrId);
  const genaiPath = join(dir, 'genai_config.json');
  const layout = hasFile(genaiPath) ? 'genai' : 'transformers.js';
  const genai = layout === 'genai' ? parseGenaiConfig(readJson(genaiPath), genaiPath) : null;
  const configPath = join(dir, 'config.json');
  const missing: string[] = [];
  if (!hasFile(configPath)) missing.push(layout === 'genai' ? 'config.json (genai_config.json lacks the MLP size; copy config.json from the original repo)' : 'config.json');
  let onnxFiles: OnnxFileEntry[] = [];
  let genaiGraph: OnnxInspection | null = null;
  if (genai) {
    const file = join(dir, genai.model.decoder.filename);
    if (!hasFile(file)) missing.push(genai.model.decoder.filename);
  } else {
    onnxFiles = listTransformersJsOnnx(dir);
    if (onnxFiles.length === 0) missing.push('onnx/model*.onnx (e.g. onnx/model_q4.onnx)');
  }
  if (missing.length) {
    throw new EdgebenchError('MODEL_INVALID', `${dir} is not a model folder: missing ${missing.join(', ')}`, 'a model folder holds config.json, tokenizer.json, tokenizer_config.json and onnx/model*.onnx (or genai_config.json + model.onnx)');
  }
  const config = parseHfConfig(readJson(configPath), configPath);
  const { arch, caveats } = archFromHfConfig(config, configPath);
  const synthInfo = config.edgebench as { synthetic?: unknown } | undefined;
  if (genai) {
    const file = join(dir, genai.model.decoder.filename);
    genaiGraph = await inspectOnnx(file, { checksum: false });
    onnxFiles = [entryFor(file, genaiDtype(genaiGraph), dir)];
  }
  const chosen = chooseOnnx(onnxFiles, opts.dtype, dir);
  const graph = genaiGraph ?? (await inspectOnnx(chosen.file, { checksum: false }));
  assertDecoderIo(graph, arch.numLayers, genai ? genaiIoNames(genai) : HF_DECODER_IO);
  const logitsName = genai ? genaiIoNames(genai).logits : HF_DECODER_IO.logits;
  const logitsVocab = graph.outputs.find((o) => o.name === logitsName)?.dims.at(-1);
  if (typeof logitsVocab === 'number' && logitsVocab !== arch.vocabSize) {
    throw new EdgebenchError('MODEL_INVALID', `${chosen.file} has ${logitsVocab} logits but config.json says vocab_size ${arch.vocabSize}`, 'the config.json does not belong to this graph');
  }
  const warnings: string[] = [];
  const tokPath = join(dir, 'tokenizer.json');
  const tokCfgPath = join(dir, 'tokenizer_config.json');
  const present = hasFile(tokPath) && hasFile(tokCfgPath) && !isLfsPointer(tokPath);
  if (!present) warnings.push('no usable tokenizer.json + tokenizer_config.json: runs must pass token ids');
  let fallback = false;
  if (present) {
    const tc = readJson(tokCfgPath);
    fallback = typeof tc === 'object' && tc !== null && (tc as Record<string, unknown>).edgebench_fallback === true;
  }
  let hash: Promise<string> | null = null;
  return {
    dir,
    layout,
    config,
    arch,
    caveats,
    onnxFiles,
    chosen,
    graph,
    tokenizer: { present, fallback },
    genai,
    synthetic: synthInfo?.synthetic === true,
    preset: presetForArch(arch) ?? null,
    warnings,
    sha256: () => (hash ??= sha256File(chosen.file)),
  };
}
