/** `<run>/load/*.json`: one ladder per cell, written atomically, validated on read. */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EdgebenchError } from '../errors.ts';
import { cellFileName } from '../results/io.ts';
import { writeJsonAtomic, TMP_SUFFIX } from '../results/atomic-write.ts';
import { LOAD_DIR, LoadFile } from './ladder-schema.ts';

export async function writeLoadFile(dir: string, f: LoadFile): Promise<string> {
  const path = join(dir, LOAD_DIR, cellFileName({ index: f.cellIndex, key: f.key }));
  await mkdir(join(dir, LOAD_DIR), { recursive: true });
  await writeJsonAtomic(path, f);
  return path;
}

/** Every ladder of a run, in cell order ([] when the run has none). */
export async function readLoadFiles(dir: string): Promise<LoadFile[]> {
  const names = (await readdir(join(dir, LOAD_DIR)).catch(() => [] as string[]))
    .filter((n) => n.endsWith('.json') && !n.endsWith(TMP_SUFFIX))
    .sort();
  const out: LoadFile[] = [];
  for (const n of names) {
    const path = join(dir, LOAD_DIR, n);
    let json: unknown;
    try {
      json = JSON.parse(await readFile(path, 'utf8'));
    } catch (e) {
      throw new EdgebenchError(
        'RESULTS_INVALID',
        `${path}: not readable JSON (${(e as Error).message.split('\n')[0]})`,
        'delete the file or rerun the ladder of that cell',
      );
    }
    const r = LoadFile.safeParse(json);
    if (!r.success) {
      const i = r.error.issues[0]!;
      throw new EdgebenchError(
        'RESULTS_INVALID',
        `${path}: ${i.path.map(String).join('.') || '(root)'}: ${i.message}`,
        'the file was not written by this edgebench version or was edited; rerun the ladder',
      );
    }
    out.push(r.data);
  }
  return out;
}
