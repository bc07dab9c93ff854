/** C1: a ~$1,200 gaming laptop runs Llama-3 locally and answers in about 40 ms. */
import { basisOf, describeTiers, evaluateLatencyTiers, latencyVerdict } from '../latency-tiers.ts';
import type { ClaimRule } from '../types.ts';

export const c1: ClaimRule = {
  id: 'C1',
  claim: 'A ~$1,200 gaming laptop runs Llama-3 locally and answers in about 40 ms.',
  evaluate(input) {
    const t = input.config.C1;
    const r = evaluateLatencyTiers(input, {
      claimKey: 'laptop_llama3_40ms',
      deviceClasses: ['laptop'],
      ttftMaxMs: t.ttftMaxMs,
      tpotMaxMs: t.tpotMaxMs,
      maxPromptTokens: t.maxPromptTokens,
      localIneligible: (c) => (c.deviceClass === 'phone' ? 'measured on a phone, not a laptop' : null),
      howToMeasure: (preset) => `run \`edgebench run --model ${preset}\` (falling back to published laptop figures)`,
    });
    return {
      id: 'C1',
      claim: this.claim,
      verdict: latencyVerdict(r.tiers),
      summary: describeTiers(r.tiers, t.ttftMaxMs, t.tpotMaxMs),
      basis: basisOf(r.tiers),
      evidence: { local: r.local, references: r.refs },
      rule:
        `supported if TTFT ≤ ${t.ttftMaxMs} ms for a ≤ ${t.maxPromptTokens}-token prompt on a 7–8B (Llama-3.1-8B-shaped) model, whole 95 % CI below the threshold; ` +
        `partly supported if only TPOT ≤ ${t.tpotMaxMs} ms or only smaller models (3B, 1B) meet the TTFT threshold; ` +
        'not established when a CI straddles the threshold or there is no data. This device counts as a laptop unless it is a phone; sizes it did not run fall back to published laptop figures (confirmed/corrected only).',
      thresholds: { ...t },
      missing: r.missing,
    };
  },
};
