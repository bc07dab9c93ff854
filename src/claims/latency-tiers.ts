/**
 * Shared rule for the latency claims (C1 laptop ≤ 40 ms, C2 phone < 50 ms): per model size tier
 * (7–8B, 3B, 1B) judge TTFT for a short prompt and TPOT, from this device's measurements when the
 * run has that size, else from published edge figures (labelled as such).
 */
import { paramsB, sizeClass, type LocalCell, type SizeClass } from '../references/local.ts';
import type { ClaimKey, DeviceClass, Figure } from '../references/schema.ts';
import { checkFigure, checkLocal, fmt, localEvidence, refEvidence } from './evidence.ts';
import type { Check, ClaimInput, ClaimResult, LocalEvidence, ReferenceEvidence, Verdict } from './types.ts';

export const TIERS: { size: SizeClass; preset: string }[] = [
  { size: '7-8B', preset: 'llama-3.1-8b' },
  { size: '3B', preset: 'llama-3.2-3b' },
  { size: '1B', preset: 'llama-3.2-1b' },
];

export interface LatencyOpts {
  claimKey: ClaimKey;
  deviceClasses: DeviceClass[];
  ttftMaxMs: number;
  tpotMaxMs: number;
  maxPromptTokens: number;
  /** null when this device's cells count; otherwise why they are context only */
  localIneligible: (cell: LocalCell) => string | null;
  /** what to run when a size is missing locally */
  howToMeasure: (preset: string) => string;
}

export interface TierOutcome {
  size: SizeClass;
  source: 'local' | 'published' | 'none';
  ttft: Check | null;
  tpot: Check | null;
}

/** pass if any passes; else inconclusive if any is; else fail if any fails; else null */
export function best(checks: readonly (Check | null)[]): Check | null {
  for (const c of ['pass', 'inconclusive', 'fail'] as const) if (checks.includes(c)) return c;
  return null;
}

const ms = (x: number) => 1000 / x;

function publishedTier(figs: Figure[], o: LatencyOpts, refs: ReferenceEvidence[]): { ttft: Check | null; tpot: Check | null } {
  const ttft: (Check | null)[] = [];
  const tpot: (Check | null)[] = [];
  for (const f of figs) {
    const p = f.conditions.prompt_tokens;
    if (f.metric === 'ttft_ms') {
      if (p === null || p > o.maxPromptTokens) {
        refs.push(refEvidence(f, { role: 'context', note: `prompt ${p === null ? 'length not stated' : `${p} tokens`} (rule needs ≤ ${o.maxPromptTokens})` }));
        continue;
      }
      const r = checkFigure(f, 'le', o.ttftMaxMs);
      const e = refEvidence(f, { used: r ? fmt(r.used, 'ms TTFT') : null, check: r?.check ?? null });
      refs.push(e);
      if (e.role === 'decisive') ttft.push(e.check);
    } else if (f.metric === 'decode_tokens_per_s' || f.metric === 'decode_ms_per_token') {
      const r = f.metric === 'decode_ms_per_token' ? checkFigure(f, 'le', o.tpotMaxMs) : checkFigure(f, 'le', o.tpotMaxMs, ms);
      const derived = f.metric === 'decode_tokens_per_s' ? 'TPOT derived as 1000 / (tok/s)' : null;
      const e = refEvidence(f, { used: r ? fmt(r.used, 'ms TPOT') : null, check: r?.check ?? null, note: derived });
      refs.push(e);
      if (e.role === 'decisive') tpot.push(e.check);
    }
  }
  return { ttft: best(ttft), tpot: best(tpot) };
}

export function evaluateLatencyTiers(input: ClaimInput, o: LatencyOpts): {
  tiers: TierOutcome[];
  local: LocalEvidence[];
  refs: ReferenceEvidence[];
  missing: string[];
} {
  const local: LocalEvidence[] = [];
  const refs: ReferenceEvidence[] = [];
  const missing: string[] = [];
  const tiers: TierOutcome[] = [];
  for (const { size, preset } of TIERS) {
    const cells = input.cells.filter((c) => c.status === 'ok' && sizeClass(paramsB(c)) === size);
    const ttft: (Check | null)[] = [];
    const tpot: (Check | null)[] = [];
    for (const c of cells) {
      const why = o.localIneligible(c);
      const shortPrompt = c.shape.promptTokens >= 1 && c.shape.promptTokens <= o.maxPromptTokens;
      if (why) {
        for (const m of ['ttftMs', 'tpotMs'] as const) {
          const e = localEvidence(c, m, null, 'context', why);
          if (e) local.push(e);
        }
        continue;
      }
      const t = shortPrompt ? checkLocal(c, 'ttftMs', 'le', o.ttftMaxMs) : null;
      const e1 = localEvidence(c, 'ttftMs', t, shortPrompt ? 'decisive' : 'context', shortPrompt ? null : `prompt ${c.shape.promptTokens} tokens (rule needs 1–${o.maxPromptTokens})`);
      if (e1) local.push(e1);
      if (t) ttft.push(t);
      const p = checkLocal(c, 'tpotMs', 'le', o.tpotMaxMs);
      const e2 = localEvidence(c, 'tpotMs', p, 'decisive');
      if (e2) local.push(e2);
      if (p) tpot.push(p);
    }
    if (ttft.length || tpot.length) {
      tiers.push({ size, source: 'local', ttft: best(ttft), tpot: best(tpot) });
      continue;
    }
    missing.push(`no ${size} measurement on this device: ${o.howToMeasure(preset)}`);
    // published edge figures of the right device class (the compilers' bears_on tags are not needed:
    // e.g. laptop TTFTs tagged only for the phone claim still describe laptops)
    const figs = input.figures.filter(
      (f) =>
        f.category === 'edge' &&
        (o.deviceClasses.includes(f.device_class) || (f.bears_on.includes(o.claimKey) && f.device_class === 'unknown')) &&
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
  const word = (c: Check | null) => (c === null ? 'no data' : c === 'inconclusive' ? 'CI straddles the threshold' : c);
  return tiers
    .map((t) => `${t.size} (${t.source === 'none' ? 'no data' : t.source}): TTFT ≤ ${ttftMax} ms ${word(t.ttft)}, TPOT ≤ ${tpotMax} ms ${word(t.tpot)}`)
    .join('; ');
}

export function basisOf(tiers: readonly TierOutcome[]): ClaimResult['basis'] {
  const l = tiers.some((t) => t.source === 'local');
  const p = tiers.some((t) => t.source === 'published');
  return l && p ? 'local measurements and published figures' : l ? 'local measurements' : p ? 'published figures' : 'none';
}
