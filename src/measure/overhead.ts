/**
 * Harness overhead against a bare loop (npm run bench:overhead): the two paths run alternately on
 * one loaded model (A B, B A, …) so drift hits both alike; each request gives one TPOT, and the
 * overhead is the median of the paired differences harness − bare, with a bootstrap 95 % CI.
 * An absolute per-token cost measured on a small model is then expressed as a share of a bigger
 * model's TPOT on the same runner (the cost per token does not grow with the model).
 */
import { summarize } from '../stats/index.ts';

/** Mean inter-token time of one request (ms): first token excluded, so prefill does not count. */
export function tpotMs(tokenTimesMs: readonly number[]): number {
  if (tokenTimesMs.length < 2) throw new RangeError(`tpotMs: need at least 2 token times, got ${tokenTimesMs.length}`);
  return (tokenTimesMs[tokenTimesMs.length - 1]! - tokenTimesMs[0]!) / (tokenTimesMs.length - 1);
}

export interface OverheadFigures {
  reps: number;
  bareMs: number;
  harnessMs: number;
  /** median of paired (harness − bare) TPOT differences, µs per token, with its 95 % CI */
  diffUs: number;
  diffCiUs: { lo: number; hi: number };
  /** diffUs as a % of `refTpotMs` (null when no reference), with the CI mapped alike */
  pctOfRef: number | null;
  pctCi: { lo: number; hi: number } | null;
}

export function overheadFigures(
  bareTpotMs: readonly number[],
  harnessTpotMs: readonly number[],
  refTpotMs: number | null,
): OverheadFigures {
  if (bareTpotMs.length !== harnessTpotMs.length || bareTpotMs.length === 0)
    throw new RangeError(`overheadFigures: need paired samples, got ${bareTpotMs.length} bare and ${harnessTpotMs.length} harness`);
  const diffs = harnessTpotMs.map((h, i) => (h - bareTpotMs[i]!) * 1000);
  const d = summarize(diffs, { seed: 1 });
  const pct = (us: number) => (refTpotMs === null ? null : (us / 1000 / refTpotMs) * 100);
  return {
    reps: diffs.length,
    bareMs: summarize(bareTpotMs, { seed: 1 }).median,
    harnessMs: summarize(harnessTpotMs, { seed: 1 }).median,
    diffUs: d.median,
    diffCiUs: { lo: d.ci95.lo, hi: d.ci95.hi },
    pctOfRef: pct(d.median),
    pctCi: refTpotMs === null ? null : { lo: pct(d.ci95.lo)!, hi: pct(d.ci95.hi)! },
  };
}

/**
 * Median gap between consecutive tokens of one request (ms): what a token costs when no other
 * process took the CPU in between. On a busy machine preemption stalls land in the mean (tpotMs)
 * at random, so this is the robust cross-check; it is blind to a harness cost paid only on some
 * tokens (a GC pause), which the mean sees.
 */
export function medianGapMs(tokenTimesMs: readonly number[]): number {
  if (tokenTimesMs.length < 2) throw new RangeError(`medianGapMs: need at least 2 token times, got ${tokenTimesMs.length}`);
  return summarize(
    tokenTimesMs.slice(1).map((t, i) => t - tokenTimesMs[i]!),
    { seed: 1, resamples: 1 },
  ).median;
}

/** Runs `reps` pairs, alternating which path goes first; returns each path's results in pair order. */
export async function interleavedPairs<T>(
  reps: number,
  bare: () => Promise<T>,
  harness: () => Promise<T>,
): Promise<{ bare: T[]; harness: T[] }> {
  const out = { bare: [] as T[], harness: [] as T[] };
  for (let r = 0; r < reps; r++) {
    if (r % 2 === 0) {
      out.bare.push(await bare());
      out.harness.push(await harness());
    } else {
      out.harness.push(await harness());
      out.bare.push(await bare());
    }
  }
  return out;
}
