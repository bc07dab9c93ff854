/**
 * Seeded pseudo-random numbers (mulberry32: 32-bit state, period 2^32). Plenty for bootstrap
 * resampling and fully deterministic across platforms, so a stored seed reproduces a CI exactly.
 */
export type Rng = () => number;

/** Returns a generator of uniform floats in [0, 1). `seed` must be an integer (used modulo 2^32). */
export function mulberry32(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  let state = Number(BigInt.asUintN(32, BigInt(seed)));
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
