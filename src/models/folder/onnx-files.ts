import { existsSync, readdirSync, statSync } from 'node:fs';
import { checkFile } from '../../util/input-path.ts';
import { basename, join } from 'node:path';
import { EdgebenchError } from '../../errors.ts';

/** Weight variants found in model folders (transformers.js file-name suffixes). */
export const FOLDER_DTYPES = ['q4', 'q4f16', 'q8', 'int8', 'uint8', 'fp32', 'fp16', 'bnb4'] as const;
export type FolderDtype = (typeof FOLDER_DTYPES)[number];

/** Default preference: smallest CPU-friendly weights first; fp32 before fp16 (fp16 is slow on CPU). */
const DEFAULT_ORDER: readonly FolderDtype[] = FOLDER_DTYPES;

/** transformers.js file suffix → dtype (its DEFAULT_DTYPE_SUFFIX_MAPPING in utils/dtypes.js). */
export const SUFFIX_DTYPE: Record<string, FolderDtype> = {
  '': 'fp32',
  _fp16: 'fp16',
  _quantized: 'q8',
  _int8: 'int8',
  _uint8: 'uint8',
  _q4: 'q4',
  _q4f16: 'q4f16',
  _bnb4: 'bnb4',
};
const DTYPE_ALIASES: Record<string, FolderDtype> = { quantized: 'q8', int4: 'q4', fp: 'fp32', float32: 'fp32', float16: 'fp16' };

export interface OnnxFileEntry {
  dtype: FolderDtype;
  /** absolute path of the .onnx file */
  file: string;
  /** .onnx + external data bytes */
  bytes: number;
  /** absolute paths of external data files found next to it (<file>_data*, <file>.data) */
  externalData: string[];
}

const NAME_RE = /^(model|decoder_model_merged)(_fp16|_quantized|_int8|_uint8|_q4|_q4f16|_bnb4)?\.onnx$/;

export function dtypeOfFileName(name: string): FolderDtype | null {
  const m = NAME_RE.exec(name);
  return m ? (SUFFIX_DTYPE[m[2] ?? ''] ?? null) : null;
}

function externalDataOf(dir: string, name: string): string[] {
  return readdirSync(dir)
    .filter((f) => f === `${name}.data` || f === `${name}_data` || f.startsWith(`${name}_data_`))
    .sort()
    .map((f) => join(dir, f));
}

const ONNX_HINT = 're-download or rebuild the model folder (onnx/ must hold .onnx files and their external data)';

export function entryFor(file: string, dtype: FolderDtype, dir: string): OnnxFileEntry {
  const externalData = externalDataOf(dir, basename(file));
  // a folder, a dangling link or a loop named like weights: MODEL_INVALID with the path, not EISDIR
  const size = (f: string, what: string) => checkFile(f, { what, code: 'MODEL_INVALID', hint: ONNX_HINT });
  const bytes = size(file, 'weights file') + externalData.reduce((a, f) => a + size(f, 'external data file'), 0);
  return { dtype, file, bytes, externalData };
}

/** The .onnx weight variants of a transformers.js folder (onnx/*.onnx); model.onnx wins over decoder_model_merged. */
export function listTransformersJsOnnx(dir: string): OnnxFileEntry[] {
  const onnxDir = join(dir, 'onnx');
  if (!existsSync(onnxDir) || !statSync(onnxDir).isDirectory()) return [];
  const byDtype = new Map<FolderDtype, OnnxFileEntry>();
  for (const name of readdirSync(onnxDir).sort()) {
    const dtype = dtypeOfFileName(name);
    if (!dtype) continue;
    if (byDtype.has(dtype) && name.startsWith('decoder_model_merged')) continue;
    byDtype.set(dtype, entryFor(join(onnxDir, name), dtype, onnxDir));
  }
  return FOLDER_DTYPES.flatMap((d) => byDtype.get(d) ?? []);
}

/** Normalise a requested dtype ('quantized' → q8); unknown names are a usage error. */
export function normaliseDtype(requested: string): FolderDtype {
  const key = requested.trim().toLowerCase();
  const d = (FOLDER_DTYPES as readonly string[]).includes(key) ? (key as FolderDtype) : DTYPE_ALIASES[key];
  if (!d) throw new EdgebenchError('USAGE', `unknown dtype '${requested}'`, `known dtypes: ${FOLDER_DTYPES.join(', ')}`);
  return d;
}

export function chooseOnnx(files: OnnxFileEntry[], requested: string | undefined, dir: string): OnnxFileEntry {
  const available = files.map((f) => f.dtype).join(', ');
  if (requested === undefined) {
    const pick = DEFAULT_ORDER.map((d) => files.find((f) => f.dtype === d)).find((f) => f !== undefined);
    if (!pick) throw new EdgebenchError('MODEL_INVALID', `${dir} has no .onnx weights`, 'see `edgebench models info --help` for the expected layout');
    return pick;
  }
  const dtype = normaliseDtype(requested);
  const found = files.find((f) => f.dtype === dtype);
  if (!found) {
    throw new EdgebenchError('MODEL_NOT_FOUND', `${dir} has no ${dtype} weights (available: ${available || 'none'})`, `pass one of: ${available || '(none)'} — or build/pull the ${dtype} variant`);
  }
  return found;
}
