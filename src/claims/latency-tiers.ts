/**
 * Per model size tier (7–8B, 3B, 1B), judge TTFT for a short prompt and TPOT for the latency
 * claims (C1 laptop ≤ 40 ms, C2 phone < 50 ms). This device decides a tier it measured when its
 * class matches the claim's; otherwise published figures of that class decide as a group (their
 * median, the spread shown), and only when the group holds more than vendor claims.
 */
import { paramsB, sizeClass, type SizeClass } from '../references/local.ts';
import type { ClaimKey, DeviceClass, Figure } from '../references/schema.ts';
import { formatNumber } from '../references/value.ts';
import type { DeviceClassName } from '../edge-cloud/device-class.ts';
import { spreadOf, type Spread } from '../edge-cloud/cloud-side.ts';
import { ineligible } from './device-eligibility.ts';
import { checkFigure, checkInterval, checkLocal, fmt, localEvidence, refEvidence } from './evidence.ts';
import type { Check, ClaimInput, ClaimResult, LocalEvidence, ReferenceEvidence, Verdict } from './types.ts';

export const TIERS: { size: SizeClass; preset: string }[] = [
  { size: '7-8B', preset: 'llama-3.1-8b' },
  { size: '3B', preset: 'llama-3.2-3b' },
  { size: '1B', preset: 'llama-3.2-1b' },
];

export interface LatencyOpts {
  claimKey: ClaimKey;
  /** local classes that may decide, and the published device class that matches them */
  localClasses: DeviceClassName[];
  figureClass: DeviceClass;
  /** 'a laptop', 'a phone' */
  what: string;
  ttftMaxMs: number;
  tpotMaxMs: number;
  maxPromptTokens: number;
  /** C1's "~$1,200 laptop": published figures count only with a known price ≤ this; this device's known price too */
  maxDevicePriceUsd: number | null;
}

export interface TierOutcome {
  size: SizeClass;
  source: 'local' | 'published' | 'none';
  ttft: Check | null;
  tpot: Check | null;
  /** group medians when published figures decided */
  groups: { ttft: Spread | null; tpot: Spread | null };
  /** why published figures did not decide (only vendor claims, no price, …) */
  gap: string | null;
}

/** pass if any passes; else inconclusive if any is; else fail if any fails; else null (configurations of one device) */
export function best(checks: readonly (Check | null)[]): Check | null {
  for (const c of ['pass', 'inconclusive', 'fail'] as const) if (checks.includes(c)) return c;
  return null;
}

const VENDOR = new Set(['vendor-claim', 'vendor-spec', 'vendor-measured']);
const ms = (x: number) => 1000 / x;

function figureWhy(f: Figure, o: LatencyOpts): string | null {
  if (o.maxDevicePriceUsd !== null) return `device price not known (the claim counts only laptops known to cost ≤ $${o.maxDevicePriceUsd})`;
  if (f.metric === 'ttft_ms' && (f.conditions.prompt_tokens === null || f.conditions.prompt_tokens > o.maxPromptTokens)) {
    return `prompt ${f.conditions.prompt_tokens === null ? 'length not stated' : `${f.conditions.prompt_tokens} tokens`} (rule needs ≤ ${o.maxPromptTokens})`;
  }
  return null;
}

function groupCheck(
  items: { f: Figure; v: number }[],
  threshold: number,
): { spread: Spread | null; check: Check | null; vendorOnly: boolean } {
  const spread = spreadOf(items);
  if (!spread) return { spread, check: null, vendorOnly: false };
  const vendorOnly = items.every((x) => VENDOR.has(x.f.evidence_kind));
  return { spread, check: vendorOnly ? null : checkInterval(spread.median, spread.median, 'le', threshold), vendorOnly };
}

function publishedTier(figs: Figure[], o: LatencyOpts, refs: ReferenceEvidence[]): Omit<TierOutcome, 'size' | 'source'> {
  const ttft: { f: Figure; v: number }[] = [];
  const tpot: { f: Figure; v: number }[] = [];
  for (const f of figs) {
    const isTtft = f.metric === 'ttft_ms';
    const isTpot = f.metric === 'decode_tokens_per_s' || f.metric === 'decode_ms_per_token';
    if (!isTtft && !isTpot) continue;
    const why = figureWhy(f, o);
    const r = isTtft
      ? checkFigure(f, 'le', o.ttftMaxMs)
      : f.metric === 'decode_ms_per_token'
        ? checkFigure(f, 'le', o.tpotMaxMs)
        : checkFigure(f, 'le', o.tpotMaxMs, ms);
    const derived = f.metric === 'decode_tokens_per_s' ? 'TPOT derived as 1000 / (tok/s)' : null;
    const e = refEvidence(f, {
      used: r ? fmt(r.used, isTtft ? 'ms TTFT' : 'ms TPOT') : null,
      check: why ? null : (r?.check ?? null),
      role: why ? 'context' : 'decisive',
      note: [why, derived, why ? null : 'one figure of the group: the median decides'].filter(Boolean).join('; ') || null,
    });
    refs.push(e);
    if (e.role === 'decisive' && r) (isTtft ? ttft : tpot).push({ f, v: r.used });
  }
  const t = groupCheck(ttft, o.ttftMaxMs);
  const p = groupCheck(tpot, o.tpotMaxMs);
  const gap = t.vendorOnly || p.vendorOnly ? 'only vendor figures: a vendor claim never decides alone' : null;
  return { ttft: t.check, tpot: p.check, groups: { ttft: t.spread, tpot: p.spread }, gap };
}

