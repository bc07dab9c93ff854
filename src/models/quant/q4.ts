/**
 * 4-bit block quantization in the MatMulNBits layout (onnxruntime contrib op, bits=4):
 * weight W [N, K] (HF [out, in]) → B uint8 [N, K/blockSize, blockSize/2] with the element at even k
 * in the low nibble, scales float [N * K/blockSize], symmetric (no zero_points input: ORT then
 * uses the implicit zero point 8). Scale choice follows MLAS `range2scale`: the block's value of
 * largest magnitude, signed, divided by -8, so that value maps exactly onto code 0 (ties: first).
 */
export const Q4_BLOCK = 32;
const Q4_MID = 8;

export interface Q4Packed {
  /** [rows, K/block, block/2] */
  b: Uint8Array;
  /** [rows * K/block] */
  scales: Float32Array;
}

export function assertQ4Shape(K: number, block = Q4_BLOCK): void {
  if (K % block !== 0) throw new Error(`MatMulNBits needs K (${K}) divisible by block size ${block}`);
}

/** Quantizes `rows` rows of K values from w into b/scales at the given row offset of the outputs. */
export function quantizeQ4Rows(
  w: Float32Array,
  rows: number,
  K: number,
  out: Q4Packed,
  outRow0 = 0,
  block = Q4_BLOCK,
): void {
  assertQ4Shape(K, block);
  const blocksPerRow = K / block;
  const { b, scales } = out;
  const half = block / 2;
  // Hot loop (≈ 8e9 weights for an 8B model). The block's largest magnitude is found by integer
  // compares on the float bits with the sign masked off (monotonic for finite floats) — about
  // 2x faster in V8 than Math.max/Math.min on doubles. No allocation inside.
  const bits = new Uint32Array(w.buffer, w.byteOffset, w.length);
  for (let r = 0; r < rows; r++) {
    for (let blk = 0; blk < blocksPerRow; blk++) {
      const src = r * K + blk * block;
      let maxBits = 0;
      let at = src;
      for (let j = src; j < src + block; j++) {
        const a = bits[j]! & 0x7fffffff;
        if (a > maxBits) {
          maxBits = a;
          at = j;
        }
      }
      const extreme = w[at]!;
      const scale = extreme === 0 ? 0 : Math.fround(extreme / -Q4_MID);
      const inv = scale === 0 ? 0 : 1 / scale;
      const sIdx = (outRow0 + r) * blocksPerRow + blk;
      scales[sIdx] = scale;
      const dst = sIdx * half;
      for (let j = 0; j < half; j++) {
        let lo = (w[src + 2 * j]! * inv + 8.5) | 0;
        let hi = (w[src + 2 * j + 1]! * inv + 8.5) | 0;
        if (lo > 15) lo = 15;
        if (hi > 15) hi = 15;
        b[dst + j] = lo | (hi << 4);
      }
    }
  }
}

export function quantizeQ4(w: Float32Array, N: number, K: number, block = Q4_BLOCK): Q4Packed {
  const out: Q4Packed = { b: new Uint8Array((N * K) / 2), scales: new Float32Array((N * K) / block) };
  quantizeQ4Rows(w, N, K, out, 0, block);
  return out;
}

/** The [N, K] weight MatMulNBits computes with: (code - 8) * scale. */
export function dequantizeQ4(p: Q4Packed, N: number, K: number, block = Q4_BLOCK): Float32Array {
  const w = new Float32Array(N * K);
  const blocksPerRow = K / block;
  for (let n = 0; n < N; n++) {
    for (let blk = 0; blk < blocksPerRow; blk++) {
      const sIdx = n * blocksPerRow + blk;
      const scale = p.scales[sIdx] ?? 0;
      const src = sIdx * (block / 2);
      const dst = n * K + blk * block;
      for (let j = 0; j < block / 2; j++) {
        const byte = p.b[src + j] ?? 0;
        w[dst + 2 * j] = Math.fround(((byte & 0x0f) - Q4_MID) * scale);
        w[dst + 2 * j + 1] = Math.fround(((byte >>> 4) - Q4_MID) * scale);
      }
    }
  }
  return w;
}
