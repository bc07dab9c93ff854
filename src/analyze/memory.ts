import type { CellResult, MemorySummary } from '../results/schema.ts';

/** Memory facts of a cell, copied through: process peak RSS, RSS after load, model size, bandwidth. */
export function memorySummary(
  cell: Pick<CellResult, 'peakRssBytes' | 'rssAfterLoadBytes' | 'model' | 'memoryBandwidthBytesPerS'>,
): MemorySummary {
  return {
    peakRssBytes: cell.peakRssBytes,
    rssAfterLoadBytes: cell.rssAfterLoadBytes,
    modelBytes: cell.model?.bytes ?? null,
    memoryBandwidthBytesPerS: cell.memoryBandwidthBytesPerS,
  };
}