export function evaluateLatencyTiers(
  input: ClaimInput,
  o: LatencyOpts,
): { tiers: TierOutcome[]; local: LocalEvidence[]; refs: ReferenceEvidence[]; missing: string[] } {
  const local: LocalEvidence[] = [];
  const refs: ReferenceEvidence[] = [];
  const missing: string[] = [];
  const tiers: TierOutcome[] = [];
  for (const { size, preset } of TIERS) {
    const cells = input.cells.filter((c) => c.status === 'ok' && sizeClass(paramsB(c)) === size);
    const ttft: (Check | null)[] = [];
    const tpot: (Check | null)[] = [];
    for (const c of cells) {
      const dear =
        o.maxDevicePriceUsd !== null && c.devicePriceUsd !== null && c.devicePriceUsd > o.maxDevicePriceUsd
          ? `this device cost $${c.devicePriceUsd}, above the claim's ≤ $${o.maxDevicePriceUsd}`
          : null;
      const why = ineligible(c, o.localClasses, o.what) ?? dear;
      if (why) {
        for (const m of ['ttftMs', 'tpotMs'] as const) {
          const e = localEvidence(c, m, null, 'context', why);
          if (e) local.push(e);
        }
        continue;
      }
      const shortPrompt = c.shape.promptTokens >= 1 && c.shape.promptTokens <= o.maxPromptTokens;
      const t = shortPrompt ? checkLocal(c, 'ttftMs', 'le', o.ttftMaxMs) : null;
      const e1 = localEvidence(
        c,
        'ttftMs',
        t,
        shortPrompt ? 'decisive' : 'context',
        shortPrompt ? null : `prompt ${c.shape.promptTokens} tokens (rule needs 1–${o.maxPromptTokens})`,
      );
      if (e1) local.push(e1);
      if (t) ttft.push(t);
      const p = checkLocal(c, 'tpotMs', 'le', o.tpotMaxMs);
      const e2 = localEvidence(c, 'tpotMs', p, 'decisive');
      if (e2) local.push(e2);
      if (p) tpot.push(p);
    }
    if (ttft.length || tpot.length) {
      tiers.push({ size, source: 'local', ttft: best(ttft), tpot: best(tpot), groups: { ttft: null, tpot: null }, gap: null });
      continue;
    }
    missing.push(
      `no ${size} measurement on ${o.what}: \`edgebench run --model ${preset} --shape pp${o.maxPromptTokens},tg128\` there would decide it (published ${o.figureClass} figures stand in)`,
    );
    const figs = input.figures.filter(
      (f) =>
        f.category === 'edge' &&
        (f.device_class === o.figureClass || (f.bears_on.includes(o.claimKey) && f.device_class === 'unknown')) &&
        sizeClass(f.model_params_b) === size &&
        f.conditions.batch === 'single',
    );
    const pub = publishedTier(figs, o, refs);
    tiers.push({ size, source: pub.ttft || pub.tpot ? 'published' : 'none', ...pub });
  }
  return { tiers, local, refs, missing };
}

export function latencyVerdict(tiers: readonly TierOutcome[]): Verdict {
  const [target, ...smaller] = tiers;
  if (!target) return 'not established';
  if (target.ttft === 'pass') return 'supported';
  if (target.tpot === 'pass' || smaller.some((t) => t.ttft === 'pass')) return 'partly supported';
  const all = [target.ttft, target.tpot, ...smaller.map((t) => t.ttft)];
  if (all.includes('inconclusive') || all.every((c) => c === null)) return 'not established';
  return 'not supported';
}

export function describeTiers(tiers: readonly TierOutcome[], ttftMax: number, tpotMax: number): string {
  const word = (c: Check | null, g: Spread | null = null) =>
    c === null ? (g ? 'not decided' : 'no data') : c === 'inconclusive' ? 'CI straddles the threshold' : c;
  const grp = (s: Spread | null) =>
    s ? ` (median ${formatNumber(s.median)} ms of ${s.n}, ${formatNumber(s.lo)}–${formatNumber(s.hi)})` : '';
  return tiers
    .map((t) => {
      const src = t.source === 'local' ? 'this device' : t.source === 'published' ? 'published' : 'no data';
      return `${t.size} (${src}): TTFT ≤ ${ttftMax} ms ${word(t.ttft, t.groups.ttft)}${grp(t.groups.ttft)}, TPOT ≤ ${tpotMax} ms ${word(t.tpot, t.groups.tpot)}${grp(t.groups.tpot)}${t.gap ? ` — ${t.gap}` : ''}`;
    })
    .join('; ');
}

export function basisOf(tiers: readonly TierOutcome[]): ClaimResult['basis'] {
  const l = tiers.some((t) => t.source === 'local');
  const p = tiers.some((t) => t.source === 'published');
  return l && p ? 'local measurements and published figures' : l ? 'local measurements' : p ? 'published figures' : 'none';
}

export function decidedByOf(tiers: readonly TierOutcome[], what: string): string {
  const l = tiers.filter((t) => t.source === 'local').map((t) => t.size);
  const p = tiers.filter((t) => t.source === 'published').map((t) => t.size);
  const parts = [
    ...(l.length ? [`this device (${l.join(', ')})`] : []),
    ...(p.length ? [`published ${what} figures as a group (${p.join(', ')})`] : []),
  ];
  return parts.join('; ') || `nothing: no measurement on ${what} and no published group that decides`;
}
