/** One-line descriptions of a figure's conditions and evidence, shared by the renderers. */
import type { Figure } from '../references/schema.ts';

export function conditionsText(f: Figure): string {
  const c = f.conditions;
  const parts = [
    `batch: ${c.batch === 'unknown' ? 'not stated' : (c.batch_or_concurrency ?? c.batch)}`,
    c.prompt_tokens !== null ? `prompt ${c.prompt_tokens}` : null,
    c.output_tokens !== null ? `output ${c.output_tokens}` : null,
    `precision ${c.precision}`,
  ].filter((x): x is string => x !== null);
  return `${parts.join(', ')}${c.text ? ` — ${c.text}` : ''}`;
}

export function evidenceText(f: Pick<Figure, 'evidence_kind' | 'evidence_secondary'>): string {
  return `${f.evidence_kind}${f.evidence_secondary ? ' (secondary)' : ''}`;
}
