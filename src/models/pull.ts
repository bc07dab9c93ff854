/**
 * `models pull`: download a model folder (config, tokenizer, one ONNX weight variant) from the
 * Hugging Face hub into models/hub/<org>/<name>/. Resume-safe: bytes go to `<file>.part`
 * (continued with an HTTP Range request) and are renamed only when complete.
 */
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { EdgebenchError, zodToError } from '../errors.ts';
import { assertFreeSpace } from './disk-space.ts';
import { hubCacheDir } from './folder/hub-cache.ts';
import { dtypeOfFileName, FOLDER_DTYPES, normaliseDtype, type FolderDtype } from './folder/onnx-files.ts';

export const HF_ENDPOINT_ENV = 'EDGEBENCH_HF_ENDPOINT';
const META_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'genai_config.json'];
const OFFLINE_HINT = 'download the folder elsewhere and pass its path';

export interface PullProgress {
  file: string;
  fileIndex: number;
  fileCount: number;
  doneBytes: number;
  totalBytes: number;
}

export interface PullOptions {
  dtype?: string;
  /** default: models/hub/<org>/<name> */
  dir?: string;
  /** default: $EDGEBENCH_HF_ENDPOINT, $HF_ENDPOINT or https://huggingface.co */
  endpoint?: string;
  /** default: $HF_TOKEN (gated repos such as meta-llama/*) */
  token?: string;
  onProgress?: (p: PullProgress) => void;
}

export interface PullResult {
  dir: string;
  dtype: FolderDtype | null;
  files: { path: string; bytes: number; skipped: boolean }[];
  downloadedBytes: number;
  seconds: number;
}

const RepoInfoSchema = z.looseObject({
  siblings: z.array(z.looseObject({ rfilename: z.string(), size: z.number().int().nonnegative().optional() })),
});
type RepoFile = { path: string; size: number | null };

function endpointOf(opts: PullOptions): string {
  return (opts.endpoint ?? process.env[HF_ENDPOINT_ENV] ?? process.env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, '');
}

const RETRYABLE = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

async function request(url: string, opts: PullOptions, headers: Record<string, string> = {}): Promise<Response> {
  const token = opts.token ?? process.env.HF_TOKEN;
  let res: Response | undefined;
  // A pooled keep-alive connection that the server closed while idle fails at once with a reset;
  // these GETs are idempotent, so retry on a fresh connection before calling the host unreachable.
  for (let attempt = 1; res === undefined; attempt++) {
    try {
      res = await fetch(url, { headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) }, redirect: 'follow' });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (e as Error).message;
      if (attempt < 3 && RETRYABLE.has(cause?.code ?? '')) continue;
      throw new EdgebenchError('NETWORK', `cannot reach ${new URL(url).origin} (${why})`, OFFLINE_HINT, { cause: e });
    }
  }
  if (res.status === 401 || res.status === 403) {
    throw new EdgebenchError('NETWORK', `${url}: HTTP ${res.status} (gated or private repository)`, 'accept the licence on huggingface.co and set HF_TOKEN');
  }
  if (res.status === 404) throw new EdgebenchError('MODEL_NOT_FOUND', `${url}: not found on the hub`, 'check the model id (org/name) and that the repo has ONNX files');
  if (!res.ok && res.status !== 206) throw new EdgebenchError('NETWORK', `${url}: HTTP ${res.status}`, OFFLINE_HINT);
  return res;
}

async function listRepo(hfId: string, opts: PullOptions): Promise<RepoFile[]> {
  const res = await request(`${endpointOf(opts)}/api/models/${hfId}?blobs=true`, opts);
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new EdgebenchError('NETWORK', `hub answered ${hfId}'s file list with something that is not JSON`, OFFLINE_HINT);
  }
  const r = RepoInfoSchema.safeParse(body);
  if (!r.success) throw zodToError('NETWORK', `hub file list for ${hfId}`, r.error, OFFLINE_HINT);
  return r.data.siblings.map((s) => ({ path: s.rfilename, size: s.size ?? null }));
}

