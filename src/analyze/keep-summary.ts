/**
 * `analyze` rewrites summary.json from the raw traces; it must never replace a good summary with
 * a poorer one because the traces went missing (cells/ deleted, moved, or unreadable). A summary
 * is only rewritten from at least as many cells as it was made from.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EdgebenchError } from '../errors.ts';
import { CELLS_DIR, SUMMARY_FILE } from '../results/io.ts';

async function storedCellCount(dir: string): Promise<number | null> {
  try {
    const raw = JSON.parse(await readFile(join(dir, SUMMARY_FILE), 'utf8')) as { cells?: unknown };
    return Array.isArray(raw.cells) ? raw.cells.length : null;
  } catch {
    return null; // no summary yet, or a damaged one: nothing worth keeping
  }
}

export async function refuseToShrink(dir: string, cellCount: number): Promise<void> {
  const stored = await storedCellCount(dir);
  if (stored === null || cellCount >= stored) return;
  const cellsDir = join(dir, CELLS_DIR);
  const kind = await stat(cellsDir).then(
    (s) => (s.isDirectory() ? 'dir' : 'other'),
    () => 'missing',
  );
  const why =
    kind === 'dir'
      ? `${cellsDir} holds ${cellCount} cell file(s)`
      : kind === 'missing'
        ? `${cellsDir} is missing`
        : `${cellsDir} is not a folder`;
  throw new EdgebenchError(
    'RESULTS_INVALID',
    `${dir}: ${why} but ${SUMMARY_FILE} was made from ${stored}; the summary is kept unchanged`,
    `restore the cell files (the raw traces) into ${cellsDir}, or delete ${join(dir, SUMMARY_FILE)} to accept a summary of the cells that remain`,
  );
}
