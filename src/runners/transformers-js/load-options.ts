/**
 * How a model folder maps onto transformers.js' `from_pretrained` arguments: the library looks up
 * `<localModelPath>/<name>/<subfolder>/<model_file_name><dtype suffix>.onnx`, so the folder's parent
 * becomes localModelPath, the chosen ONNX file gives subfolder, base name and dtype.
 */
import { SUFFIX_DTYPE, type FolderDtype } from '../../models/folder/onnx-files.ts';
import { basename, dirname, relative, sep } from 'node:path';
import { EdgebenchError } from '../../errors.ts';

export type TjsDtype = FolderDtype;

export interface TjsLocation {
  localModelPath: string;
  name: string;
  subfolder: string;
  modelFileName: string;
  dtype: TjsDtype;
}

const FILE_RE = /^(.+?)(_fp16|_quantized|_int8|_uint8|_q4f16|_q4|_bnb4)?\.onnx$/;

export function tjsLocation(dir: string, file: string): TjsLocation {
  const m = FILE_RE.exec(basename(file));
  const rel = relative(dir, dirname(file));
  if (!m || rel.startsWith('..')) {
    throw new EdgebenchError(
      'MODEL_INVALID',
      `transformers.js cannot address ${file} inside ${dir}`,
      'the ONNX file must sit in the model folder (usually onnx/) and be named like model_q4.onnx',
    );
  }
  const dtype = SUFFIX_DTYPE[m[2] ?? ''];
  if (!dtype)
    throw new EdgebenchError(
      'MODEL_INVALID',
      `unknown dtype suffix in ${basename(file)}`,
      'name files model.onnx, model_fp16.onnx, model_quantized.onnx or model_q4.onnx',
    );
  return {
    localModelPath: dirname(dir) + sep,
    name: basename(dir),
    subfolder: rel,
    modelFileName: m[1]!,
    dtype,
  };
}
