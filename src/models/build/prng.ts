/**
 * Counter-based PRNG for synthetic weights: value i of a tensor is a pure function of
 * (tensor key, i), so any element order (row-major, transposed, chunked) regenerates the same
 * numbers without holding the tensor in memory. lowbias32 (Chris Wellons' integer hash) on
 * (i * golden ratio) ^ key — a bijection per key, fast in V8 (two Math.imul per value).
 * Values are uniform with the requested standard deviation (not Gaussian: the distribution does
 * not matter for cost, only that outputs are finite and non-degenerate).
 */

/** 32-bit key of a tensor from the model seed and its name (FNV-1a, then mixed). */
export function tensorKey(seed: number, name: string): number {
  let h = 0x811c9dc5 ^ Math.imul(seed | 0, 0x27d4eb2d);
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

export function mix32(v: number): number {
  let x = v | 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x | 0;
}

/** How a tensor's values are distributed: mean + uniform noise with standard deviation `std`. */
export interface ValueDist {
  mean: number;
  std: number;
}

const SQRT12_OVER_2POW32 = Math.sqrt(12) / 4294967296;

/**
 * out[outOffset + j] = value(key, start + j * stride) for j in [0, count).
 * stride 1 fills row-major runs; stride K fills a column of a [N, K] matrix (transposed output).
 */
export function fillValues(
  out: Float32Array,
  outOffset: number,
  count: number,
  key: number,
  dist: ValueDist,
  start: number,
  stride: number,
): void {
  const scale = dist.std * SQRT12_OVER_2POW32;
  const mean = dist.mean;
  let idx = start;
  const end = outOffset + count;
  for (let o = outOffset; o < end; o++) {
    let x = Math.imul(idx, 0x9e3779b1) ^ key;
    x ^= x >>> 16;
    x = Math.imul(x, 0x7feb352d);
    x ^= x >>> 15;
    x = Math.imul(x, 0x846ca68b);
    x ^= x >>> 16;
    out[o] = mean + (x | 0) * scale;
    idx += stride;
  }
}
