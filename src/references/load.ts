/**
 * Load and validate the project's reference figures: references/figures/<category>.yaml (one
 * YAML sequence per category), references/unverified.yaml (kept apart; never used for
 * verdicts) and references/meta.yaml (provenance of the compilation).
 */
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAX_YAML_BYTES, parseYamlSafe } from '../config/yaml-doc.ts';
import { readTextFile } from '../util/input-path.ts';
import { z } from 'zod';
import { EdgebenchError } from '../errors.ts';
import { CATEGORIES, Figure, UnverifiedEntry, type Category } from './schema.ts';

export const DEFAULT_REFERENCES_DIR = fileURLToPath(new URL('../../references/', import.meta.url));

export const ReferencesMeta = z.strictObject({
  title: z.string(),
  compiled: z.string(),
  compiled_by: z.string(),
  imported_from: z.string(),
  audit_date: z.string(),
  audit_report: z.string(),
  status_definitions: z.record(z.string(), z.string()),
  /** later compilations added with `references add`, with their own provenance */
  addenda: z
    .array(
      z.strictObject({
        file: z.string(),
        compiled: z.string(),
        audit_date: z.string(),
        audit: z.string(),
        figures: z.number().int().nonnegative(),
        notes: z.string(),
      }),
    )
    .optional(),
});
export type ReferencesMeta = z.infer<typeof ReferencesMeta>;

export interface ReferenceSet {
  dir: string;
  meta: ReferencesMeta;
  figures: Figure[];
  unverified: UnverifiedEntry[];
  byId: Map<string, Figure>;
}

const HINT =
  'fix the entry in the references file (see references/README.md for the fields), or re-import with `edgebench references import`';

export function figuresFile(dir: string, category: Category): string {
  return join(dir, 'figures', `${category}.yaml`);
}

function display(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

export function readYaml(file: string): unknown {
  const shown = display(file);
  return parseYamlSafe(
    readTextFile(file, { what: 'references file', code: 'REFERENCE_INVALID', hint: HINT }, MAX_YAML_BYTES),
    shown,
    'REFERENCE_INVALID',
  );
}

function entryName(raw: unknown, i: number): string {
  const id = typeof raw === 'object' && raw !== null && 'id' in raw ? (raw as { id: unknown }).id : undefined;
  return typeof id === 'string' ? `figure '${id}' (entry ${i + 1})` : `entry ${i + 1} (no id)`;
}

/** Validate one raw entry; the error names the file, the entry id and every bad field. */
export function validateFigure(raw: unknown, where: string, i: number): Figure {
  const r = Figure.safeParse(raw);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 4).map((iss) => {
    const path = iss.path.length ? iss.path.map(String).join('.') : '(entry)';
    const missing = iss.code === 'invalid_type' && iss.input === undefined;
    return `${path}: ${missing ? 'missing (required)' : iss.message}`;
  });
  const more = r.error.issues.length > 4 ? ` (+${r.error.issues.length - 4} more)` : '';
  return fail(`${where}: ${entryName(raw, i)}: ${issues.join('; ')}${more}`);
}

function fail(message: string): never {
  throw new EdgebenchError('REFERENCE_INVALID', message, HINT);
}

export function validateFigureList(raw: unknown, file: string): Figure[] {
  if (!Array.isArray(raw)) fail(`${display(file)}: expected a YAML sequence of figures at the top level`);
  return raw.map((r, i) => validateFigure(r, display(file), i));
}

export function loadReferences(dir: string = DEFAULT_REFERENCES_DIR): ReferenceSet {
  const metaFile = join(dir, 'meta.yaml');
  const meta = ReferencesMeta.safeParse(readYaml(metaFile));
  if (!meta.success) fail(`${display(metaFile)}: ${meta.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const figures: Figure[] = [];
  const byId = new Map<string, Figure>();
  for (const category of CATEGORIES) {
    const file = figuresFile(dir, category);
    for (const f of validateFigureList(readYaml(file), file)) {
      if (f.category !== category)
        fail(`${display(file)}: figure '${f.id}': category: '${f.category}' does not belong in ${category}.yaml`);
      if (byId.has(f.id)) fail(`${display(file)}: figure '${f.id}': id: duplicate (ids are unique across all figure files)`);
      byId.set(f.id, f);
      figures.push(f);
    }
  }
  const unvFile = join(dir, 'unverified.yaml');
  const unvRaw = readYaml(unvFile);
  if (!Array.isArray(unvRaw)) fail(`${display(unvFile)}: expected a YAML sequence`);
  const unverified = unvRaw.map((raw, i) => {
    const r = UnverifiedEntry.safeParse(raw);
    if (!r.success) {
      const iss = r.error.issues[0];
      fail(`${display(unvFile)}: ${entryName(raw, i)}: ${iss ? `${iss.path.join('.')}: ${iss.message}` : 'invalid'}`);
    }
    return r.data;
  });
  return { dir, meta: meta.data, figures, unverified, byId };
}

/** Figures a verdict may rest on (audit rule: confirmed or corrected only). */
export function isDecisive(f: Figure): boolean {
  return f.audit === 'confirmed' || f.audit === 'corrected';
}
