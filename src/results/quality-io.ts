/**
 * The quality stage's files in a run folder: `quality/<slug>.json`, one per (model, runner, EP,
 * dtype), written atomically, validated on read (a bad file is named with its field).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EdgebenchError } from '../errors.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { QualityEntrySchema, qualitySlug, type QualityEntry } from './quality-schema.ts';

export const QUALITY_DIR = 'quality';

export async function writeQualityEntry(runDir: string, entry: QualityEntry): Promise<string> {
  const dir = join(runDir, QUALITY_DIR);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${qualitySlug({ ...entry, executionProvider: entry.executionProvider })}.json`);
  await writeFileAtomic(file, `${JSON.stringify(entry, null, 2)}\n`);
  return file;
}

export async function readQualityEntries(runDir: string): Promise<QualityEntry[]> {
  const dir = join(runDir, QUALITY_DIR);
  if (!existsSync(dir)) return [];
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
  const out: QualityEntry[] = [];
  for (const name of names) {
    const file = join(dir, name);
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(file, 'utf8'));
    } catch (e) {
      throw new EdgebenchError('RESULTS_INVALID', `${file}: not valid JSON (${(e as Error).message})`, 'delete the file and rerun `edgebench quality <run>`');
    }
    const r = QualityEntrySchema.safeParse(raw);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new EdgebenchError('RESULTS_INVALID', `${file}: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`, 'delete the file and rerun `edgebench quality <run>`');
    }
    out.push(r.data);
  }
  return out;
}
