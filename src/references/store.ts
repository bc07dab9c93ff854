/**
 * Write the reference data files: import the published compilation, add new figures, correct
 * existing ones. Corrections never edit silently: the previous value (and any changed
 * definition) is appended to the figure's `history` with a date and a reason.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { EdgebenchError } from '../errors.ts';
import { convertFigure, isPublishedShape, PublishedFigure, PublishedFile } from './convert.ts';
import { figuresFile, loadReferences, readYaml, validateFigure, type ReferencesMeta } from './load.ts';
import { CATEGORIES, type Figure, type HistoryEntry, type UnverifiedEntry } from './schema.ts';

const YAML_OPTS = { lineWidth: 0, aliasDuplicateObjects: false } as const;

function writeYaml(file: string, data: unknown): void {
  writeFileSync(file, stringify(data, YAML_OPTS));
}

export function writeReferenceSet(dir: string, meta: ReferencesMeta, figures: Figure[], unverified: UnverifiedEntry[]): void {
  mkdirSync(join(dir, 'figures'), { recursive: true });
  writeYaml(join(dir, 'meta.yaml'), meta);
  for (const c of CATEGORIES)
    writeYaml(
      figuresFile(dir, c),
      figures.filter((f) => f.category === c),
    );
  writeYaml(join(dir, 'unverified.yaml'), unverified);
}

function publishedError(raw: unknown, i: number, where: string): never {
  const r = PublishedFigure.safeParse(raw);
  const id = typeof raw === 'object' && raw !== null && 'id' in raw ? String((raw as { id: unknown }).id) : '(no id)';
  const iss = r.success ? undefined : r.error.issues[0];
  const path = iss?.path.length ? iss.path.map(String).join('.') : '(entry)';
  const what = iss?.code === 'invalid_type' && iss.input === undefined ? 'missing (required)' : (iss?.message ?? 'invalid');
  throw new EdgebenchError(
    'REFERENCE_INVALID',
    `${where}: figure '${id}' (entry ${i + 1}): ${path}: ${what}`,
    'every figure needs source_title, source_url, source_date and evidence',
  );
}

/** Parse an entry in either format (published flat, or project) into a validated Figure. */
export function toFigure(raw: unknown, where: string, i: number): Figure {
  if (isPublishedShape(raw)) {
    const r = PublishedFigure.safeParse(raw);
    if (!r.success) publishedError(raw, i, where);
    return validateFigure(convertFigure(r.data), where, i);
  }
  return validateFigure(raw, where, i);
}

/** Import shared/reference/published-figures.yaml (or a later edition) into `dir`. */
export function importPublished(file: string, dir: string): { figures: number; unverified: number } {
  const parsed = PublishedFile.safeParse(readYaml(file));
  if (!parsed.success) {
    const iss = parsed.error.issues[0];
    throw new EdgebenchError(
      'REFERENCE_INVALID',
      `${file}: ${iss ? `${iss.path.join('.')}: ${iss.message}` : 'invalid'}`,
      'expected the published-figures.yaml layout (meta, figures, unverified)',
    );
  }
  const { meta, figures: raws, unverified } = parsed.data;
  const fixes = new Map<string, string[]>();
  for (const c of meta.audit.corrections) fixes.set(c.id, [...(fixes.get(c.id) ?? []), c.fix]);
  const figures = raws.map((raw, i) => {
    const r = PublishedFigure.safeParse(raw);
    if (!r.success) publishedError(raw, i, file);
    const fig = convertFigure(
      r.data,
      (fixes.get(r.data.id) ?? []).map((fix) => ({ fix, date: meta.audit.date })),
    );
    return validateFigure(fig, file, i);
  });
  const defs = (meta.audit as { status_definitions?: Record<string, string> }).status_definitions ?? {};
  writeReferenceSet(
    dir,
    {
      title: meta.title,
      compiled: meta.compiled,
      compiled_by: String((meta as { compiled_by?: unknown }).compiled_by ?? 'unknown'),
      imported_from: 'published-figures.yaml',
      audit_date: meta.audit.date,
      audit_report: String((meta.audit as { report?: unknown }).report ?? 'unknown'),
      status_definitions: defs,
    },
    figures,
    unverified,
  );
  return { figures: figures.length, unverified: unverified.length };
}

function changedFields(old: Figure, next: Figure): HistoryEntry['previous'] {
  const prev: HistoryEntry['previous'] = { value: old.value };
  if (old.metric !== next.metric) prev.metric = old.metric;
  if (old.unit !== next.unit) prev.unit = old.unit;
  if (old.conditions.text !== next.conditions.text) prev.conditions = old.conditions.text;
  if (old.notes !== next.notes) prev.notes = old.notes;
  if (old.evidence !== next.evidence) prev.evidence = old.evidence;
  if (old.source_url !== next.source_url) prev.source_url = old.source_url;
  return prev;
}

export interface AddOptions {
  /** required to replace an existing id: why the figure changes (kept in its history) */
  correctReason?: string;
  /** date of the correction (YYYY-MM-DD); default today */
  date?: string;
}

/** Validate the figures in `file` and add them to the data in `dir`. */
export function addFigures(file: string, dir: string, opts: AddOptions = {}): { added: string[]; corrected: string[] } {
  const raw = readYaml(file);
  const entries = Array.isArray(raw) ? raw : [raw];
  const incoming = entries.map((r, i) => toFigure(r, file, i));
  const set = loadReferences(dir);
  const figures = [...set.figures];
  const added: string[] = [];
  const corrected: string[] = [];
  const seen = new Set<string>();
  for (const fig of incoming) {
    if (seen.has(fig.id))
      throw new EdgebenchError(
        'REFERENCE_INVALID',
        `${file}: figure '${fig.id}': id: appears twice in this file`,
        'give each figure a unique id',
      );
    seen.add(fig.id);
    const at = figures.findIndex((f) => f.id === fig.id);
    if (at < 0) {
      figures.push(fig);
      added.push(fig.id);
      continue;
    }
    const old = figures[at] as Figure;
    if (!opts.correctReason) {
      throw new EdgebenchError(
        'REFERENCE_INVALID',
        `${file}: figure '${fig.id}': id: already exists (${old.category}.yaml)`,
        "to correct it, rerun with --correct '<reason>': its current value moves into history",
      );
    }
    const date = opts.date ?? new Date().toISOString().slice(0, 10);
    const entry: HistoryEntry = { date, reason: opts.correctReason, previous: changedFields(old, fig) };
    figures[at] = validateFigure({ ...fig, history: [...old.history, ...fig.history, entry] }, file, at);
    corrected.push(fig.id);
  }
  writeReferenceSet(dir, set.meta, figures, set.unverified);
  return { added, corrected };
}
