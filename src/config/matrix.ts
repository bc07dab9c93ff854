/** Expands a suite into its matrix of cells, in a stable order (models outermost, shapes innermost). */
import type { CellKey } from '../results/schema.ts';
import type { SuiteFile } from './suite.ts';
import { parseShape } from './shapes.ts';
import { EdgebenchError } from '../errors.ts';
import { BOUNDS } from './bounds.ts';

/**
 * The cells of a suite. Two cells with one key (`--shape tg4,tg4`, `threads: [2, 2]`) are refused:
 * results, resume and compare all join on the key, so a second copy would silently shadow the first.
 */
export function expandMatrix(s: SuiteFile): CellKey[] {
  const size = s.models.length * s.runners.length * s.eps.length * s.threads.length * s.shapes.length;
  if (size > BOUNDS.cells) {
    throw new EdgebenchError(
      'CONFIG_INVALID',
      `suite ${s.name}: the matrix has ${size} cells (models × runners × eps × threads × shapes), over the ${BOUNDS.cells}-cell bound`,
      'split it into several suites',
    );
  }
  const cells: CellKey[] = [];
  const seen = new Set<string>();
  for (const model of s.models)
    for (const runner of s.runners)
      for (const ep of s.eps)
        for (const t of s.threads)
          for (const shape of s.shapes) {
            const key: CellKey = { model, dtype: s.dtype, runner, ep, threads: t === 'auto' ? null : t, shape: parseShape(shape) };
            const id = cellId(key);
            if (seen.has(id)) {
              throw new EdgebenchError(
                'CONFIG_INVALID',
                `suite ${s.name}: two cells have the key ${id.replaceAll('|', ' ')}`,
                'list each model, runner, EP, thread count and shape once (e.g. --shape tg4,tg8, not tg4,tg4)',
              );
            }
            seen.add(id);
            cells.push(key);
          }
  return cells;
}

/** Stable identity of a cell, for resume and for joining runs in `compare`. */
export function cellId(k: CellKey): string {
  return [k.model, k.dtype, k.runner, k.ep, k.threads ?? 'auto', k.shape.name].join('|');
}

/** Cells sharing a loaded model (same model, dtype, runner, EP, threads) — loaded once. */
export function loadGroupId(k: CellKey): string {
  return [k.model, k.dtype, k.runner, k.ep, k.threads ?? 'auto'].join('|');
}
