/**
 * A run holding two cells with one key (hand-merged folders, a run from before the matrix refused
 * duplicates) cannot be compared: pairing by key would silently pick one copy. Refused with the keys.
 */
import { cellId } from '../config/matrix.ts';
import { EdgebenchError } from '../errors.ts';
import type { CellKey } from '../results/schema.ts';

export function duplicateKeys(cells: readonly { key: CellKey; index: number }[]): { id: string; indices: number[] }[] {
  const byId = new Map<string, number[]>();
  for (const c of cells) {
    const id = cellId(c.key);
    byId.set(id, [...(byId.get(id) ?? []), c.index]);
  }
  return [...byId].filter(([, ix]) => ix.length > 1).map(([id, indices]) => ({ id, indices }));
}

export function refuseDuplicateKeys(cells: readonly { key: CellKey; index: number }[], role: string, dir: string): void {
  const dups = duplicateKeys(cells);
  if (dups.length === 0) return;
  const list = dups
    .slice(0, 3)
    .map((d) => `${d.id.replaceAll('|', ' ')} (cells ${d.indices.join(', ')})`)
    .join('; ');
  throw new EdgebenchError(
    'RESULTS_INVALID',
    `${role} ${dir}: ${dups.length} cell key(s) appear more than once: ${list}${dups.length > 3 ? '; …' : ''}`,
    'delete the extra cell files in cells/ (keep the copy you trust), then re-run `edgebench analyze` on the folder',
  );
}
