/**
 * Per-level figures of a ladder, recomputed from raw request times (pure; definitions stated):
 *   ttftMs = t_1; tpotMs = (t_N − t_1)/(N − 1); itlMs = t_i − t_{i−1} (pooled); e2eMs = t_N
 *   level time = first t_submit to last token of the level (s)
 *   totalOutputTokensPerS = tokens of ok requests / level time
 *   perUserTokensPerS = median over ok requests of (N − 1)/(t_N − t_1): one user's decode speed
 *   goodput = ok requests with ttft ≤ SLO ttft and tpot ≤ SLO tpot, per second of level time
 *   sloAttainment = those requests / all requests of the level (errors count as misses)
 * A level meets the objective when sloAttainment ≥ slo.attainment; the ladder's answer is the
 * highest level that meets it. Percentiles are nearest-rank (null when n is too small for them).
 */
import { percentileOrNull, percentileSorted } from '../stats/index.ts';
import type { LoadFile, LoadLevel, LoadRequest } from './ladder-schema.ts';
import type { Slo } from './plan.ts';

export interface Dist {
  n: number;
  p50: number;
  p90: number | null;
  p99: number | null;
  mean: number;
  min: number;
  max: number;
}

export interface LevelSummary {
  label: string;
  mode: LoadLevel['mode'];
  concurrency: number | null;
  ratePerS: number | null;
  requests: number;
  ok: number;
  errored: number;
  retries: number;
  truncated: boolean;
  durationS: number;
  ttftMs: Dist | null;
  tpotMs: Dist | null;
  itlMs: Dist | null;
  e2eMs: Dist | null;
  /** TTFT − the median network round trip, when one was measured: server time plus queueing */
  ttftMinusRttMs: Dist | null;
  totalOutputTokensPerS: number | null;
  perUserTokensPerS: number | null;
  requestsPerS: number | null;
  goodputRequestsPerS: number | null;
  sloAttainment: number | null;
  meetsSlo: boolean;
  /** error codes and their counts */
  errors: Record<string, number>;
}

export interface LadderSummary {
  slo: Slo;
  levels: LevelSummary[];
  /** the highest level whose attainment meets the objective, or null when none does */
  highestMeeting: string | null;
  rttMs: number | null;
}

export function dist(values: readonly number[]): Dist | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: percentileSorted(s, 50),
    p90: percentileOrNull(s, 90),
    p99: percentileOrNull(s, 99),
    mean: s.reduce((a, b) => a + b, 0) / s.length,
    min: s[0]!,
    max: s.at(-1)!,
  };
}

const ttft = (r: LoadRequest) => r.tokenTimesMs[0]!;
function tpot(r: LoadRequest): number | null {
  const t = r.tokenTimesMs;
  return t.length < 2 ? null : (t.at(-1)! - t[0]!) / (t.length - 1);
}

/** A request meets the objective when it finished and both its TTFT and TPOT (when defined) are within it. */
export function meets(r: LoadRequest, slo: Slo): boolean {
  if (r.status !== 'ok' || r.tokenTimesMs.length === 0) return false;
  const p = tpot(r);
  return ttft(r) <= slo.ttftMs && (p === null || p <= slo.tpotMs);
}

export function levelLabel(l: Pick<LoadLevel, 'mode' | 'concurrency' | 'ratePerS'>): string {
  return l.mode === 'concurrency' ? `c=${l.concurrency}` : `${l.ratePerS}/s`;
}

export function summarizeLevel(l: LoadLevel, slo: Slo, rttMs: number | null): LevelSummary {
  const ok = l.requests.filter((r) => r.status === 'ok' && r.tokenTimesMs.length > 0);
  const durationS = l.wallMs / 1000;
  const per = (x: number) => (durationS > 0 ? x / durationS : null);
  const tpots = ok.map(tpot).filter((x): x is number => x !== null);
  const decodeRates = ok
    .filter((r) => r.tokenTimesMs.length >= 2 && r.tokenTimesMs.at(-1)! > r.tokenTimesMs[0]!)
    .map((r) => (r.tokenTimesMs.length - 1) / ((r.tokenTimesMs.at(-1)! - r.tokenTimesMs[0]!) / 1000));
  const met = l.requests.filter((r) => meets(r, slo)).length;
  const errors: Record<string, number> = {};
  for (const r of l.requests)
    if (r.status === 'errored') errors[r.error?.code ?? 'UNKNOWN'] = (errors[r.error?.code ?? 'UNKNOWN'] ?? 0) + 1;
  const attainment = l.requests.length > 0 ? met / l.requests.length : null;
  return {
    label: levelLabel(l),
    mode: l.mode,
    concurrency: l.concurrency,
    ratePerS: l.ratePerS,
    requests: l.requests.length,
    ok: ok.length,
    errored: l.requests.length - ok.length,
    retries: l.requests.reduce((a, r) => a + r.retries, 0),
    truncated: l.truncated,
    durationS,
    ttftMs: dist(ok.map(ttft)),
    tpotMs: dist(tpots),
    itlMs: dist(ok.flatMap((r) => r.tokenTimesMs.slice(1).map((t, i) => t - r.tokenTimesMs[i]!))),
    e2eMs: dist(ok.map((r) => r.tokenTimesMs.at(-1)!)),
    ttftMinusRttMs: rttMs === null ? null : dist(ok.map((r) => ttft(r) - rttMs)),
    totalOutputTokensPerS: per(ok.reduce((a, r) => a + r.tokenTimesMs.length, 0)),
    perUserTokensPerS: decodeRates.length
      ? percentileSorted(
          [...decodeRates].sort((a, b) => a - b),
          50,
        )
      : null,
    requestsPerS: per(ok.length),
    goodputRequestsPerS: per(met),
    sloAttainment: attainment,
    meetsSlo: attainment !== null && attainment >= slo.attainment,
    errors,
  };
}

/** The median round trip a network probe stored in the file, if any. */
export function rttOf(f: Pick<LoadFile, 'network'>): number | null {
  const v = f.network?.rttMs;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function summarizeLadder(f: LoadFile, slo: Slo = f.slo): LadderSummary {
  const rttMs = rttOf(f);
  const levels = f.levels.map((l) => summarizeLevel(l, slo, rttMs));
  // highest = most load: the largest concurrency, else the largest rate
  const meeting = levels
    .filter((l) => l.meetsSlo)
    .sort((a, b) => (a.concurrency ?? 0) - (b.concurrency ?? 0) || (a.ratePerS ?? 0) - (b.ratePerS ?? 0));
  return { slo, levels, highestMeeting: meeting.at(-1)?.label ?? null, rttMs };
}
