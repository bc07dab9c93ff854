/**
 * Reads and checks a GGUF file before llama.cpp sees it, so that a file that is not GGUF, a
 * truncated or corrupt one, and a GGUF without the keys a decoder needs each fail with one clear
 * line. Parsing is @huggingface/gguf's; edgebench adds the size check (every tensor's bytes inside
 * the file) and the facts the harness needs (vocab size, architecture, weight bytes per token).
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { gguf, type GGUFParseOutput } from '@huggingface/gguf';
import { EdgebenchError } from '../../errors.ts';
import type { ArchFamily, ModelArch } from '../arch.ts';
import { GGUF_MAGIC } from './format.ts';

/** [elements, bytes] per block of every ggml type llama.cpp files use (ggml.c type_traits). */
const GGML_SIZES: Record<number, [number, number]> = {
  0: [1, 4], 1: [1, 2], 2: [32, 18], 3: [32, 20], 6: [32, 22], 7: [32, 24], 8: [32, 34], 9: [32, 36],
  10: [256, 84], 11: [256, 110], 12: [256, 144], 13: [256, 176], 14: [256, 210], 15: [256, 292],
  16: [256, 66], 17: [256, 74], 18: [256, 98], 19: [256, 50], 20: [32, 18], 21: [256, 110], 22: [256, 82],
  23: [256, 136], 24: [1, 1], 25: [1, 2], 26: [1, 4], 27: [1, 8], 28: [1, 8], 29: [256, 56], 30: [1, 2],
  34: [256, 54], 35: [256, 66], 39: [32, 17],
};
const GGML_NAMES: Record<number, string> = { 0: 'F32', 1: 'F16', 2: 'Q4_0', 3: 'Q4_1', 6: 'Q5_0', 7: 'Q5_1', 8: 'Q8_0', 10: 'Q2_K', 11: 'Q3_K', 12: 'Q4_K', 13: 'Q5_K', 14: 'Q6_K', 30: 'BF16' };

export interface GgufTensorFacts {
  name: string;
  dims: number[];
  type: string;
  /** null when the type is not in edgebench's table (newer llama.cpp types) */
  bytes: number | null;
}

export interface GgufFacts {
  file: string;
  fileBytes: number;
  version: number;
  architecture: string;
  name: string | null;
  synthetic: boolean;
  vocabSize: number;
  contextLength: number | null;
  params: number;
  /** weight bytes read per decoded token: every 2-D weight except the embedding table (read as one row), plus the output head */
  bytesPerToken: number | null;
  /** tensor count per ggml type */
  tensorTypes: Record<string, number>;
  /** the file's dominant weight type, e.g. Q4_0 */
  weightType: string;
  arch: ModelArch | null;
  tensors: GgufTensorFacts[];
  metadata: Record<string, unknown>;
}

const invalid = (file: string, what: string, hint = 'the file is damaged or not a model: re-download it, or rebuild it with `edgebench models build <preset> --format gguf`') =>
  new EdgebenchError('MODEL_INVALID', `${file}: ${what}`, hint);

function checkMagic(file: string): void {
  const head = Buffer.alloc(8);
  const fd = openSync(file, 'r');
  let n = 0;
  try {
    n = readSync(fd, head, 0, 8, 0);
  } finally {
    closeSync(fd);
  }
  if (n < 8) throw invalid(file, `not a GGUF file (only ${n} bytes)`);
  if (head.readUInt32LE(0) !== GGUF_MAGIC) {
    const shown = head.subarray(0, 4).toString('latin1').replace(/[^\x20-\x7e]/g, '.');
    throw invalid(file, `not a GGUF file (starts with '${shown}', expected 'GGUF')`, 'llama-cpp runs .gguf files; ONNX models run on ort-node');
  }
  const version = head.readUInt32LE(4);
  if (version < 2 || version > 3) throw invalid(file, `GGUF version ${version} is not supported (2 or 3)`);
}

const num = (v: unknown): number | null => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : null);

const FAMILY: Record<string, ArchFamily> = { llama: 'llama', qwen2: 'qwen2', qwen3: 'qwen3', phi3: 'phi3' };

