/** C9 and C10 are about quality and economics: a speed benchmark cannot test them. */
import type { ClaimId, ClaimRule } from '../types.ts';

function notTestable(id: ClaimId, claim: string, why: string): ClaimRule {
  return {
    id,
    claim,
    evaluate() {
      return {
        id,
        claim,
        verdict: 'not testable by benchmark',
        summary: why,
        basis: 'none',
        decidedBy: 'not testable by benchmark',
        decideCommand: null,
        evidence: { local: [], references: [] },
        rule: 'not testable by benchmark (say so)',
        thresholds: {},
        missing: [],
      };
    },
  };
}

export const c9 = notTestable(
  'C9',
  'Distilled 3–8B models cover most (~80 %) enterprise use cases.',
  'This is a claim about output quality across tasks; edgebench measures speed, memory and energy, not answer quality.',
);

export const c10 = notTestable(
  'C10',
  'Returns from scaling diminish; GPU collateral depreciates 50–70 % in 18–24 months.',
  'This is a claim about economics (scaling returns, asset depreciation); no benchmark measurement bears on it.',
);
