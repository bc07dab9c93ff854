/**
 * Plausibility screening before a run enters the store: each rule says why a cell's numbers are
 * physically impossible, or null. Implausible cells are stored (flagged with the reasons) but left
 * out of leaderboards unless asked for. Bounds are generous on purpose: a rule must never flag a
 * real measurement, so each states the ceiling it uses and why no device of 2026 exceeds it.
 */
import type { CellResult, CellSummary, Environment } from '../../results/schema.ts';

export interface PlausibilityInput {
  cell: CellResult;
  summary: CellSummary;
  env: Environment;
}

export interface PlausibilityRule {
  id: string;
  check(input: PlausibilityInput): string | null;
}

/** Execution providers that run on the CPU and read weights from main memory. */
export function onCpu(cell: CellResult): boolean {
  const ep = (cell.resolved?.executionProvider ?? cell.key.ep).toLowerCase();
  return ep === 'cpu' || ep === 'wasm';
}

/**
 * Below this many bytes per token the weights may sit in on-chip cache or SRAM, which is faster
 * than any memory roofline; the largest CPU last-level caches (3D V-Cache) are 128 MiB.
 */
export const CACHE_BYTES = 256 * 2 ** 20;

export function fmt(x: number): string {
  return x >= 100 ? x.toFixed(0) : x.toPrecision(3);
}
