/** C4: inference ASICs are 10–100× more energy efficient than GPUs. */
import { sizeClass } from '../../references/local.ts';
import type { Figure } from '../../references/schema.ts';
import { numericValue } from '../../references/value.ts';
import { figuresFor, fmt, refEvidence } from '../evidence.ts';
import type { ClaimRule, ReferenceEvidence } from '../types.ts';

const ASIC = /groq|cerebras|sambanova|\btpu|inferentia|trainium|\blpu\b|\brdu\b|wse-\d/i;
const ENERGY_METRIC = /joule|watt|energy|power|wh_|kwh/;
const INDEPENDENT = new Set(['independent-measured', 'audited-benchmark']);

const isIndependentJPerToken = (f: Figure) =>
  f.metric === 'joules_per_token' && INDEPENDENT.has(f.evidence_kind) && (f.audit === 'confirmed' || f.audit === 'corrected');

export const c4: ClaimRule = {
  id: 'C4',
  claim: 'Inference ASICs (Groq LPU, TPU, Cerebras, SambaNova, phone NPUs) are 10–100× more energy efficient than GPUs for inference.',
  evaluate(input) {
    const t = input.config.C4;
    const energy = figuresFor(input.figures, 'asic_10_100x_efficiency', (f) => ENERGY_METRIC.test(f.metric));
    const asic = energy.filter((f) => ASIC.test(f.system) && !/vs nvidia|nvidia gpu/i.test(f.system));
    const gpu = energy.filter((f) => !ASIC.test(f.system) || /nvidia gpu/i.test(f.system));
    const asicMeasured = asic.filter(isIndependentJPerToken);
    const gpuMeasured = gpu.filter(isIndependentJPerToken);
    const refs: ReferenceEvidence[] = [];
    let best: { ratio: number; asic: Figure; gpu: Figure } | null = null;
    for (const a of asicMeasured) {
      const av = numericValue(a.value);
      for (const g of gpuMeasured) {
        const gv = numericValue(g.value);
        if (!av || !gv || sizeClass(a.model_params_b) !== sizeClass(g.model_params_b) || a.conditions.batch !== g.conditions.batch)
          continue;
        const ratio = gv.value / av.value;
        if (!best || ratio > best.ratio) best = { ratio, asic: a, gpu: g };
      }
    }
    for (const f of asic) {
      const indep = isIndependentJPerToken(f);
      refs.push(
        refEvidence(f, {
          role: indep ? 'decisive' : 'context',
          note: indep ? null : `${f.evidence_kind}: not an independent J/token measurement`,
        }),
      );
    }
    for (const f of gpuMeasured)
      refs.push(
        refEvidence(f, {
          role: best?.gpu === f ? 'decisive' : 'context',
          note: best?.gpu === f ? null : 'GPU J/token (independent); no matched ASIC measurement',
        }),
      );
    const thresholds = { ...t };
    const rule =
      `supported only if independent (independent-measured or audited) J/token measurements of an ASIC and a GPU at matched model size and batch show a GPU/ASIC ratio ≥ ${t.minEfficiencyRatio}×; ` +
      'not supported if such a matched pair shows less; otherwise not established, with the evidence gap named. Vendor claims are context only.';
    if (!best) {
      const claims = asic.filter((f) => !isIndependentJPerToken(f)).map((f) => f.id);
      return {
        id: 'C4',
        claim: this.claim,
        verdict: 'not established',
        summary:
          `No independent J/token measurement exists in the references for Groq, Cerebras, SambaNova or TPUs (${asicMeasured.length} found); ` +
          `only vendor claims or secondary reports (${claims.length}). Independent GPU J/token figures exist (${gpuMeasured.length}, ML.ENERGY: GPU energy only).`,
        basis: 'none',
        decidedBy: 'nothing: only vendor claims or secondary reports for ASIC energy (a vendor claim never decides alone)',
        decideCommand: null,
        evidence: { local: [], references: refs },
        rule,
        thresholds,
        missing: [
          'an independent J/token measurement of an inference ASIC at a stated batch size (none is published for Groq, Cerebras or SambaNova)',
        ],
      };
    }
    return {
      id: 'C4',
      claim: this.claim,
      verdict: best.ratio >= t.minEfficiencyRatio ? 'supported' : 'not supported',
      summary: `Best matched pair: ${best.gpu.system} ${fmt(numericValue(best.gpu.value)?.value ?? NaN, 'J/token')} vs ${best.asic.system} ${fmt(numericValue(best.asic.value)?.value ?? NaN, 'J/token')} = ${fmt(best.ratio, '×')}.`,
      basis: 'published figures',
      decidedBy: `published figures: an independent matched pair (${best.gpu.evidence_kind}, ${best.asic.evidence_kind})`,
      decideCommand: null,
      evidence: { local: [], references: refs },
      rule,
      thresholds,
      missing: [],
    };
  },
};
