/**
 * Attaches the quality stage's records to the cells they describe (same model, runner, EP and
 * dtype; any shape or thread count) and flags cells whose outputs fell below the quality floor —
 * MLPerf's INVALID: their speed is not a fair comparison.
 */
import { isQualityError, qualityKey, type QualityEntry } from '../results/quality-schema.ts';
import type { CellSummary, Warning } from '../results/schema.ts';

export function attachQuality(cells: CellSummary[], entries: readonly QualityEntry[]): CellSummary[] {
  if (entries.length === 0) return cells;
  const byKey = new Map(entries.map((e) => [qualityKey(e), e]));
  return cells.map((c) => {
    const q = byKey.get(qualityKey({ model: c.key.model, runner: c.key.runner, executionProvider: c.key.ep, dtype: c.key.dtype }));
    if (!q) return c;
    const warn = qualityWarning(q);
    return { ...c, quality: q, warnings: warn ? [...c.warnings, warn] : c.warnings };
  });
}

function qualityWarning(q: QualityEntry): Warning | null {
  if (isQualityError(q)) {
    return {
      code: 'QUALITY_UNMEASURED',
      severity: 'info',
      message: `no quality figure: ${q.error.message}`,
      fix: q.error.hint ?? 'see `edgebench quality --help`',
    };
  }
  if (q.belowFloor.length === 0) return null;
  return {
    code: 'QUALITY_BELOW_FLOOR',
    severity: 'warn',
    message: `outputs are further from the ${q.reference.dtype} reference than the ${q.dtype} floor allows: ${q.belowFloor.join('; ')} — its speed is not a fair comparison`,
    fix: `check the runtime and dtype path (compare with another runner on the same model: edgebench run --quality --runner ort-node,${q.runner}), or raise the floor on purpose with --quality-floor`,
  };
}
