/**
 * K-quant super-blocks of 256 values (ggml-quants.c layouts), with plain min/max scale choice
 * instead of llama-quantize's iterative search: the bytes, and so the decode cost, are exactly those
 * of a real Q4_K_M file; the rounding error is somewhat larger (irrelevant for random weights).
 * - Q4_K: fp16 d, fp16 dmin, 12 bytes of 6-bit (scale, min) pairs for 8 sub-blocks of 32, 128 bytes
 *   of 4-bit codes; value = d·sc·q − dmin·m.
 * - Q6_K: 128 bytes low nibbles, 64 bytes high 2 bits, 16 int8 scales (sub-blocks of 16), fp16 d;
 *   value = d·sc·(q − 32).
 */
import { fromFloat16Bits, toFloat16Bits } from '../build/float16.ts';

const nearest = (x: number): number => Math.round(x);

export function quantizeQ4K(src: Float32Array, count: number, dst: Uint8Array, off: number): void {
  const dv = new DataView(dst.buffer, dst.byteOffset, dst.byteLength);
  const scales = new Float64Array(8);
  const mins = new Float64Array(8);
  const L = new Uint8Array(256);
  const packed = new Uint8Array(12);
  for (let b = 0; b < count; b += 256) {
    let maxScale = 0;
    let maxMin = 0;
    for (let j = 0; j < 8; j++) {
      let lo = 0; // the min is clamped at 0 like ggml's make_qkx2_quants
      let hi = -Infinity;
      for (let i = 0; i < 32; i++) {
        const v = src[b + 32 * j + i]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      scales[j] = Math.max(0, (hi - lo) / 15);
      mins[j] = -lo;
      maxScale = Math.max(maxScale, scales[j]!);
      maxMin = Math.max(maxMin, mins[j]!);
    }
    const invScale = maxScale > 0 ? 63 / maxScale : 0;
    const invMin = maxMin > 0 ? 63 / maxMin : 0;
    packed.fill(0);
    for (let j = 0; j < 8; j++) {
      const ls = Math.min(63, nearest(invScale * scales[j]!));
      const lm = Math.min(63, nearest(invMin * mins[j]!));
      if (j < 4) {
        packed[j] = ls;
        packed[j + 4] = lm;
      } else {
        packed[j + 4] = (ls & 0xf) | ((lm & 0xf) << 4);
        packed[j - 4] = packed[j - 4]! | ((ls >> 4) << 6);
        packed[j] = packed[j]! | ((lm >> 4) << 6);
      }
    }
    const dBits = toFloat16Bits(maxScale / 63);
    const dminBits = toFloat16Bits(maxMin / 63);
    const d = fromFloat16Bits(dBits);
    const dmin = fromFloat16Bits(dminBits);
    for (let j = 0; j < 8; j++) {
      const [sc, m] = scaleMinK4(j, packed);
      const dj = d * sc;
      const mj = dmin * m;
      for (let i = 0; i < 32; i++) {
        const q = dj !== 0 ? nearest((src[b + 32 * j + i]! + mj) / dj) : 0;
        L[32 * j + i] = Math.max(0, Math.min(15, q));
      }
    }
    dv.setUint16(off, dBits, true);
    dv.setUint16(off + 2, dminBits, true);
    dst.set(packed, off + 4);
    let q = off + 16;
    for (let j = 0; j < 256; j += 64) {
      for (let l = 0; l < 32; l++) dst[q + l] = L[j + l]! | (L[j + l + 32]! << 4);
      q += 32;
    }
    off += 144;
  }
}

/** ggml's get_scale_min_k4. */
export function scaleMinK4(j: number, q: Uint8Array): [number, number] {
  if (j < 4) return [q[j]! & 63, q[j + 4]! & 63];
  return [(q[j + 4]! & 0xf) | ((q[j - 4]! >> 6) << 4), (q[j + 4]! >> 4) | ((q[j]! >> 6) << 4)];
}

export function quantizeQ6K(src: Float32Array, count: number, dst: Uint8Array, off: number): void {
  const dv = new DataView(dst.buffer, dst.byteOffset, dst.byteLength);
  const scales = new Float64Array(16);
  const L = new Uint8Array(256);
  for (let b = 0; b < count; b += 256) {
    let maxScale = 0;
    let maxAbs = 0;
    for (let j = 0; j < 16; j++) {
      let amax = 0;
      let max = 0;
      for (let i = 0; i < 16; i++) {
        const v = src[b + 16 * j + i]!;
        if (Math.abs(v) > amax) {
          amax = Math.abs(v);
          max = v;
        }
      }
      scales[j] = max / -32;
      if (Math.abs(scales[j]!) > maxAbs) {
        maxAbs = Math.abs(scales[j]!);
        maxScale = scales[j]!;
      }
    }
    const iscale = maxScale !== 0 ? -128 / maxScale : 0;
    const dBits = toFloat16Bits(iscale !== 0 ? 1 / iscale : 0);
    const d = fromFloat16Bits(dBits);
    for (let j = 0; j < 16; j++) {
      const sc = Math.max(-128, Math.min(127, nearest(iscale * scales[j]!)));
      dv.setInt8(off + 192 + j, sc);
      const dj = d * sc;
      for (let i = 0; i < 16; i++) {
        const q = dj !== 0 ? nearest(src[b + 16 * j + i]! / dj) : 0;
        L[16 * j + i] = Math.max(-32, Math.min(31, q)) + 32;
      }
    }
    for (let j = 0; j < 256; j += 128) {
      const ql = off + j / 2;
      const qh = off + 128 + j / 4;
      for (let l = 0; l < 32; l++) {
        dst[ql + l] = (L[j + l]! & 0xf) | ((L[j + l + 64]! & 0xf) << 4);
        dst[ql + l + 32] = (L[j + l + 32]! & 0xf) | ((L[j + l + 96]! & 0xf) << 4);
        dst[qh + l] = (L[j + l]! >> 4) | ((L[j + l + 32]! >> 4) << 2) | ((L[j + l + 64]! >> 4) << 4) | ((L[j + l + 96]! >> 4) << 6);
      }
    }
    dv.setUint16(off + 208, dBits, true);
    off += 210;
  }
}
