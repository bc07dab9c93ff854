/**
 * Open-loop arrivals: a Poisson process at `ratePerS` has exponential gaps with mean 1/rate;
 * gap = −ln(1 − u)/rate for uniform u in [0, 1). Seeded, so a level's schedule is reproducible.
 */
import { mulberry32 } from '../stats/index.ts';

/** Arrival offsets (ms from the level's start) of `count` requests. */
export function poissonArrivalsMs(count: number, ratePerS: number, seed: number): number[] {
  const rng = mulberry32(seed);
  const out: number[] = new Array<number>(count);
  let t = 0;
  for (let i = 0; i < count; i++) {
    t += (-Math.log(1 - rng()) / ratePerS) * 1000;
    out[i] = t;
  }
  return out;
}
