/** The one monotonic clock of a process (DESIGN §5). */
export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Smallest non-zero step the clock shows, measured (ns). */
export function clockResolutionNs(): number {
  let best = Infinity;
  for (let i = 0; i < 200; i++) {
    const a = process.hrtime.bigint();
    let b = process.hrtime.bigint();
    while (b === a) b = process.hrtime.bigint();
    best = Math.min(best, Number(b - a));
  }
  return best;
}
