/** Evaluate every claim (C1..C10) against local cells and the reference figures. */
import { onDevice, type LocalCell } from '../references/local.ts';
import type { Figure } from '../references/schema.ts';
import { defaultClaimsConfig, type ClaimsConfig } from './config.ts';
import { c1 } from './rules/c1-laptop-40ms.ts';
import { c2 } from './rules/c2-phone-50ms.ts';
import { c3 } from './rules/c3-npu-7b.ts';
import { c4 } from './rules/c4-asic-efficiency.ts';
import { c5 } from './rules/c5-three-watt-chip.ts';
import { c6 } from './rules/c6-edge-vs-cloud.ts';
import { c7 } from './rules/c7-h100-price-power.ts';
import { c8 } from './rules/c8-asic-single-digit-ms.ts';
import { c10, c9 } from './rules/c9-c10-not-testable.ts';
import type { ClaimResult, ClaimRule } from './types.ts';

export const CLAIM_RULES: readonly ClaimRule[] = [c1, c2, c3, c4, c5, c6, c7, c8, c9, c10];

export function evaluateClaims(
  cells: readonly LocalCell[],
  figures: readonly Figure[],
  config: ClaimsConfig = defaultClaimsConfig(),
): ClaimResult[] {
  // an endpoint's cells say nothing about this device: the claims are decided by on-device cells only
  const local = onDevice(cells);
  return CLAIM_RULES.map((r) => r.evaluate({ cells: local, figures, config }));
}

export type { ClaimResult, ClaimRule, Verdict, ClaimId, LocalEvidence, ReferenceEvidence, Check } from './types.ts';
export { loadClaimsConfig, parseClaimsConfig, defaultClaimsConfig, type ClaimsConfig } from './config.ts';
