/** The plausibility rules, one per file; a cell is IMPLAUSIBLE when any of them gives a reason. */
import { decodeRoofline } from './decode-roofline.ts';
import { prefillCompute } from './prefill-compute.ts';
import type { PlausibilityInput, PlausibilityRule } from './rule.ts';
import { times } from './times.ts';

export const PLAUSIBILITY_RULES: readonly PlausibilityRule[] = [times, decodeRoofline, prefillCompute];

export interface Plausibility {
  verdict: 'ok' | 'IMPLAUSIBLE';
  reasons: { rule: string; reason: string }[];
}

export function screenCell(input: PlausibilityInput): Plausibility {
  const reasons = PLAUSIBILITY_RULES.flatMap((r) => {
    const reason = r.check(input);
    return reason === null ? [] : [{ rule: r.id, reason }];
  });
  return { verdict: reasons.length ? 'IMPLAUSIBLE' : 'ok', reasons };
}
