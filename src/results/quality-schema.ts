/**
 * One quality record: how close one (model, runner, EP, dtype) came to its reference over the fixed
 * stream. Written by the quality stage as `<run>/quality/<slug>.json` (atomic), read back by the
 * run loader and attached to the cells it describes.
 */
import { z } from 'zod';

export const QUALITY_SCHEMA_VERSION = 1;

export const QualityFiguresSchema = z.strictObject({
  positions: z.number().int().positive(),
  sameTopRate: z.number().min(0).max(1),
  klMeanNats: z.number().nonnegative(),
  klP99Nats: z.number().nonnegative(),
  klMaxNats: z.number().nonnegative(),
  deltaPMean: z.number().min(-1).max(1),
  perplexityRef: z.number().positive().nullable(),
  perplexityTest: z.number().positive().nullable(),
});

export const QualityRecordSchema = z.strictObject({
  schemaVersion: z.literal(QUALITY_SCHEMA_VERSION),
  model: z.string(),
  runner: z.string(),
  executionProvider: z.string(),
  dtype: z.string(),
  /** synthetic weights: the figure measures runtime and quantisation error, not task quality */
  weights: z.enum(['synthetic', 'real']),
  reference: z.strictObject({
    runner: z.string(),
    dtype: z.string(),
    /** file name only (no machine paths in results) */
    file: z.string().nullable(),
  }),
  stream: z.strictObject({ id: z.string(), source: z.string(), tokens: z.number().int().positive() }),
  figures: QualityFiguresSchema,
  /** the test side gave only top-k log-probabilities: KL is a lower bound */
  approximate: z.boolean(),
  floor: z.strictObject({ minSameTopRate: z.number().min(0).max(1).nullable(), maxKlMeanNats: z.number().nonnegative() }).nullable(),
  /** empty when valid; else why it is QUALITY_BELOW_FLOOR */
  belowFloor: z.array(z.string()),
  durationS: z.number().nonnegative(),
  createdAt: z.string(),
});

export type QualityRecord = z.infer<typeof QualityRecordSchema>;

/** A quality pass that could not run (runner without scores, no reference, too little memory): kept as a row. */
export const QualityErrorSchema = z.strictObject({
  schemaVersion: z.literal(QUALITY_SCHEMA_VERSION),
  model: z.string(),
  runner: z.string(),
  executionProvider: z.string(),
  dtype: z.string(),
  error: z.strictObject({ code: z.string(), message: z.string(), hint: z.string().optional() }),
  createdAt: z.string(),
});

export type QualityError = z.infer<typeof QualityErrorSchema>;

export const QualityEntrySchema = z.union([QualityRecordSchema, QualityErrorSchema]);
export type QualityEntry = z.infer<typeof QualityEntrySchema>;

export const isQualityError = (e: QualityEntry): e is QualityError => 'error' in e;

/** The cells a record describes: same model, runner, EP and dtype (shape and threads do not matter). */
export function qualityKey(c: { model: string; runner: string; executionProvider: string; dtype: string }): string {
  return [c.model, c.runner, c.executionProvider, c.dtype].join('|');
}

export function qualitySlug(c: { model: string; runner: string; executionProvider: string; dtype: string }): string {
  return qualityKey(c).replace(/[^A-Za-z0-9._-]+/g, '_');
}
