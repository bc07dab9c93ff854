/**
 * Energy traces as segments of known energy over known time, and the energy of any window on the
 * monotonic clock. Counter traces: segments between observed counter changes (a gauge that moves
 * in steps is not spread over the samples where it did not move). Instant power: trapezoids
 * between readings, except across gaps. Interval-average power: each reading covers its interval.
 * Inside a segment energy is assumed uniform in time — the limit of every source's resolution.
 */
import type { EnergyTrace } from '../results/energy-schema.ts';

export interface Segment {
  t0: number;
  t1: number;
  /** joules per domain; null where a domain was not read or its counter reset */
  joules: (number | null)[];
}

export const GAP_FACTOR = 3;

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface Segments {
  segments: Segment[];
  /** sample spacings over GAP_FACTOR × the median */
  gaps: number;
  /** median segment length */
  medianStepMs: number | null;
}

export function toSegments(trace: EnergyTrace): Segments {
  const s = trace.samples;
  const steps = s.slice(1).map((x, i) => x.tMs - s[i]!.tMs);
  const medStep = median(steps);
  const isGap = (dt: number) => medStep !== null && medStep > 0 && dt > GAP_FACTOR * medStep;
  const gaps = steps.filter(isGap).length;
  const segments: Segment[] = [];
  if (trace.kind === 'counter') {
    let prev = s[0];
    for (let i = 1; i < s.length && prev; i++) {
      const cur = s[i]!;
      const changed = cur.values.some((v, d) => v !== null && v !== prev!.values[d]);
      if (!changed) continue;
      const joules = cur.values.map((v, d) => {
        const p = prev!.values[d];
        return v === null || p === null || p === undefined || v < p ? null : v - p;
      });
      if (cur.tMs > prev.tMs) segments.push({ t0: prev.tMs, t1: cur.tMs, joules });
      prev = cur;
    }
  } else if (trace.powerSemantics === 'interval-average') {
    for (const x of s) {
      if (!x.intervalMs) continue;
      segments.push({ t0: x.tMs - x.intervalMs, t1: x.tMs, joules: x.values.map((w) => (w === null ? null : (w * x.intervalMs!) / 1000)) });
    }
    segments.sort((a, b) => a.t0 - b.t0);
  } else {
    for (let i = 1; i < s.length; i++) {
      const a = s[i - 1]!;
      const b = s[i]!;
      const dt = b.tMs - a.tMs;
      if (dt <= 0 || isGap(dt)) continue;
      segments.push({
        t0: a.tMs,
        t1: b.tMs,
        joules: b.values.map((w, d) => {
          const w0 = a.values[d];
          return w === null || w0 === null || w0 === undefined ? null : ((w0 + w) / 2) * (dt / 1000);
        }),
      });
    }
  }
  return { segments, gaps, medianStepMs: median(segments.map((x) => x.t1 - x.t0)) };
}

export interface WindowEnergy {
  /** joules per domain inside the window, from the covered part only */
  joules: number[];
  /** time inside the window covered by complete segments (every domain read) */
  coveredMs: number;
}

function firstOverlapping(segments: readonly Segment[], a: number): number {
  let lo = 0;
  let hi = segments.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (segments[mid]!.t0 < a) lo = mid + 1;
    else hi = mid;
  }
  while (lo > 0 && segments[lo - 1]!.t1 > a) lo--;
  return lo;
}

export function windowEnergy(segments: readonly Segment[], domains: number, a: number, b: number): WindowEnergy {
  const joules = new Array<number>(domains).fill(0);
  let coveredMs = 0;
  for (let i = firstOverlapping(segments, a); i < segments.length; i++) {
    const seg = segments[i]!;
    if (seg.t0 >= b) break;
    const overlap = Math.min(b, seg.t1) - Math.max(a, seg.t0);
    if (overlap <= 0 || seg.t1 <= seg.t0 || seg.joules.some((j) => j === null)) continue;
    const frac = overlap / (seg.t1 - seg.t0);
    for (let d = 0; d < domains; d++) joules[d]! += (seg.joules[d] as number) * frac;
    coveredMs += overlap;
  }
  return { joules, coveredMs: Math.min(coveredMs, b - a) };
}

/** Mean watts per domain over the whole trace (idle baseline); null when it covers no time. */
export function meanWatts(trace: EnergyTrace): { watts: number[]; durationMs: number } | null {
  const { segments } = toSegments(trace);
  const first = trace.samples[0]?.tMs;
  const last = trace.samples.at(-1)?.tMs;
  if (first === undefined || last === undefined || segments.length === 0) return null;
  const a = Math.min(first, segments[0]!.t0);
  const w = windowEnergy(segments, trace.domains.length, a, last);
  if (w.coveredMs <= 0) return null;
  return { watts: w.joules.map((j) => j / (w.coveredMs / 1000)), durationMs: w.coveredMs };
}
