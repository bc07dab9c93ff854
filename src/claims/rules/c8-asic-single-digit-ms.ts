/** C8: inference ASICs reach single-digit-millisecond latency. */
import { sizeClass } from '../../references/local.ts';
import { checkFigure, figuresFor, fmt, refEvidence } from '../evidence.ts';
import { best } from '../latency-tiers.ts';
import type { Check, ClaimResult, ClaimRule, ReferenceEvidence } from '../types.ts';

const VENDOR = new Set(['vendor-claim', 'vendor-spec', 'vendor-measured']);
const ASIC = /groq|cerebras|sambanova|\btpu|inferentia|\blpu\b|\brdu\b|wse-\d/i;
const TPOT_METRICS: Record<string, ((x: number) => number) | null> = {
  output_tokens_per_s_per_user: (x) => 1000 / x,
  decode_tokens_per_s: (x) => 1000 / x,
  decode_ms_per_token: null,
  itl_ms: null,
  itl_ms_median: null,
};

export const c8: ClaimRule = {
  id: 'C8',
  claim: 'Inference ASICs reach single-digit-millisecond latency.',
  evaluate(input) {
    const t = input.config.C8;
    const refs: ReferenceEvidence[] = [];
    const ttft: (Check | null)[] = [];
    const tpot: (Check | null)[] = [];
    const figs = figuresFor(input.figures, 'asic_single_digit_ms', (f) => ASIC.test(f.system) && f.category === 'asic');
    for (const f of figs) {
      if (f.metric === 'ttft_ms') {
        const r = checkFigure(f, 'lt', t.maxLatencyMs);
        const e = refEvidence(f, { used: r ? fmt(r.used, 'ms TTFT') : null, check: r?.check ?? null });
        refs.push(e);
        if (e.role === 'decisive') ttft.push(e.check);
      } else if (f.metric in TPOT_METRICS) {
        const conv = TPOT_METRICS[f.metric];
        const r = conv ? checkFigure(f, 'lt', t.maxLatencyMs, conv) : checkFigure(f, 'lt', t.maxLatencyMs);
        const e = refEvidence(f, {
          used: r ? fmt(r.used, 'ms per output token') : null,
          check: r?.check ?? null,
          note: conv ? 'per-token time derived as 1000 / (tok/s)' : null,
        });
        refs.push(e);
        if (e.role === 'decisive') tpot.push(e.check);
      } else {
        refs.push(
          refEvidence(f, {
            role: 'context',
            note: f.metric.includes('incl_input')
              ? 'averages input and output tokens: not a per-output-token latency'
              : `metric ${f.metric} is not a latency`,
          }),
        );
      }
    }
    // vendor claims never decide alone: without one independent figure the verdict is not established
    const decisive = refs.filter((r) => r.role === 'decisive');
    const vendorOnly = decisive.length > 0 && decisive.every((r) => VENDOR.has(r.evidence_kind));
    const bt = vendorOnly ? null : best(ttft);
    const bp = vendorOnly ? null : best(tpot);
    const verdict: ClaimResult['verdict'] =
      bt === 'pass' && bp === 'pass'
        ? 'supported'
        : bp === 'pass'
          ? 'partly supported'
          : bt === null && bp === null
            ? 'not established'
            : 'not supported';
    const kinds = [...new Set(decisive.map((r) => r.evidence_kind))].join(', ');
    const small = figs.some((f) => sizeClass(f.model_params_b) === '7-8B');
    return {
      id: 'C8',
      claim: this.claim,
      verdict,
      summary:
        `Per-output-token time < ${t.maxLatencyMs} ms: ${bp ?? 'no data'}; TTFT < ${t.maxLatencyMs} ms: ${bt === null ? 'no confirmed ASIC TTFT figure' : bt}.` +
        (small ? ' Fastest per-token times are for 8B models.' : '') +
        (vendorOnly
          ? ` Every figure that could decide is a vendor figure (${kinds}): not established until an independent measurement exists.`
          : ''),
      basis: vendorOnly ? 'none' : ttft.length + tpot.length ? 'published figures' : 'none',
      decidedBy: vendorOnly
        ? `nothing: only vendor figures (${kinds}); a vendor claim never decides alone`
        : ttft.length + tpot.length
          ? `published ASIC figures (${kinds})`
          : 'nothing: no confirmed ASIC latency figure',
      decideCommand: null,
      evidence: { local: [], references: refs },
      rule: `supported if confirmed ASIC figures show both TTFT and per-output-token time < ${t.maxLatencyMs} ms; partly supported if only the per-token time is single-digit; per-token time derived from output tok/s as 1000 / x.`,
      thresholds: { ...t },
      missing: [
        ...(vendorOnly ? ['an independent measurement (e.g. Artificial Analysis) of ASIC TTFT and per-token time'] : []),
        ...(bt === null && !vendorOnly ? ['a confirmed published TTFT for an inference ASIC'] : []),
      ],
    };
  },
};
