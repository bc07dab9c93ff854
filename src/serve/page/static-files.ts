/**
 * The only files the page server hands out: onnxruntime-web's browser builds (an explicit list
 * from its dist/ folder) and the chosen model's .onnx + external data. Requests are matched
 * against this table by exact name — a request path is never joined onto a folder, so `..`,
 * `%2e%2e` or absolute paths cannot reach anything else.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { EdgebenchError } from '../../errors.ts';
import { listTransformersJsOnnx } from '../../models/folder/onnx-files.ts';
import type { ModelSource } from '../../runners/types.ts';
import { packageDir, packageVersion } from '../../runners/transformers-js/package-version.ts';
import type { PageModelFile } from './shared/protocol.ts';

export interface ServedFile {
  path: string;
  bytes: number;
  contentType: string;
}

/** wasm EP: the wasm-only build; webgpu EP: the build with onnxruntime's WebGPU EP (and wasm). */
export const ORT_BUILDS = { wasm: 'ort.wasm.min.mjs', webgpu: 'ort.webgpu.min.mjs' } as const;
const ORT_FILES = [
  ORT_BUILDS.wasm,
  'ort-wasm-simd-threaded.mjs',
  'ort-wasm-simd-threaded.wasm',
  ORT_BUILDS.webgpu,
  'ort-wasm-simd-threaded.asyncify.mjs',
  'ort-wasm-simd-threaded.asyncify.wasm',
];

const TYPES: Record<string, string> = {
  '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
};

function typeOf(name: string): string {
  const ext = /\.[a-z]+$/.exec(name)?.[0] ?? '';
  return TYPES[ext] ?? 'application/octet-stream';
}

function served(path: string): ServedFile {
  return { path, bytes: statSync(path).size, contentType: typeOf(basename(path)) };
}

export function ortDistDir(): string {
  const dir = packageDir('onnxruntime-web');
  if (!dir) throw new EdgebenchError('BACKEND_NOT_INSTALLED', 'onnxruntime-web is not installed', 'run `npm ci`');
  return join(dir, 'dist');
}

export function ortWebVersion(): string {
  return packageVersion('onnxruntime-web') ?? 'unknown';
}

/** `ort/<name>` → file, for every runtime file the page may load. */
export function runtimeFiles(): Map<string, ServedFile> {
  const dist = ortDistDir();
  const out = new Map<string, ServedFile>();
  for (const name of ORT_FILES) {
    const p = join(dist, name);
    if (!existsSync(p)) {
      throw new EdgebenchError('BACKEND_NOT_INSTALLED', `onnxruntime-web is missing ${name} (looked in ${dist})`, 'reinstall it: npm ci');
    }
    out.set(`ort/${name}`, served(p));
  }
  return out;
}

/** `model/<url-encoded name>` → file for the chosen .onnx and its external data; plus what the page needs to load them. */
export function modelFiles(source: ModelSource): { files: Map<string, ServedFile>; onnx: PageModelFile; externalData: PageModelFile[] } {
  if (!source.file || !source.dir)
    throw new EdgebenchError(
      'MODEL_NOT_FOUND',
      `model '${source.id}' has no ONNX file to serve`,
      'build it with `edgebench models build` or pass a folder with onnx/*.onnx',
    );
  const entry = listTransformersJsOnnx(source.dir).find((e) => e.file === source.file);
  const files = new Map<string, ServedFile>();
  const onnxName = basename(source.file);
  files.set(`model/${encodeURIComponent(onnxName)}`, served(source.file));
  const externalData: PageModelFile[] = [];
  for (const p of entry?.externalData ?? []) {
    const name = basename(p);
    files.set(`model/${encodeURIComponent(name)}`, served(p));
    externalData.push({ name, url: `model/${encodeURIComponent(name)}`, bytes: statSync(p).size });
  }
  return { files, onnx: { name: onnxName, url: `model/${encodeURIComponent(onnxName)}`, bytes: statSync(source.file).size }, externalData };
}
