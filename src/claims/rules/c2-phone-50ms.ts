/** C2: current flagship phones run language models with latency under 50 ms. */
import { basisOf, describeTiers, evaluateLatencyTiers, latencyVerdict } from '../latency-tiers.ts';
import type { ClaimRule } from '../types.ts';

export const c2: ClaimRule = {
  id: 'C2',
  claim: 'Current flagship phones run language models with latency under 50 ms.',
  evaluate(input) {
    const t = input.config.C2;
    const r = evaluateLatencyTiers(input, {
      claimKey: 'phone_sub50ms',
      deviceClasses: ['phone'],
      ttftMaxMs: t.ttftMaxMs,
      tpotMaxMs: t.tpotMaxMs,
      maxPromptTokens: t.maxPromptTokens,
      localIneligible: (c) => (c.deviceClass === 'phone' ? null : `measured on a ${c.deviceClass} device, not a phone`),
      howToMeasure: (preset) => `run ${preset} with the browser runner in a phone's browser (falling back to published phone figures)`,
    });
    return {
      id: 'C2',
      claim: this.claim,
      verdict: latencyVerdict(r.tiers),
      summary: describeTiers(r.tiers, t.ttftMaxMs, t.tpotMaxMs),
      basis: basisOf(r.tiers),
      evidence: { local: r.local, references: r.refs },
      rule:
        `per model size (7–8B, 3B, 1B): supported if a 7–8B model has TTFT ≤ ${t.ttftMaxMs} ms for a ≤ ${t.maxPromptTokens}-token prompt on a phone; ` +
        `partly supported if only TPOT ≤ ${t.tpotMaxMs} ms or only smaller models meet it; not established when a CI straddles the threshold or there is no data. ` +
        'Only phone measurements count (this device when it is a phone, else published phone figures, confirmed/corrected only).',
      thresholds: { ...t },
      missing: r.missing,
    };
  },
};
