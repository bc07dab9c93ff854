/**
 * Raw traces are checked before any metric is computed from them: token times must be finite,
 * non-decreasing (t_1 ≤ t_2 ≤ … — a monotonic clock cannot go back), within a bound (a week) and
 * no finer than a nanosecond.
 * A request that breaks one of these is excluded with its reason, so a damaged or hand-edited cell
 * never becomes a negative TPOT or an overflowing mean; the cell's other requests still count.
 * Cell-level figures beyond any real value (load time, memory) are dropped the same way.
 */
import type { CellResult, RequestTrace, Warning } from '../results/schema.ts';

/** No request of a benchmark runs for a week; past this a time is damage, not a measurement. */
export const MAX_TRACE_MS = 7 * 24 * 3600 * 1000;
/** No clock ticks finer than a nanosecond: a smaller non-zero step is damage (and an overflowing rate). */
export const MIN_STEP_MS = 1e-6;
/** No process uses a petabyte of memory; no memory bus moves a petabyte per second. */
export const MAX_BYTES = 1e15;

export interface Exclusion {
  index: number;
  phase: RequestTrace['phase'];
  reason: string;
}

/** Why this trace cannot be analysed, or null when it is sound. */
export function traceProblem(r: RequestTrace): string | null {
  const t = r.tokenTimesMs;
  for (let i = 0; i < t.length; i++) {
    const x = t[i]!;
    if (!Number.isFinite(x) || x < 0) return `token ${i + 1} time ${x} ms is not a finite time after submit`;
    if (x > MAX_TRACE_MS) return `token ${i + 1} time ${x} ms is beyond the ${MAX_TRACE_MS} ms (one week) bound`;
    if (x > 0 && x < MIN_STEP_MS) return `token ${i + 1} time ${x} ms is below any clock's resolution (1 ns)`;
    if (i > 0 && x < t[i - 1]!) return `token times go backwards (token ${i + 1} at ${x} ms, before token ${i} at ${t[i - 1]} ms)`;
    if (i > 0 && x > t[i - 1]! && x - t[i - 1]! < MIN_STEP_MS)
      return `tokens ${i} and ${i + 1} are ${x - t[i - 1]!} ms apart, below any clock's resolution (1 ns)`;
  }
  if (!Number.isFinite(r.offsetMs) || r.offsetMs > MAX_TRACE_MS) return `offsetMs ${r.offsetMs} is beyond the ${MAX_TRACE_MS} ms bound`;
  if (r.submitClockMs !== undefined && !Number.isFinite(r.submitClockMs)) return `submitClockMs ${r.submitClockMs} is not finite`;
  return null;
}

const within = (x: number | null, max: number): number | null => (x !== null && Number.isFinite(x) && x >= 0 && x <= max ? x : null);

/**
 * The cell with unsound requests removed and out-of-bound cell figures set to null, plus what was
 * removed (for the warning). Pure: the stored cell is never changed.
 */
export function screenCell(cell: CellResult): { cell: CellResult; excluded: Exclusion[]; dropped: string[] } {
  const excluded: Exclusion[] = [];
  const requests = cell.requests.filter((r) => {
    const why = traceProblem(r);
    if (why) excluded.push({ index: r.index, phase: r.phase, reason: why });
    return why === null;
  });
  const dropped: string[] = [];
  const keep = (name: string, x: number | null, max: number): number | null => {
    const v = within(x, max);
    if (x !== null && v === null) dropped.push(`${name} ${x}`);
    return v;
  };
  const screened: CellResult = {
    ...cell,
    requests,
    loadMs: keep('loadMs', cell.loadMs, MAX_TRACE_MS),
    peakRssBytes: keep('peakRssBytes', cell.peakRssBytes, MAX_BYTES),
    rssAfterLoadBytes: keep('rssAfterLoadBytes', cell.rssAfterLoadBytes, MAX_BYTES),
    memoryBandwidthBytesPerS: keep('memoryBandwidthBytesPerS', cell.memoryBandwidthBytesPerS, MAX_BYTES),
  };
  return { cell: screened, excluded, dropped };
}

/** The warning that names what was excluded and why (null when nothing was). */
export function screeningWarning(excluded: readonly Exclusion[], dropped: readonly string[]): Warning | null {
  if (excluded.length === 0 && dropped.length === 0) return null;
  const first = excluded[0];
  const parts = [
    excluded.length > 0 &&
      `${excluded.length} request(s) excluded from the metrics (first: ${first!.phase} request ${first!.index}: ${first!.reason})`,
    dropped.length > 0 && `figures out of any real range shown as n/a: ${dropped.join(', ')}`,
  ].filter(Boolean);
  return {
    code: 'INVALID_TRACE',
    severity: 'warn',
    message: `damaged raw traces: ${parts.join('; ')}`,
    fix: 'the cell file was edited or damaged, or the clock misbehaved; delete the cell file and measure it again with `edgebench run --resume <dir>`',
  };
}
