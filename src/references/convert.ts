/**
 * Convert figures in the published flat format (shared/reference/published-figures.yaml) into the
 * project format (src/references/schema.ts). Audit corrections listed in the published meta
 * become `history` entries, so a corrected figure keeps its previous definition.
 */
import { z } from 'zod';
import { deriveBatch, deriveDeviceClass, deriveEvidence, deriveModel, derivePrecision, deriveTokens } from './derive.ts';
import { AuditStatus, Category, ClaimKey, FigureValue, UnverifiedEntry, type Figure, type HistoryEntry } from './schema.ts';

const optText = z.string().nullable().optional();

export const PublishedFigure = z.strictObject({
  id: z.string().min(1),
  category: Category,
  system: z.string().min(1),
  software: optText,
  model: optText,
  quantization: optText,
  metric: z.string().min(1),
  value: FigureValue,
  unit: z.string().min(1),
  batch_or_concurrency: optText,
  conditions: optText,
  source_title: z.string().min(1),
  source_url: z.string().min(1),
  source_date: z.string().min(1),
  evidence: z.string().min(1),
  bears_on: z.array(ClaimKey).default([]),
  notes: optText,
  audit: AuditStatus.default('not-checked'),
  audit_scope: optText,
  audit_note: optText,
});
export type PublishedFigure = z.infer<typeof PublishedFigure>;

export const PublishedCorrection = z.object({ id: z.string(), fix: z.string() });

export const PublishedFile = z.object({
  meta: z
    .object({
      title: z.string(),
      compiled: z.string(),
      record_count: z.number().int(),
      unverified_count: z.number().int(),
      audit: z.object({ date: z.string(), corrections: z.array(PublishedCorrection).default([]) }).passthrough(),
    })
    .passthrough(),
  figures: z.array(z.unknown()),
  unverified: z.array(UnverifiedEntry).default([]),
});

/**
 * What each published correction changed. The fix text says it; the old values are restated
 * here as structured data (the published file only keeps the corrected row).
 */
function previousOf(f: PublishedFigure, fix: string): HistoryEntry['previous'] {
  const metric = /metric (\S+) -> /.exec(fix)?.[1];
  if (metric) return { value: f.value, metric, unit: 'ms/token' };
  if (fix.startsWith('conditions')) {
    return {
      value: f.value,
      conditions: 'prompt length not stated; the old notes implied the <=128-token short-prompt TTFT used for the Llama-3.x rows',
    };
  }
  return { value: f.value };
}

function text(s: string | null | undefined): string | null {
  return s === undefined || s === null || s.trim() === '' ? null : s;
}

export function convertFigure(f: PublishedFigure, corrections: { fix: string; date: string }[] = []): Figure {
  const cond = f.conditions ?? '';
  return {
    id: f.id,
    category: f.category,
    system: f.system,
    device_class: deriveDeviceClass(f.system, f.category),
    software: text(f.software),
    model: text(f.model),
    ...deriveModel(text(f.model)),
    quantization: text(f.quantization),
    metric: f.metric,
    value: f.value,
    unit: f.unit,
    conditions: {
      text: cond,
      batch_or_concurrency: text(f.batch_or_concurrency),
      ...deriveBatch(text(f.batch_or_concurrency)),
      ...deriveTokens(cond),
      precision: derivePrecision(text(f.quantization)),
    },
    source_title: f.source_title,
    source_url: f.source_url,
    source_date: f.source_date,
    evidence: f.evidence,
    ...deriveEvidence(f.evidence),
    bears_on: f.bears_on,
    notes: f.notes ?? '',
    audit: f.audit,
    audit_scope: text(f.audit_scope),
    audit_note: text(f.audit_note),
    history: corrections.map((c) => ({ date: c.date, reason: c.fix, previous: previousOf(f, c.fix) })),
  };
}

/** True when an object looks like the published flat format (conditions is text, not an object). */
export function isPublishedShape(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && !('history' in raw) && !('evidence_kind' in raw);
}
