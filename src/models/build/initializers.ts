/**
 * Lazy initializers for synthetic weights: each yields its bytes in chunks of ~16 MB of fp32
 * work, generated from the counter-based PRNG in the layout the ONNX op wants, so a tensor is
 * never materialised whole (an 8B model's embedding alone is 2 GB in fp32).
 */
import { DT, type LazyInit } from './onnx-graph.ts';
import { fillRows, numel, type LinearSource, type WeightSpec } from './weights.ts';
import { toFloat16Array } from './float16.ts';
import { Q4_BLOCK, quantizeQ4Rows, assertQ4Shape } from '../quant/q4.ts';
import { q8Scales, quantizeQ8TransposedRows } from '../quant/q8.ts';

/** fp32 elements generated per chunk (16 MB); tests pass small values to exercise chunk seams */
export const CHUNK_ELEMS = 4 << 20;

export type FloatType = typeof DT.FLOAT | typeof DT.FLOAT16;

function bytesOf(v: Float32Array, dataType: FloatType): Uint8Array {
  if (dataType === DT.FLOAT) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  const h = toFloat16Array(v);
  return new Uint8Array(h.buffer, h.byteOffset, h.byteLength);
}

function rowsPerChunk(rowLen: number, chunkElems: number): number {
  return Math.max(1, Math.floor(chunkElems / Math.max(1, rowLen)));
}

function dims2(spec: WeightSpec): [number, number] {
  const [R = 1, C = 1] = spec.shape.length === 2 ? spec.shape : [1, numel(spec.shape)];
  return [R, C];
}

/** A float tensor of `rows × rowLen` generated chunk by chunk: `fill(row0, count, out)` writes rows row0… */
function chunkedFloatInit(name: string, dataType: FloatType, dims: number[], rows: number, rowLen: number, chunkElems: number, fill: (row0: number, count: number, out: Float32Array) => void): LazyInit {
  return {
    name,
    dataType,
    dims,
    byteLength: rows * rowLen * (dataType === DT.FLOAT ? 4 : 2),
    *chunks() {
      const step = rowsPerChunk(rowLen, chunkElems);
      const buf = new Float32Array(step * rowLen);
      for (let r = 0; r < rows; r += step) {
        const count = Math.min(step, rows - r);
        const view = buf.subarray(0, count * rowLen);
        fill(r, count, view);
        yield bytesOf(view, dataType).slice();
      }
    },
  };
}

/** The tensor as stored in HF layout (embeddings, norms, biases). */
export function rowMajorInit(name: string, spec: WeightSpec, seed: number, dataType: FloatType, chunkElems = CHUNK_ELEMS): LazyInit {
  const [R, C] = dims2(spec);
  return chunkedFloatInit(name, dataType, [...spec.shape], R, C, chunkElems, (r, n, out) => fillRows(spec, seed, r, n, out));
}

/** Vectors (biases of a packed projection) concatenated into one [sum n] tensor. */
export function concatVectorInit(name: string, specs: WeightSpec[], seed: number, dataType: FloatType): LazyInit {
  const parts = specs.map((s) => rowMajorInit(s.name, s, seed, dataType));
  const byteLength = parts.reduce((a, p) => a + p.byteLength, 0);
  return {
    name,
    dataType,
    dims: [byteLength / (dataType === DT.FLOAT ? 4 : 2)],
    byteLength,
    *chunks() {
      for (const p of parts) yield* p.chunks();
    },
  };
}

/** A linear weight [out, in] stored transposed [in, out] for MatMul(x, W^T). */
export function transposedInit(name: string, src: LinearSource, dataType: FloatType, chunkElems = CHUNK_ELEMS): LazyInit {
  return chunkedFloatInit(name, dataType, [src.K, src.N], src.K, src.N, chunkElems, (k, n, out) => src.fillTransposedRows(k, n, out));
}

/** MatMulNBits (4-bit, block 32) B and scales; scales are kept from the B pass (1/64 of B's fp32 source). */
export function q4Inits(baseName: string, src: LinearSource, chunkElems = CHUNK_ELEMS): { b: LazyInit; scales: LazyInit } {
  const { N, K } = src;
  assertQ4Shape(K);
  const blocks = K / Q4_BLOCK;
  let scales: Float32Array | null = null;
  const b: LazyInit = {
    name: `${baseName}_Q4`,
    dataType: DT.UINT8,
    dims: [N, blocks, Q4_BLOCK / 2],
    byteLength: (N * K) / 2,
    *chunks() {
      scales = new Float32Array(N * blocks);
      const step = rowsPerChunk(K, chunkElems);
      const w = new Float32Array(step * K);
      for (let n = 0; n < N; n += step) {
        const rows = Math.min(step, N - n);
        src.fillRows(n, rows, w);
        const packed = new Uint8Array((rows * K) / 2);
        const rowScales = new Float32Array(rows * blocks);
        quantizeQ4Rows(w, rows, K, { b: packed, scales: rowScales });
        scales.set(rowScales, n * blocks);
        yield packed;
      }
    },
  };
  const s: LazyInit = {
    name: `${baseName}_scales`,
    dataType: DT.FLOAT,
    dims: [N * blocks],
    byteLength: N * blocks * 4,
    *chunks() {
      if (!scales) throw new Error(`${baseName}: scales requested before B was written`);
      yield new Uint8Array(scales.buffer);
      scales = null;
    },
  };
  return { b, scales: s };
}

/** MatMulInteger int8 B [K, N] and per-column float scales [N]. */
export function q8Inits(baseName: string, src: LinearSource, chunkElems = CHUNK_ELEMS): { b: LazyInit; scales: LazyInit } {
  const { N, K } = src;
  let cached: Float32Array | null = null;
  const scalesOf = (): Float32Array => {
    if (cached) return cached;
    const out = new Float32Array(N);
    const step = rowsPerChunk(K, chunkElems);
    const w = new Float32Array(step * K);
    for (let n = 0; n < N; n += step) {
      const rows = Math.min(step, N - n);
      src.fillRows(n, rows, w);
      out.set(q8Scales(w, rows, K), n);
    }
    cached = out;
    return out;
  };
  const b: LazyInit = {
    name: `${baseName}_quantized`,
    dataType: DT.INT8,
    dims: [K, N],
    byteLength: K * N,
    *chunks() {
      const scales = scalesOf();
      const step = rowsPerChunk(N, chunkElems);
      const wt = new Float32Array(step * N);
      for (let k = 0; k < K; k += step) {
        const rows = Math.min(step, K - k);
        src.fillTransposedRows(k, rows, wt);
        const q = new Int8Array(rows * N);
        quantizeQ8TransposedRows(wt, rows, N, scales, q);
        yield new Uint8Array(q.buffer);
      }
    },
  };
  const s: LazyInit = {
    name: `${baseName}_scale`,
    dataType: DT.FLOAT,
    dims: [N],
    byteLength: N * 4,
    *chunks() {
      yield new Uint8Array(scalesOf().buffer);
      cached = null;
    },
  };
  return { b, scales: s };
}