/** The files to fetch: metadata + one weight variant (transformers.js onnx/ layout or genai top level). */
export function selectFiles(hfId: string, files: RepoFile[], requested: string | undefined): { dtype: FolderDtype | null; files: RepoFile[] } {
  const meta = files.filter((f) => META_FILES.includes(f.path));
  if (files.some((f) => f.path === 'genai_config.json')) {
    const weights = files.filter((f) => !f.path.includes('/') && /\.onnx(\.data|_data)?$/.test(f.path));
    return { dtype: null, files: [...meta, ...weights] };
  }
  const variants = new Map<FolderDtype, RepoFile>();
  for (const f of files) {
    const m = /^onnx\/([^/]+)$/.exec(f.path);
    const dtype = m?.[1] ? dtypeOfFileName(m[1]) : null;
    if (dtype && (!variants.has(dtype) || f.path.startsWith('onnx/model'))) variants.set(dtype, f);
  }
  if (variants.size === 0) {
    throw new EdgebenchError('MODEL_INVALID', `${hfId} has no ONNX weights (no onnx/model*.onnx, no genai_config.json)`, 'look for an ONNX export of it, e.g. onnx-community/<name>');
  }
  const available = FOLDER_DTYPES.filter((d) => variants.has(d));
  const dtype = requested === undefined ? available[0] : normaliseDtype(requested);
  const onnx = dtype ? variants.get(dtype) : undefined;
  if (!dtype || !onnx) {
    throw new EdgebenchError('MODEL_NOT_FOUND', `${hfId} has no ${dtype ?? '?'} weights (available: ${available.join(', ')})`, `pass --dtype ${available[0] ?? 'q4'}`);
  }
  const data = files.filter((f) => f.path.startsWith(`${onnx.path}_data`) || f.path === `${onnx.path}.data`);
  return { dtype, files: [...meta, onnx, ...data] };
}

async function download(url: string, target: string, size: number | null, opts: PullOptions, progress: (n: number) => void): Promise<number> {
  const part = `${target}.part`;
  mkdirSync(dirname(target), { recursive: true });
  const have = existsSync(part) ? statSync(part).size : 0;
  const res = await request(url, opts, have > 0 ? { range: `bytes=${have}-` } : {});
  const append = have > 0 && res.status === 206;
  if (append) progress(have);
  const out = createWriteStream(part, { flags: append ? 'a' : 'w' });
  let got = 0;
  try {
    if (!res.body) throw new EdgebenchError('NETWORK', `${url}: empty response`, OFFLINE_HINT);
    const reader = res.body.getReader();
    for (;;) {
      const { done, value: chunk } = await reader.read();
      if (done) break;
      got += chunk.length;
      progress(chunk.length);
      if (!out.write(chunk)) await once(out, 'drain');
    }
  } catch (e) {
    if (e instanceof EdgebenchError) throw e;
    throw new EdgebenchError('NETWORK', `download of ${url} broke off after ${got} bytes (${(e as Error).message})`, 'run the same `models pull` again: it resumes from the .part file', { cause: e });
  } finally {
    out.end();
    await once(out, 'close');
  }
  const total = statSync(part).size;
  if (size !== null && total !== size) {
    throw new EdgebenchError('NETWORK', `${target}: got ${total} of ${size} bytes`, 'run the same `models pull` again: it resumes from the .part file');
  }
  renameSync(part, target);
  return append ? total - have : total;
}

export async function pullModel(hfId: string, opts: PullOptions = {}): Promise<PullResult> {
  const t0 = performance.now();
  const dir = opts.dir ?? hubCacheDir(hfId);
  const listing = await listRepo(hfId, opts);
  const { dtype, files } = selectFiles(hfId, listing, opts.dtype);
  const todo = files.filter((f) => !(existsSync(join(dir, f.path)) && (f.size === null || statSync(join(dir, f.path)).size === f.size)));
  const needBytes = todo.reduce((a, f) => a + (f.size ?? 0), 0);
  assertFreeSpace(dir, needBytes, `pulling ${hfId}`);
  const result: PullResult['files'] = [];
  let downloadedBytes = 0;
  for (const [i, f] of files.entries()) {
    const target = join(dir, f.path);
    if (!todo.includes(f)) {
      result.push({ path: f.path, bytes: statSync(target).size, skipped: true });
      continue;
    }
    let done = 0;
    const url = `${endpointOf(opts)}/${hfId}/resolve/main/${f.path}`;
    const n = await download(url, target, f.size, opts, (k) => {
      done += k;
      opts.onProgress?.({ file: f.path, fileIndex: i, fileCount: files.length, doneBytes: done, totalBytes: f.size ?? done });
    });
    downloadedBytes += n;
    result.push({ path: f.path, bytes: statSync(target).size, skipped: false });
  }
  return { dir, dtype, files: result, downloadedBytes, seconds: (performance.now() - t0) / 1000 };
}
