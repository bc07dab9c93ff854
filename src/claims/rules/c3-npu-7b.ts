/** C3: phone and laptop NPUs already run 7B-class models locally (≥ 5 tok/s, reading speed). */
import { dtypePrecision, paramsB, sizeClass } from '../../references/local.ts';
import type { Figure } from '../../references/schema.ts';
import { formatNumber } from '../../references/value.ts';
import { spreadOf } from '../../edge-cloud/cloud-side.ts';
import { checkFigure, checkInterval, checkLocal, figuresFor, fmt, isNpuEp, isNpuFigure, localEvidence, refEvidence } from '../evidence.ts';
import { best } from '../latency-tiers.ts';
import type { Check, ClaimResult, ClaimRule, LocalEvidence, ReferenceEvidence } from '../types.ts';
import { ineligible } from '../device-eligibility.ts';

const VENDOR = new Set(['vendor-claim', 'vendor-spec', 'vendor-measured']);

export const c3: ClaimRule = {
  id: 'C3',
  claim: 'Phone and laptop NPUs already run 7B-class models locally.',
  evaluate(input) {
    const t = input.config.C3;
    const local: LocalEvidence[] = [];
    const refs: ReferenceEvidence[] = [];
    const checks: Record<'phone' | 'laptop', (Check | null)[]> = { phone: [], laptop: [] };
    const published: Record<'phone' | 'laptop', { f: Figure; v: number }[]> = { phone: [], laptop: [] };
    const fromLocal = { phone: false, laptop: false };
    const missing: string[] = [];
    const big = input.cells.filter((c) => c.status === 'ok' && sizeClass(paramsB(c)) === '7-8B');
    for (const c of big) {
      const side = c.deviceClass === 'phone' ? 'phone' : 'laptop';
      const why =
        (ineligible(c, ['phone', 'laptop'], 'a phone or laptop') ?? dtypePrecision(c.dtype) !== '4-bit')
          ? `dtype ${c.dtype} is not 4-bit`
          : t.requireNpu && !isNpuEp(c.ep)
            ? `ran on ${c.ep}, not an NPU`
            : null;
      const chk = why ? null : checkLocal(c, 'decodeTokensPerS', 'ge', t.minDecodeTokensPerS);
      const e = localEvidence(c, 'decodeTokensPerS', chk, why ? 'context' : 'decisive', why);
      if (e) local.push(e);
      if (chk) {
        checks[side].push(chk);
        fromLocal[side] = true;
      }
    }
    if (big.length === 0) missing.push('no 7–8B measurement on this device: run `edgebench run --model llama-3.1-8b --dtype q4`');
    else if (!fromLocal.laptop && !fromLocal.phone)
      missing.push('no 4-bit 7–8B run on an NPU execution provider on this device (context only)');
    const figs = figuresFor(
      input.figures,
      'npu_7b_local',
      (f) => f.metric === 'decode_tokens_per_s' && sizeClass(f.model_params_b) === '7-8B',
    );
    for (const f of figs) {
      const side = f.device_class === 'phone' ? 'phone' : f.device_class === 'laptop' ? 'laptop' : null;
      const why = !isNpuFigure(f)
        ? 'not an NPU'
        : side === null
          ? `device class ${f.device_class}`
          : f.conditions.precision !== '4-bit'
            ? `precision ${f.conditions.precision}`
            : null;
      const r = checkFigure(f, 'ge', t.minDecodeTokensPerS);
      const e = refEvidence(f, {
        used: r ? fmt(r.used, 'tok/s') : null,
        check: why ? null : (r?.check ?? null),
        role: why ? 'context' : 'decisive',
        note: why ?? 'one figure of the group: the median decides',
      });
      refs.push(e);
      if (e.role === 'decisive' && side && r) published[side].push({ f, v: r.used });
    }
    // this device decides its side; otherwise the published group's median, never vendor figures alone
    const gaps: string[] = [];
    const sideOutcome = (s: 'phone' | 'laptop'): Check | null => {
      if (fromLocal[s]) return best(checks[s]);
      const g = spreadOf(published[s]);
      if (!g) return null;
      if (published[s].every((x) => VENDOR.has(x.f.evidence_kind))) {
        gaps.push(`${s}: only vendor figures (median ${formatNumber(g.median)} tok/s of ${g.n}) — a vendor claim never decides alone`);
        return null;
      }
      gaps.push(`${s}: published median ${formatNumber(g.median)} tok/s of ${g.n} (${formatNumber(g.lo)}–${formatNumber(g.hi)})`);
      return checkInterval(g.median, g.median, 'ge', t.minDecodeTokensPerS);
    };
    const phone = sideOutcome('phone');
    const laptop = sideOutcome('laptop');
    const verdict: ClaimResult['verdict'] =
      phone === 'pass' && laptop === 'pass'
        ? 'supported'
        : phone === 'pass' || laptop === 'pass'
          ? 'partly supported'
          : phone === null && laptop === null
            ? 'not established'
            : [phone, laptop].includes('inconclusive')
              ? 'not established'
              : 'not supported';
    const word = (c: Check | null) => c ?? 'no data';
    const localUsed = fromLocal.phone || fromLocal.laptop;
    const pubUsed = (!fromLocal.phone && phone !== null) || (!fromLocal.laptop && laptop !== null);
    return {
      id: 'C3',
      claim: this.claim,
      verdict,
      summary: `7–8B 4-bit decode ≥ ${t.minDecodeTokensPerS} tok/s on an NPU — phone: ${word(phone)}; laptop: ${word(laptop)}.${gaps.length ? ` ${gaps.join('; ')}.` : ''}`,
      basis:
        localUsed && pubUsed
          ? 'local measurements and published figures'
          : localUsed
            ? 'local measurements'
            : pubUsed
              ? 'published figures'
              : 'none',
      decidedBy: localUsed
        ? `this device (${fromLocal.phone ? 'phone' : 'laptop'} NPU)${pubUsed ? ' and published NPU figures' : ''}`
        : pubUsed
          ? 'published NPU figures (confirmed/corrected, 4-bit 7–8B)'
          : `nothing: ${gaps.length ? gaps.join('; ') : 'no NPU figure for a 4-bit 7–8B model'}`,
      decideCommand: localUsed
        ? null
        : 'edgebench run --model llama-3.1-8b --dtype q4 --ep qnn   # on a laptop/phone with an NPU execution provider',
      evidence: { local, references: refs },
      rule:
        `supported if a 7–8B 4-bit model decodes at ≥ ${t.minDecodeTokensPerS} tok/s (whole CI) on both a phone NPU and a laptop NPU; partly supported if only one of them; ` +
        `local runs count when their execution provider is an NPU${t.requireNpu ? '' : ' (requireNpu=false: any execution provider counts)'}; published figures must be confirmed/corrected NPU figures.`,
      thresholds: { ...t },
      missing,
    };
  },
};
