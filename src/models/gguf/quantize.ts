/**
 * Row quantizers into ggml's block layouts, following ggml-quants.c's reference (`*_ref`) code:
 * - Q4_0: per 32 values, d = (value of largest magnitude) / -8 as fp16, codes q = min(15, trunc(x/d + 8.5));
 *   byte j holds value j in the low nibble and value j+16 in the high nibble (MatMulNBits packs
 *   even/odd neighbours instead);
 * - Q8_0: per 32 values, d = max|x| / 127 as fp16, codes round(x/d) as int8;
 * - F16 / F32: plain little-endian.
 * `src` holds `rows` rows of `n` values; the output is written at `dst[off…]`.
 */
import { toFloat16Bits } from '../build/float16.ts';
import { quantizeQ4K, quantizeQ6K } from './quantize-k.ts';
import { rowBytes, type GgmlTypeName } from './format.ts';

function quantizeQ4_0(src: Float32Array, count: number, dst: Uint8Array, off: number): void {
  const dv = new DataView(dst.buffer, dst.byteOffset, dst.byteLength);
  for (let b = 0; b < count; b += 32) {
    let amax = 0;
    let max = 0;
    for (let j = 0; j < 32; j++) {
      const v = src[b + j]!;
      const a = Math.abs(v);
      if (amax < a) {
        amax = a;
        max = v;
      }
    }
    const d = Math.fround(max / -8);
    const id = d !== 0 ? 1 / d : 0;
    dv.setUint16(off, toFloat16Bits(d), true);
    for (let j = 0; j < 16; j++) {
      const x0 = Math.min(15, (src[b + j]! * id + 8.5) | 0);
      const x1 = Math.min(15, (src[b + 16 + j]! * id + 8.5) | 0);
      dst[off + 2 + j] = x0 | (x1 << 4);
    }
    off += 18;
  }
}

function quantizeQ8_0(src: Float32Array, count: number, dst: Uint8Array, off: number): void {
  const dv = new DataView(dst.buffer, dst.byteOffset, dst.byteLength);
  for (let b = 0; b < count; b += 32) {
    let amax = 0;
    for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(src[b + j]!));
    const d = Math.fround(amax / 127);
    const id = d !== 0 ? 1 / d : 0;
    dv.setUint16(off, toFloat16Bits(d), true);
    for (let j = 0; j < 32; j++) {
      const x = src[b + j]! * id;
      const q = x < 0 ? -Math.round(-x) : Math.round(x); // roundf: half away from zero
      dv.setInt8(off + 2 + j, q);
    }
    off += 34;
  }
}

/** Quantizes `rows` rows of `n` values into `dst` at `off`; returns the bytes written. */
export function quantizeRows(type: GgmlTypeName, src: Float32Array, rows: number, n: number, dst: Uint8Array, off: number): number {
  const count = rows * n;
  const bytes = rows * rowBytes(type, n);
  switch (type) {
    case 'F32':
      new Uint8Array(dst.buffer, dst.byteOffset + off, bytes).set(new Uint8Array(src.buffer, src.byteOffset, bytes));
      break;
    case 'F16': {
      const dv = new DataView(dst.buffer, dst.byteOffset + off, bytes);
      for (let i = 0; i < count; i++) dv.setUint16(2 * i, toFloat16Bits(src[i]!), true);
      break;
    }
    case 'Q4_0':
      quantizeQ4_0(src, count, dst, off);
      break;
    case 'Q8_0':
      quantizeQ8_0(src, count, dst, off);
      break;
    case 'Q4_K':
      quantizeQ4K(src, count, dst, off);
      break;
    case 'Q6_K':
      quantizeQ6K(src, count, dst, off);
      break;
  }
  return bytes;
}
