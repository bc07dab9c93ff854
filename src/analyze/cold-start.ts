import { median } from 'simple-statistics';
import type { CellResult, ColdStart } from '../results/schema.ts';
import { ttftMs } from './metrics/ttft-ms.ts';

/**
 * Cold start, reported apart from the measured metrics: model load time, TTFT of the first
 * request after load (the 'cold' request; the first request of any phase if none is marked cold),
 * and the first-run overhead = that TTFT − median TTFT of the measured requests.
 */
export function coldStart(cell: Pick<CellResult, 'loadMs' | 'requests'>): ColdStart {
  const byIndex = [...cell.requests].sort((a, b) => a.index - b.index);
  const first = byIndex.find((r) => r.phase === 'cold') ?? byIndex[0];
  const firstRunTtftMs = first ? ttftMs(first) : null;
  const warm = byIndex
    .filter((r) => r.phase === 'measured')
    .map(ttftMs)
    .filter((x): x is number => x !== null);
  const warmMedianTtftMs = warm.length > 0 ? median(warm) : null;
  return {
    loadMs: cell.loadMs,
    firstRunTtftMs,
    warmMedianTtftMs,
    firstRunOverheadMs: firstRunTtftMs !== null && warmMedianTtftMs !== null ? firstRunTtftMs - warmMedianTtftMs : null,
  };
}
