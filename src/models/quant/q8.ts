/**
 * 8-bit weights for dynamic quantization (transformers.js `model_quantized.onnx`: the activation
 * goes through DynamicQuantizeLinear (uint8, per tensor) and MatMulInteger multiplies it with int8
 * weights). Weights: symmetric per output channel, zero point 0, stored [K, N] for MatMulInteger;
 * the float result is int32 accumulator × (activation scale × weight scale[n]).
 *
 * Codes use 7 bits (−63..63), as onnxruntime's quantizer does with reduce_range: on x86 CPUs
 * without VNNI (AVX2, AVX-512F) ORT's u8×s8 kernel adds pairs of products in int16 with
 * saturation, and 2 × 255 × 127 overflows it — measured here (AVX2 EPYC) as logits 85 % off on
 * the tiny test models. With |code| ≤ 63, 2 × 255 × 63 = 32,130 fits, so a q8 model computes the
 * same on every CPU, at the cost of one bit of weight precision.
 */
export const Q8_MAX_CODE = 63;
export interface Q8Packed {
  /** [K, N] int8 (MatMulInteger B layout) */
  b: Int8Array;
  /** [N] */
  scales: Float32Array;
}

/** Per-output-channel scales of an HF [N, K] weight: max |w| / Q8_MAX_CODE per row. */
export function q8Scales(w: Float32Array, N: number, K: number): Float32Array {
  const s = new Float32Array(N);
  for (let n = 0; n < N; n++) {
    let m = 0;
    for (let k = 0; k < K; k++) m = Math.max(m, Math.abs(w[n * K + k] ?? 0));
    s[n] = m / Q8_MAX_CODE;
  }
  return s;
}

export function q8Code(v: number, scale: number): number {
  if (scale === 0) return 0;
  const q = Math.round(v / scale);
  return q < -Q8_MAX_CODE ? -Q8_MAX_CODE : q > Q8_MAX_CODE ? Q8_MAX_CODE : q;
}

/** Quantizes rows of the TRANSPOSED weight (wt: [rows, N] slice of [K, N]) with per-column scales. */
export function quantizeQ8TransposedRows(wt: Float32Array, rows: number, N: number, scales: Float32Array, out: Int8Array): void {
  for (let r = 0; r < rows; r++) {
    for (let n = 0; n < N; n++) out[r * N + n] = q8Code(wt[r * N + n] ?? 0, scales[n] ?? 0);
  }
}

export function quantizeQ8(w: Float32Array, N: number, K: number): Q8Packed {
  const scales = q8Scales(w, N, K);
  const b = new Int8Array(K * N);
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) b[k * N + n] = q8Code(w[n * K + k] ?? 0, scales[n] ?? 0);
  }
  return { b, scales };
}

/** Back to the HF [N, K] layout: code × scale[n]. */
export function dequantizeQ8(p: Q8Packed, N: number, K: number): Float32Array {
  const w = new Float32Array(N * K);
  for (let n = 0; n < N; n++) {
    const s = p.scales[n] ?? 0;
    for (let k = 0; k < K; k++) w[n * K + k] = Math.fround((p.b[k * N + n] ?? 0) * s);
  }
  return w;
}
