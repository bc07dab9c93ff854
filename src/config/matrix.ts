/** Expands a suite into its matrix of cells, in a stable order (models outermost, shapes innermost). */
import type { CellKey } from '../results/schema.ts';
import type { SuiteFile } from './suite.ts';
import { parseShape } from './shapes.ts';

export function expandMatrix(s: SuiteFile): CellKey[] {
  const cells: CellKey[] = [];
  for (const model of s.models)
    for (const runner of s.runners)
      for (const ep of s.eps)
        for (const t of s.threads)
          for (const shape of s.shapes)
            cells.push({ model, dtype: s.dtype, runner, ep, threads: t === 'auto' ? null : t, shape: parseShape(shape) });
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
