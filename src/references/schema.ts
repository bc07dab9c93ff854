/**
 * Schema of the project's reference figures (references/figures/*.yaml). The published
 * compilation (shared/reference/published-figures.yaml) is flat text; here the fields that
 * matching and verdicts depend on are explicit: value shape, batch class, prompt/output
 * tokens, precision, model size, device class, evidence kind, audit status and history.
 */
import { z } from 'zod';

export const CATEGORIES = ['edge', 'cloud-gpu', 'energy', 'asic', 'price'] as const;
export const Category = z.enum(CATEGORIES);
export type Category = z.infer<typeof Category>;

/** Claim keys used by the compilers in `bears_on` (map to C1..C8 in src/claims). */
export const ClaimKey = z.enum([
  'laptop_llama3_40ms',
  'phone_sub50ms',
  'npu_7b_local',
  'asic_10_100x_efficiency',
  'three_watt_chip',
  'edge_vs_cloud_cost',
  'h100_price_power',
  'asic_single_digit_ms',
]);
export type ClaimKey = z.infer<typeof ClaimKey>;

export const EVIDENCE_KINDS = [
  'independent-measured',
  'audited-benchmark',
  'vendor-measured',
  'community-measured',
  'vendor-claim',
  'vendor-spec',
  'vendor-price',
  'independent-estimate',
  'analyst-estimate',
  'press-report',
  'secondary-report',
  'benchmark-rule',
  'official-statistic',
] as const;
export const EvidenceKind = z.enum(EVIDENCE_KINDS);
export type EvidenceKind = z.infer<typeof EvidenceKind>;

export const AuditStatus = z.enum(['confirmed', 'corrected', 'unverifiable', 'not-checked']);
export type AuditStatus = z.infer<typeof AuditStatus>;

/** Range strings as published, e.g. '3-4' or '25000-40000' (low ≤ high). */
export const RangeString = z
  .string()
  .regex(/^\d+(\.\d+)?-\d+(\.\d+)?$/, "expected a number or a range string like '3-4'")
  .refine((s) => {
    const [lo, hi] = s.split('-').map(Number);
    return lo !== undefined && hi !== undefined && lo <= hi;
  }, 'range low must not exceed range high');

/** Input/output price mapping (USD per 1M tokens); some providers also list a cached-input price. */
export const PriceValue = z.strictObject({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cached_input: z.number().nonnegative().optional(),
});

/** Metrics whose value may be an {input, output} price mapping. */
export function isPriceMetric(metric: string): boolean {
  return metric.startsWith('usd_') || metric === 'api_price_per_mtok';
}

export const FigureValue = z.union([z.number().finite(), RangeString, PriceValue]);
export type FigureValue = z.infer<typeof FigureValue>;

export const BatchClass = z.enum([
  'single', // one request at a time (batch 1, concurrency 1, one API request)
  'batched', // a fixed batch / max_num_seqs > 1
  'per-user', // per-user speed of a server under some load
  'max-load', // throughput at saturation
  'offline', // MLPerf offline: all samples at once
  'server', // MLPerf server scenario
  'unknown',
]);
export type BatchClass = z.infer<typeof BatchClass>;

export const Precision = z.enum(['4-bit', '8-bit', 'fp8', 'fp4', '16-bit', 'mixed', 'unknown']);
export type Precision = z.infer<typeof Precision>;

export const Conditions = z.strictObject({
  /** conditions as published */
  text: z.string(),
  /** batch/concurrency as published (null when the source gives none) */
  batch_or_concurrency: z.string().nullable(),
  batch: BatchClass,
  batch_size: z.number().int().positive().nullable(),
  /** prompt (input) tokens; for "prompt <= N" the bound N */
  prompt_tokens: z.number().int().nonnegative().nullable(),
  output_tokens: z.number().int().nonnegative().nullable(),
  precision: Precision,
});
export type Conditions = z.infer<typeof Conditions>;

export const DeviceClass = z.enum(['phone', 'laptop', 'desktop', 'embedded', 'datacenter', 'unknown']);
export type DeviceClass = z.infer<typeof DeviceClass>;

export const HistoryEntry = z.strictObject({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD'),
  reason: z.string().min(1),
  /** the values before this change (value always; other fields when they changed) */
  previous: z.strictObject({
    value: FigureValue,
    metric: z.string().optional(),
    unit: z.string().optional(),
    conditions: z.string().optional(),
    notes: z.string().optional(),
    evidence: z.string().optional(),
    source_url: z.string().optional(),
  }),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

const nonEmpty = z.string().trim().min(1);

export const Figure = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, . _ - only'),
    category: Category,
    system: nonEmpty,
    device_class: DeviceClass,
    software: z.string().nullable(),
    model: z.string().nullable(),
    /** normalized family ('llama-3', 'qwen2.5', …) and size in billions of parameters, when known */
    model_family: z.string().nullable(),
    model_params_b: z.number().positive().nullable(),
    quantization: z.string().nullable(),
    metric: z.string().regex(/^[a-z0-9_]+$/, 'snake_case metric name'),
    value: FigureValue,
    unit: nonEmpty,
    conditions: Conditions,
    source_title: nonEmpty,
    source_url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
    // an undated source says so ('undated page snapshot'): it is shown as undated, never given a guessed date
    source_date: z
      .string()
      .regex(/\b(19|20)\d{2}\b|^undated\b/, "expected a date with a year (YYYY[-MM[-DD]], optionally with a note), or 'undated …'"),
    /** evidence as published; evidence_kind is its normalized weight class */
    evidence: nonEmpty,
    evidence_kind: EvidenceKind,
    /** true when the number was read in a copy (secondary report / transcription), not the primary page */
    evidence_secondary: z.boolean(),
    bears_on: z.array(ClaimKey),
    notes: z.string(),
    audit: AuditStatus,
    audit_scope: z.string().nullable(),
    audit_note: z.string().nullable(),
    history: z.array(HistoryEntry),
  })
  .superRefine((f, ctx) => {
    if (f.audit === 'corrected' && f.history.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['history'],
        message: "a 'corrected' figure must keep its previous value in history (date, reason, previous)",
      });
    }
    if (typeof f.value === 'object' && !isPriceMetric(f.metric)) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: '{input, output} values are only allowed for price metrics (usd_*, api_price_per_mtok)',
      });
    }
  });
export type Figure = z.infer<typeof Figure>;

/** Unverified entries: kept apart, never used for verdicts. */
export const UnverifiedEntry = z.strictObject({
  status: z.literal('UNVERIFIED'),
  id: z.string().regex(/^unv-[a-z0-9._-]+$/, "unverified ids start with 'unv-'"),
  claim: nonEmpty,
  basis: nonEmpty,
  suggested_source: z.string().nullable(),
  audit: AuditStatus,
});
export type UnverifiedEntry = z.infer<typeof UnverifiedEntry>;
