/**
 * One parameterised rule for the latency claims (C1 laptop, C2 phone): they differ only in the
 * device class, the thresholds and the words. Each claim's file instantiates it.
 */
import type { DeviceClassName } from '../edge-cloud/device-class.ts';
import type { ClaimKey, DeviceClass } from '../references/schema.ts';
import { weightsNote } from './device-eligibility.ts';
import { basisOf, decidedByOf, describeTiers, evaluateLatencyTiers, latencyVerdict } from './latency-tiers.ts';
import type { ClaimId, ClaimRule } from './types.ts';

export interface LatencyClaimSpec {
  id: Extract<ClaimId, 'C1' | 'C2'>;
  claim: string;
  claimKey: ClaimKey;
  localClasses: DeviceClassName[];
  figureClass: DeviceClass;
  /** 'a laptop', 'a phone' */
  what: string;
  /** how this device's run can decide it (the exact command) */
  decideCommand: string;
  /** price bound of the claim's device (C1's ~$1,200 laptop), or null */
  maxDevicePriceUsd: number | null;
}

export function latencyClaim(spec: LatencyClaimSpec): ClaimRule {
  return {
    id: spec.id,
    claim: spec.claim,
    evaluate(input) {
      const t = input.config[spec.id];
      const r = evaluateLatencyTiers(input, {
        ...spec,
        ttftMaxMs: t.ttftMaxMs,
        tpotMaxMs: t.tpotMaxMs,
        maxPromptTokens: t.maxPromptTokens,
      });
      const localAll = r.tiers.every((x) => x.source === 'local');
      return {
        id: spec.id,
        claim: spec.claim,
        verdict: latencyVerdict(r.tiers),
        summary:
          describeTiers(r.tiers, t.ttftMaxMs, t.tpotMaxMs) +
          weightsNote(input.cells.filter((c) => r.local.some((e) => e.cellId === c.id && e.role === 'decisive'))),
        basis: basisOf(r.tiers),
        decidedBy: decidedByOf(r.tiers, spec.figureClass),
        decideCommand: localAll ? null : spec.decideCommand,
        evidence: { local: r.local, references: r.refs },
        rule:
          `per model size (7–8B, 3B, 1B): supported if a 7–8B (Llama-3.1-8B-shaped) model has TTFT ≤ ${t.ttftMaxMs} ms for a ≤ ${t.maxPromptTokens}-token prompt on ${spec.what}, whole 95 % CI below the threshold; ` +
          `partly supported if only TPOT ≤ ${t.tpotMaxMs} ms or only smaller models meet it; not established when a CI straddles the threshold or nothing decides. ` +
          `This device decides the sizes it ran when it is ${spec.what}${spec.maxDevicePriceUsd !== null ? ` (and did not cost more than $${spec.maxDevicePriceUsd} when its price is recorded)` : ''}; a server, VM or CI runner is context. ` +
          `Other sizes: published ${spec.figureClass} figures (confirmed/corrected, single stream) decide as a group by their median, never one figure alone, and never vendor figures alone` +
          (spec.maxDevicePriceUsd !== null ? `; only laptops whose price is known to be ≤ $${spec.maxDevicePriceUsd} count.` : '.'),
        thresholds: { ...t, ...(spec.maxDevicePriceUsd !== null && { maxDevicePriceUsd: spec.maxDevicePriceUsd }) },
        missing: r.missing,
      };
    },
  };
}
