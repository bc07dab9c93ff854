/**
 * The weight dtype that is fastest on onnxruntime-web's wasm backend. Its MatMulNBits (q4) kernel
 * dequantizes the whole weight matrix on every call, so q4 — the fastest dtype natively — is
 * usually the slowest on wasm; fp16/fp32/q8 are measured here (one decode step each) so that a
 * comparison is fair to the runtime, not to one bad kernel.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { listTransformersJsOnnx, type OnnxFileEntry } from '../../models/folder/onnx-files.ts';
import { WASM32_MAX_BYTES, wasmNeededBytes, wasmUpcastFactor } from './wasm-limits.ts';
import { WasmHost } from './wasm-host.ts';
import type { LoadRequest } from './protocol.ts';

export const WASM_Q4_NOTE = "onnxruntime-web's wasm MatMulNBits dequantizes the whole 4-bit weight matrix on every call";

export interface WasmCandidate {
  dtype: string;
  file: string;
  dir: string;
  bytes: number;
  externalData: string[];
}

/** Weight variants of a model: the folder's own onnx/* files plus sibling `<preset>-<dtype>` folders that exist. */
export function wasmCandidates(dir: string): WasmCandidate[] {
  const out = new Map<string, WasmCandidate>();
  const add = (d: string, e: OnnxFileEntry) => {
    if (!out.has(e.dtype)) out.set(e.dtype, { dtype: e.dtype, file: e.file, dir: d, bytes: e.bytes, externalData: e.externalData });
  };
  for (const e of listTransformersJsOnnx(dir)) add(dir, e);
  const m = /^(.*)-(fp32|fp16|q8|q4)$/.exec(basename(dir));
  if (m) {
    const parent = dirname(dir);
    for (const name of readdirSync(parent)) {
      const s = /^(.*)-(fp32|fp16|q8|q4)$/.exec(name);
      if (!s || s[1] !== m[1] || !existsSync(join(parent, name, 'config.json'))) continue;
      for (const e of listTransformersJsOnnx(join(parent, name))) add(join(parent, name), e);
    }
  }
  return [...out.values()];
}

export function externalDataFor(c: { externalData: string[] }): LoadRequest['externalData'] {
  return c.externalData.map((p) => ({ path: basename(p), data: p }));
}

export interface DtypeTiming {
  dtype: string;
  dir: string;
  file: string;
  /** median ms of one decode step, null when refused or failed */
  stepMs: number | null;
  note: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/**
 * Loads each candidate in its own worker, times `steps` decode steps, and returns the timings
 * (fastest first) plus the fastest host still loaded (the others are terminated).
 */
export async function measureWasmDtypes(
  candidates: WasmCandidate[],
  load: Omit<LoadRequest, 'rid' | 'type' | 'file' | 'externalData' | 'ack'>,
  steps = 3,
): Promise<{
  timings: DtypeTiming[];
  best: { host: WasmHost; candidate: WasmCandidate; info: Awaited<ReturnType<typeof WasmHost.start>>['info'] } | null;
}> {
  const timings: DtypeTiming[] = [];
  let best: { host: WasmHost; candidate: WasmCandidate; info: Awaited<ReturnType<typeof WasmHost.start>>['info']; ms: number } | null =
    null;
  for (const c of candidates) {
    if (wasmNeededBytes(c.bytes, c.dtype) > WASM32_MAX_BYTES) {
      const upcast = wasmUpcastFactor(c.dtype) > 1 ? ' once upcast to fp32' : '';
      timings.push({
        dtype: c.dtype,
        dir: c.dir,
        file: c.file,
        stepMs: null,
        note: `refused: ${(c.bytes / 1e9).toFixed(2)} GB of weights${upcast} do not fit wasm32's 4 GiB`,
      });
      continue;
    }
    let started: Awaited<ReturnType<typeof WasmHost.start>> | null = null;
    try {
      started = await WasmHost.start({ ...load, file: c.file, externalData: externalDataFor(c) });
      const m = await started.host.request({ type: 'probe-step', steps });
      const ms = m.type === 'probed' ? median(m.stepMs) : NaN;
      timings.push({ dtype: c.dtype, dir: c.dir, file: c.file, stepMs: ms, note: `${ms.toFixed(1)} ms/step` });
      if (!best || ms < best.ms) {
        if (best) await best.host.terminate();
        best = { host: started.host, candidate: c, info: started.info, ms };
      } else {
        await started.host.terminate();
      }
    } catch (e) {
      if (started) await started.host.terminate();
      timings.push({ dtype: c.dtype, dir: c.dir, file: c.file, stepMs: null, note: `failed: ${(e as Error).message.split('\n')[0]}` });
    }
  }
  timings.sort((a, b) => (a.stepMs ?? Infinity) - (b.stepMs ?? Infinity));
  return { timings, best: best ? { host: best.host, candidate: best.candidate, info: best.info } : null };
}

export function describeTimings(t: DtypeTiming[]): string {
  return t.map((x) => `${x.dtype} ${x.note}`).join(', ');
}
