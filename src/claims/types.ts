import type { LocalCell, LocalMetricName } from '../references/local.ts';
import type { EvidenceKind, Figure } from '../references/schema.ts';
import type { ClaimsConfig } from './config.ts';

export const VERDICTS = ['supported', 'partly supported', 'not supported', 'not testable by benchmark', 'not established'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const CLAIM_IDS = ['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'C8', 'C9', 'C10'] as const;
export type ClaimId = (typeof CLAIM_IDS)[number];

/** pass/fail of one measurement against a threshold; inconclusive when the CI straddles it */
export type Check = 'pass' | 'fail' | 'inconclusive';

export interface LocalEvidence {
  cellId: string;
  device: string;
  model: string;
  dtype: string;
  runner: string;
  ep: string;
  shape: string;
  metric: LocalMetricName;
  n: number;
  median: number;
  ci95: { lo: number; hi: number };
  unit: string;
  check: Check | null;
  /** 'decisive' when the verdict rests on it; 'context' when shown only for reference */
  role: 'decisive' | 'context';
  note: string | null;
}

export interface ReferenceEvidence {
  id: string;
  system: string;
  model: string | null;
  metric: string;
  /** value as published, with unit */
  value: string;
  /** the number used in the rule (after conversion), with its unit; null when used as context only */
  used: string | null;
  source_title: string;
  source_url: string;
  source_date: string;
  evidence_kind: EvidenceKind;
  evidence: string;
  audit: Figure['audit'];
  check: Check | null;
  role: 'decisive' | 'context';
  /** why it is context only, or what differs (mismatches), or a derivation */
  note: string | null;
}

export interface ClaimResult {
  id: ClaimId;
  claim: string;
  verdict: Verdict;
  /** one or two sentences: why this verdict */
  summary: string;
  /** what the verdict rests on */
  basis: 'local measurements' | 'published figures' | 'local measurements and published figures' | 'none';
  /** who decided, in words: 'this device (…)', 'published figures (…, median of n)', or why nothing did */
  decidedBy: string;
  /** the exact command whose run would let this device decide the claim (null when it already does, or cannot) */
  decideCommand: string | null;
  evidence: { local: LocalEvidence[]; references: ReferenceEvidence[] };
  rule: string;
  thresholds: Record<string, number | string | boolean>;
  /** what to run or measure to test it better (empty when nothing is missing) */
  missing: string[];
}

export interface ClaimInput {
  cells: readonly LocalCell[];
  figures: readonly Figure[];
  config: ClaimsConfig;
}

export interface ClaimRule {
  id: ClaimId;
  claim: string;
  evaluate(input: ClaimInput): ClaimResult;
}
