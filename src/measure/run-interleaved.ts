/**
 * `run --interleave`: the cells of one model (its shapes, and its thread counts — each a separate
 * load, all held at once) measured round-robin request by request (src/measure/interleave.ts)
 * instead of one after another, so slow drift spreads over all of them. Each cell keeps its own
 * stopping rule, and records the group and the order.
 */
import { errorInfo } from '../errors.ts';
import type { CellResult } from '../results/schema.ts';
import type { LoadedModel } from '../runners/types.ts';
import type { SuiteFile } from '../config/suite.ts';
import { startMachineLoad } from '../probes/machine-load.ts';
import { measureInterleaved } from './interleave.ts';
import { startPeakRss } from './peak-rss.ts';

export interface InterleaveCell {
  cell: CellResult;
  /** the load this cell runs on (one per thread count) */
  loaded: LoadedModel;
  vocabSize: number;
  promptIds?: number[];
}

export interface InterleaveGroupInput {
  arms: InterleaveCell[];
  suite: SuiteFile;
  shouldStop(): boolean;
  onRequest(cell: CellResult, done: number): void;
}

/** Fills each cell's requests, stopping, machine and interleave record; false when interrupted. */
export async function measureGroupInterleaved(g: InterleaveGroupInput): Promise<boolean> {
  const rss = startPeakRss();
  const machine = startMachineLoad();
  const cells = g.arms.map((a) => a.cell);
  const arms = g.arms.map((a) => ({
    model: a.loaded,
    workload: { shape: a.cell.key.shape, vocabSize: a.vocabSize, seed: g.suite.seed, ...(a.promptIds ? { promptIds: a.promptIds } : {}) },
    policy: g.suite.repetitions,
  }));
  let result: Awaited<ReturnType<typeof measureInterleaved>>;
  try {
    result = await measureInterleaved(arms, g.shouldStop, (i, n) => g.onRequest(cells[i]!, n));
  } catch (e) {
    for (const c of cells) {
      c.status = 'errored';
      c.error = errorInfo(e);
    }
    result = null;
    if (g.shouldStop()) return false;
  }
  const load = machine.stop();
  const peak = rss.stop();
  if (!result && g.shouldStop()) return false;
  const indices = cells.map((c) => c.index);
  cells.forEach((c, i) => {
    c.machine = load;
    c.peakRssBytes = peak;
    c.extra = { peakRssMethod: rss.method, peakRssScope: 'process (cells interleaved)' };
    if (!result) return;
    c.requests = result.arms[i]!.requests;
    c.stopping = result.arms[i]!.stopping;
    c.interleave = { cells: indices, order: result.order.map((a) => indices[a]!) };
  });
  return true;
}
