/**
 * Energy per phase (DESIGN §5): prefill window t_submit..t_1 and decode window t_1..t_N of every
 * measured request, integrated over the cell's energy trace; gross and net of the idle baseline;
 * J/token (prefill: per prompt token; decode: per token after the first), avg W, tokens per joule.
 * Windows shorter than 10 steps of the source's resolution are pooled over all measured requests
 * ("widened") and never reported per request; under 10 steps in total there is no figure at all.
 */
import { summarize } from '../stats/index.ts';
import type { CellEnergy, EnergyPhase, EnergySummary, UncertaintyClass } from '../results/energy-schema.ts';
import type { CellResult, CellSummary, RequestTrace } from '../results/schema.ts';
import { meanWatts, median, toSegments, windowEnergy, type Segment } from './energy-windows.ts';

/** windows must span this many resolution steps to be resolved */
export const RESOLVE_STEPS = 10;
/** a window counts when the samples cover at least this share of it (the rest is scaled up) */
export const MIN_COVERAGE = 0.9;
const CLASS_ORDER: UncertaintyClass[] = ['fine', 'coarse', 'rough', 'unresolved'];
const worst = (...cs: UncertaintyClass[]): UncertaintyClass => CLASS_ORDER[Math.max(...cs.map((c) => CLASS_ORDER.indexOf(c)))]!;

interface Window {
  index: number;
  a: number;
  b: number;
  tokens: number;
}

function windows(measured: RequestTrace[], phase: 'prefill' | 'decode', promptCounts: boolean): Window[] {
  const out: Window[] = [];
  for (const r of measured) {
    const t = r.tokenTimesMs;
    if (r.submitClockMs === undefined || t.length === 0) continue;
    const s = r.submitClockMs;
    if (phase === 'prefill') out.push({ index: r.index, a: s, b: s + t[0]!, tokens: promptCounts ? r.promptTokens : 0 });
    else if (t.length >= 2) out.push({ index: r.index, a: s + t[0]!, b: s + t.at(-1)!, tokens: t.length - 1 });
  }
  return out;
}

interface Ctx {
  segments: Segment[];
  domains: string[];
  headline: number[];
  baselineW: number | null;
  resolutionMs: number | null;
  energy: CellEnergy;
  seed: number;
  resamples?: number;
}

const perOrNull = (x: number, y: number): number | null => (y > 0 && Number.isFinite(x / y) ? x / y : null);

function phaseSummary(ws: Window[], ctx: Ctx, label: string): EnergyPhase | null {
  if (ws.length === 0) return null;
  const used: { w: Window; grossJ: number; byDomain: number[] }[] = [];
  for (const w of ws) {
    const dur = w.b - w.a;
    if (dur <= 0) continue;
    const e = windowEnergy(ctx.segments, ctx.domains.length, w.a, w.b);
    if (e.coveredMs < MIN_COVERAGE * dur) continue;
    const scale = dur / e.coveredMs; // extrapolate the few uncovered ms at the window's own power
    const byDomain = e.joules.map((j) => j * scale);
    used.push({ w, byDomain, grossJ: ctx.headline.reduce((s, d) => s + byDomain[d]!, 0) });
  }
  const durations = used.map((u) => u.w.b - u.w.a);
  const totalMs = durations.reduce((s, x) => s + x, 0);
  const tokens = used.reduce((s, u) => s + u.w.tokens, 0);
  const medianWindowMs = median(durations);
  const res = ctx.resolutionMs;
  const perRequest = res !== null && medianWindowMs !== null && medianWindowMs >= RESOLVE_STEPS * res;
  const resolved = res !== null && used.length > 0 && totalMs >= RESOLVE_STEPS * res;
  const src = ctx.energy.sourceClass;
  const uncertainty: UncertaintyClass = !resolved ? 'unresolved' : perRequest ? src : worst(src, 'coarse');
  const grossJ = resolved ? used.reduce((s, u) => s + u.grossJ, 0) : null;
  const netJ = grossJ !== null && ctx.baselineW !== null ? grossJ - ctx.baselineW * (totalMs / 1000) : null;
  const byDomainGrossJ: Record<string, number> = {};
  if (resolved) ctx.domains.forEach((d, i) => (byDomainGrossJ[d] = used.reduce((s, u) => s + u.byDomain[i]!, 0)));
  let perReq: EnergyPhase['perRequest'] = null;
  if (perRequest && resolved && used.every((u) => u.w.tokens > 0)) {
    const basis = ctx.baselineW !== null ? 'net' : 'gross';
    const samples = used.map((u) => (u.grossJ - (basis === 'net' ? ctx.baselineW! * ((u.w.b - u.w.a) / 1000) : 0)) / u.w.tokens);
    const s = summarize(samples, { seed: ctx.seed, ...(ctx.resamples !== undefined && { resamples: ctx.resamples }) });
    perReq = {
      basis,
      samples,
      summary: { n: s.n, median: s.median, mean: s.mean, min: s.min, max: s.max, ci95: { lo: s.ci95.lo, hi: s.ci95.hi } },
    };
  }
  const resText = res === null ? 'unknown' : `${res.toFixed(res < 10 ? 1 : 0)} ms`;
  const notes: string[] = [];
  if (label === 'prefill') notes.push('window t_submit..t_1 includes one decode step');
  if (!resolved)
    notes.push(
      `measured windows total ${totalMs.toFixed(0)} ms, under ${RESOLVE_STEPS} × the source's resolution (${resText}): no figure — run longer (--min-time) or use a finer source`,
    );
  else if (!perRequest)
    notes.push(
      `windows (median ${medianWindowMs!.toFixed(1)} ms) are shorter than ${RESOLVE_STEPS} × the source's resolution (${resText}): pooled over ${used.length} requests; energy inside one sample step is split by time, so this phase's avg W is not measured apart from its neighbours`,
    );
  if (used.length < ws.length)
    notes.push(`${ws.length - used.length} of ${ws.length} windows left out: samples covered < ${MIN_COVERAGE * 100} % of them`);
  return {
    windows: ws.length,
    windowsUsed: used.length,
    totalWindowMs: totalMs,
    medianWindowMs,
    tokens,
    grossJ,
    netJ,
    avgGrossW: grossJ === null ? null : perOrNull(grossJ, totalMs / 1000),
    avgNetW: netJ === null ? null : perOrNull(netJ, totalMs / 1000),
    joulesPerTokenGross: grossJ === null ? null : perOrNull(grossJ, tokens),
    joulesPerTokenNet: netJ === null ? null : perOrNull(netJ, tokens),
    tokensPerJouleGross: grossJ === null ? null : perOrNull(tokens, grossJ),
    tokensPerJouleNet: netJ === null || netJ <= 0 ? null : perOrNull(tokens, netJ),
    aggregation: perRequest ? 'per-request' : 'widened',
    uncertainty,
    byDomainGrossJ,
    perRequest: perReq,
    ...(notes.length ? { note: notes.join('; ') } : {}),
  };
}

