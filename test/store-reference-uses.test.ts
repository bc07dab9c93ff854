/**
 * publish records which reference figures each cell was set beside; src/store/payload.ts chooses
 * them once per cell setup (a cache). The cached choice must be exactly what matching every cell
 * gives, for cells that differ in each part of the setup and in their measured values.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadReferences } from '../src/references/load.ts';
import { matchAll } from '../src/references/match.ts';
import type { LocalCell } from '../src/references/local.ts';
import { loadRunForStore } from '../src/store/load-run.ts';
import { referenceUses } from '../src/store/payload.ts';
import { writeStoreRun, type StoreCellSpec } from './fixtures/store/runs.ts';

const tmp = mkdtempSync(join(tmpdir(), 'eb-store-uses-'));

/** The choice without the cache (as publish made it before). */
function direct(cells: readonly LocalCell[], perMetric: number) {
  return matchAll(cells, loadReferences().figures).flatMap((cm) =>
    cm.matches.slice(0, perMetric).map((m) => ({ cell: cm.cell.index, metric: cm.metric, figure: m.figure.id, comparable: m.comparable })),
  );
}

/** Each part of the setup varied alone from the first line's. */
const SETUPS: StoreCellSpec[] = [
  { model: 'llama-3.2-1b', shape: 'tg128' },
  { model: 'llama-3.2-1b', shape: 'tg128', dtype: 'fp16' },
  { model: 'llama-3.2-1b', shape: 'tg128', params: 8.03e9 },
  { model: 'llama-3.2-1b', shape: 'tg128', status: 'errored' },
  { model: 'llama-3.2-1b', shape: 'tg16' },
  { model: 'llama-3.2-1b', shape: 'pp2048+tg128' },
  { model: 'llama-3.2-1b', shape: 'pp512+tg128' },
  { model: 'qwen2.5-0.5b', shape: 'tg128', params: 0.49e9 },
  { model: 'qwen2.5-0.5b', shape: 'tg128', params: null },
  { model: 'llama-3.1-8b', shape: 'tg128', params: 8.03e9, dtype: 'q8' },
];

describe('publish: reference figures chosen once per cell setup', () => {
  it('equal to matching every cell, whatever the measured values, and from the cache the second time', async () => {
    const refs = loadReferences();
    const runs = [];
    for (const [r, tpotMs] of [20, 60, 200].entries()) {
      const dir = await writeStoreRun(join(tmp, `r${r}`), {
        runId: `uses-${r}`,
        seed: r,
        cells: SETUPS.map((s) => ({ ...s, tpotMs, ttftMs: tpotMs * 3 })),
      });
      runs.push(await loadRunForStore(dir));
    }
    let total = 0;
    for (const perMetric of [3, 1]) {
      for (const run of runs) {
        const want = direct(run.localCells, perMetric);
        total += want.length;
        expect(referenceUses(run.localCells, refs, perMetric)).toEqual(want);
        expect(referenceUses(run.localCells, refs, perMetric)).toEqual(want);
      }
    }
    expect(total).toBeGreaterThan(50); // the shipped figures match these setups
  }, 60_000);
});
