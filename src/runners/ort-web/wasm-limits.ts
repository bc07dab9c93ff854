/**
 * onnxruntime-web's wasm build is wasm32: one linear memory of at most 4 GiB holds the weights,
 * the KV cache, activations and the allocator's slack. A model whose weights alone come near that
 * cannot load; refuse it before loading, with the numbers, instead of an abort deep in Emscripten.
 */
import { existsSync, statSync } from 'node:fs';
import { EdgebenchError } from '../../errors.ts';
import { estimateWeightBytes } from '../../models/estimate-bytes.ts';
import type { ModelDtype } from '../../models/arch.ts';
import type { ModelSource } from '../types.ts';
import { listTransformersJsOnnx } from '../../models/folder/onnx-files.ts';

export const WASM32_MAX_BYTES = 4 * 1024 ** 3;
/** runtime, arena and activations at small depths (measured ~3-6 % plus a fixed part on small models) */
const OVERHEAD_FACTOR = 1.08;
const OVERHEAD_FIXED = 64 * 1024 ** 2;

/**
 * The wasm CPU kernels have no fp16 MatMul: onnxruntime inserts casts and constant-folds fp16
 * weights to fp32 when the session is created, so an fp16 model needs its fp32 size (measured:
 * llama-3.2-1b fp16, 2.49 GB on disk, fails with std::bad_alloc; its fp32 size is 4.9 GB).
 */
export function wasmUpcastFactor(dtype: string): number {
  return dtype === 'fp16' ? 2 : 1;
}

/** Bytes of wasm memory a model of `weightBytes` on disk needs. */
export function wasmNeededBytes(weightBytes: number, dtype: string): number {
  return weightBytes * wasmUpcastFactor(dtype) * OVERHEAD_FACTOR + OVERHEAD_FIXED;
}

export interface WasmFootprint {
  weightBytes: number;
  source: 'files' | 'estimate';
  neededBytes: number;
}

/** Weight bytes from the files on disk (.onnx + external data), else estimated from the architecture. */
export function wasmFootprint(model: ModelSource): WasmFootprint | null {
  let weightBytes: number | null = null;
  let source: WasmFootprint['source'] = 'files';
  if (model.file && model.dir && existsSync(model.file)) {
    const entry = listTransformersJsOnnx(model.dir).find((e) => e.file === model.file);
    weightBytes = entry?.bytes ?? statSync(model.file).size;
  } else if (model.arch && ['fp32', 'fp16', 'q8', 'q4'].includes(model.dtype)) {
    weightBytes = estimateWeightBytes(model.arch, model.dtype as ModelDtype);
    source = 'estimate';
  }
  if (weightBytes === null) return null;
  return { weightBytes, source, neededBytes: wasmNeededBytes(weightBytes, model.dtype) };
}

const gb = (n: number) => `${(n / 1e9).toFixed(2)} GB`;

/** Throws OUT_OF_MEMORY when the model cannot fit in wasm32 memory. */
export function checkWasmMemory(model: ModelSource): WasmFootprint | null {
  const f = wasmFootprint(model);
  if (f && f.neededBytes > WASM32_MAX_BYTES) {
    throw new EdgebenchError(
      'OUT_OF_MEMORY',
      `${model.id} (${model.dtype}) needs about ${gb(f.neededBytes)} in wasm memory (weights ${gb(f.weightBytes)}${f.source === 'estimate' ? ', estimated from the architecture' : ''}${wasmUpcastFactor(model.dtype) > 1 ? ', ×2 as fp16 is upcast to fp32 on wasm' : ''}, + runtime) but wasm32 is limited to 4 GiB (${gb(WASM32_MAX_BYTES)})`,
      'use q8 for ort-web (--dtype q8; q4 is slow on wasm and fp16 is upcast to fp32), a smaller model, or a native runner (--runner ort-node)',
    );
  }
  return f;
}