export function analyzeCellEnergy(
  cell: CellResult,
  measured: RequestTrace[],
  opts: { seed: number; resamples?: number },
): EnergySummary | undefined {
  const e = cell.energy;
  if (!e) return undefined;
  const domains = e.trace?.domains ?? e.baseline?.trace?.domains ?? [];
  const headline = e.headlineDomains.map((d) => domains.indexOf(d)).filter((i) => i >= 0);
  const base = e.baseline?.trace ? meanWatts(e.baseline.trace) : null;
  const baselineByDomainW: Record<string, number> = {};
  if (base) e.baseline!.trace!.domains.forEach((d, i) => (baselineByDomainW[d] = base.watts[i]!));
  const baselineW = base ? headline.reduce((s, i) => s + (base.watts[i] ?? 0), 0) : null;
  const seg = e.trace ? toSegments(e.trace) : { segments: [], gaps: 0, medianStepMs: null };
  const resolutionMs = seg.medianStepMs === null ? null : Math.max(seg.medianStepMs, e.resolutionFloorMs);
  const ctx: Ctx = {
    segments: seg.segments,
    domains,
    headline,
    baselineW,
    resolutionMs,
    energy: e,
    seed: opts.seed,
    ...(opts.resamples !== undefined && { resamples: opts.resamples }),
  };
  const ok = cell.status === 'ok' && e.trace !== null && headline.length > 0;
  const prefill = ok ? phaseSummary(windows(measured, 'prefill', cell.key.shape.promptTokens > 0), ctx, 'prefill') : null;
  const decode = ok ? phaseSummary(windows(measured, 'decode', true), ctx, 'decode') : null;
  // the class of the figures that exist (a phase without a figure is 'unresolved' on its own)
  const classes = [prefill, decode].filter((p): p is EnergyPhase => p !== null && p.uncertainty !== 'unresolved').map((p) => p.uncertainty);
  return {
    status: e.status,
    ...(e.reason !== undefined && { reason: e.reason }),
    source: e.source,
    method: e.method,
    domains,
    headlineDomains: e.headlineDomains,
    sampleIntervalMs: e.sampleIntervalMs,
    resolutionMs,
    uncertainty: classes.length ? worst(...classes) : 'unresolved',
    assumptions: e.assumptions,
    detail: e.detail,
    baselineW,
    baselineByDomainW,
    ...(e.baseline?.reason !== undefined && { baselineNote: e.baseline.reason }),
    kind: e.trace?.kind ?? null,
    gaps: seg.gaps,
    prefill,
    decode,
    conditions: e.conditions,
  };
}

/** Why two cells' energy figures are not directly comparable, or null when they are. */
export function energyComparability(a: EnergySummary, b: EnergySummary): string | null {
  const label = (s: EnergySummary) => `${s.source} (${s.method}; ${s.headlineDomains.join('+') || 'no domains'})`;
  if (a.source === b.source && a.method === b.method && a.headlineDomains.join() === b.headlineDomains.join()) return null;
  return `energy figures come from different sources — ${label(a)} vs ${label(b)} — and measure different parts of the device: not directly comparable`;
}

export { energyWarnings } from './energy-warnings.ts';

/** How a cell's energy figures were obtained, when it has any. */
export function energySourceOf(c: Pick<CellSummary, 'energy'>): 'measured' | 'estimated' | null {
  if (!c.energy || c.energy.status !== 'ok') return null;
  return c.energy.method;
}