/** The ModelArch of a GGUF in a family edgebench models (null for other architectures). */
function archFromMetadata(md: Record<string, unknown>, archName: string, vocabSize: number, tensors: GgufTensorFacts[]): ModelArch | null {
  const family = FAMILY[archName];
  if (!family) return null;
  const k = (key: string) => num(md[`${archName}.${key}`]);
  const hidden = k('embedding_length');
  const layers = k('block_count');
  const heads = k('attention.head_count');
  const ff = k('feed_forward_length');
  if (hidden === null || layers === null || heads === null || ff === null) return null;
  const kvHeads = k('attention.head_count_kv') ?? heads;
  const has = (suffix: string) => tensors.some((t) => t.name.endsWith(suffix));
  const eos = num(md['tokenizer.ggml.eos_token_id']);
  return {
    family,
    hiddenSize: hidden,
    intermediateSize: ff,
    numLayers: layers,
    numHeads: heads,
    numKvHeads: kvHeads,
    headDim: k('attention.key_length') ?? hidden / heads,
    vocabSize,
    maxPositionEmbeddings: k('context_length') ?? 2048,
    rmsNormEps: k('attention.layer_norm_rms_epsilon') ?? 1e-6,
    ropeTheta: k('rope.freq_base') ?? 10000,
    ropeScaling: null, // llama.cpp keeps Llama-3 scaling as a rope_freqs tensor; the cost does not depend on it
    tieWordEmbeddings: !has('output.weight'),
    qkvBias: has('.attn_q.bias'),
    qkNorm: has('.attn_q_norm.weight'),
    bosTokenId: num(md['tokenizer.ggml.bos_token_id']),
    eosTokenId: eos,
  };
}

/** Parses and checks a GGUF file; throws MODEL_NOT_FOUND / MODEL_INVALID with one line. */
export async function readGguf(file: string): Promise<GgufFacts> {
  if (!existsSync(file)) throw new EdgebenchError('MODEL_NOT_FOUND', `${file} does not exist`, 'check the path, or build a synthetic one: edgebench models build <preset> --format gguf');
  const fileBytes = statSync(file).size;
  checkMagic(file);
  let parsed: GGUFParseOutput;
  try {
    parsed = await gguf(file, { allowLocalFile: true });
  } catch (e) {
    throw invalid(file, `corrupt or truncated GGUF header (${(e as Error).message.split('\n')[0]})`);
  }
  const md = parsed.metadata as unknown as Record<string, unknown>;
  const architecture = md['general.architecture'];
  if (typeof architecture !== 'string' || architecture === '') throw invalid(file, 'GGUF has no general.architecture key');
  const alignment = num(md['general.alignment']) ?? 32;
  const dataStart = Math.ceil(Number(parsed.tensorDataOffset) / alignment) * alignment;
  const tensors: GgufTensorFacts[] = parsed.tensorInfos.map((t) => {
    const dims = t.shape.map(Number);
    const size = GGML_SIZES[t.dtype];
    const elems = dims.reduce((a, b) => a * b, 1);
    return { name: t.name, dims, type: GGML_NAMES[t.dtype] ?? `type${t.dtype}`, bytes: size ? (elems / size[0]) * size[1] : null };
  });
  let end = Number(parsed.tensorDataOffset);
  parsed.tensorInfos.forEach((t, i) => {
    const b = tensors[i]!.bytes;
    if (b !== null) end = Math.max(end, dataStart + Number(t.offset) + b);
  });
  if (end > fileBytes) throw invalid(file, `truncated: the tensors need ${end} bytes but the file has ${fileBytes}`, 're-download the file (an interrupted download?) or rebuild it');
  const tokens = md['tokenizer.ggml.tokens'];
  const embd = tensors.find((t) => t.name === 'token_embd.weight');
  const vocabSize = num(md[`${architecture}.vocab_size`]) ?? (Array.isArray(tokens) ? tokens.length : null) ?? embd?.dims[1] ?? null;
  if (vocabSize === null) throw invalid(file, 'GGUF has neither a vocabulary nor a token_embd.weight tensor');
  const tensorTypes: Record<string, number> = {};
  let params = 0;
  for (const t of tensors) {
    tensorTypes[t.type] = (tensorTypes[t.type] ?? 0) + 1;
    if (t.name !== 'rope_freqs.weight') params += t.dims.reduce((a, b) => a * b, 1);
  }
  const weightType = Object.entries(tensorTypes).filter(([k]) => k !== 'F32').sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'F32';
  return {
    file,
    fileBytes,
    version: parsed.metadata.version,
    architecture,
    name: typeof md['general.name'] === 'string' ? md['general.name'] : null,
    synthetic: md['edgebench.synthetic'] === true,
    vocabSize,
    contextLength: num(md[`${architecture}.context_length`]),
    params,
    bytesPerToken: decodeBytes(tensors),
    tensorTypes,
    weightType,
    arch: archFromMetadata(md, architecture, vocabSize, tensors),
    tensors,
    metadata: md,
  };
}

/** Weight bytes streamed per decoded token: all tensors except token_embd (one row), which counts in full when it doubles as the output head. */
function decodeBytes(tensors: GgufTensorFacts[]): number | null {
  const tied = !tensors.some((t) => t.name === 'output.weight');
  let sum = 0;
  for (const t of tensors) {
    if (t.bytes === null) return null;
    if (t.name === 'token_embd.weight' && !tied) continue;
    sum += t.bytes;
  }
  return sum;
}
