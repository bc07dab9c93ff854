/**
 * The page's stand-in for src/clock.ts (swapped in by client-bundle.ts): same exports,
 * on performance.now() — monotonic, but coarsened by browsers (5 µs when crossOriginIsolated,
 * 100 µs or more otherwise), so its measured resolution is recorded with every run.
 */
export const nowMs = (): number => performance.now();

/** Smallest non-zero step performance.now() shows, measured (ns). */
export function clockResolutionNs(): number {
  let best = Infinity;
  for (let i = 0; i < 50; i++) {
    const a = performance.now();
    let b = performance.now();
    for (let spins = 0; b === a && spins < 1e6; spins++) b = performance.now();
    if (b > a) best = Math.min(best, b - a);
  }
  return Number.isFinite(best) ? best * 1e6 : 0;
}
