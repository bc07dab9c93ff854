/**
 * The `run` stage: expand the matrix, then for each load group (model × runner × EP × threads)
 * probe the runner, resolve and load the model once, and measure each shape (with --interleave,
 * all thread counts of a model are loaded together and their cells measured round-robin). Every finished cell
 * is appended atomically; a failed cell becomes an `errored` (or `unsupported`) row and the run
 * goes on. Resume skips cells already on disk.
 */
import { errorInfo } from '../errors.ts';
import type { CellKey, CellResult, Environment } from '../results/schema.ts';
import { SCHEMA_VERSION } from '../results/schema.ts';
import type { BuildProgress } from '../models/build/build-folder.ts';
import type { LoadOptions, ResolvedModel, RunnerFactory } from '../runners/types.ts';
import type { SuiteFile } from '../config/suite.ts';
import { cellId, expandMatrix, loadGroupId } from '../config/matrix.ts';
import { loadRunner } from '../runners/registry.ts';
import { kvTokensOf, measureCellStopping, type MeasureProgress } from './measure-cell.ts';
import { startMachineLoad } from '../probes/machine-load.ts';
import { waitForQuiet } from './wait-for-quiet.ts';
import { measureGroupInterleaved } from './run-interleaved.ts';
import { checkContextFit } from './context-fit.ts';
import { startPeakRss } from './peak-rss.ts';
import { nowMs } from '../clock.ts';
import type { EnergyRun } from '../probes/energy/run-energy.ts';
import { maxParallel, type LoadPlan } from '../load/plan.ts';
import type { LoadFile } from '../load/ladder-schema.ts';
import { runLadder } from '../load/run-ladder.ts';
import { startCellNetwork } from '../cloud/cell-network.ts';

export interface RunDeps {
  /** progress of a preset a runner builds on first use */
  onBuildProgress?(p: BuildProgress): void;
  /** memory bandwidth in bytes/s measured with `threads`, once per thread count per run */
  measureBandwidth(threads: number | null): Promise<number | null>;
  /** refuse a model too large for free memory, before loading (throws OUT_OF_MEMORY) */
  checkMemory(model: ResolvedModel): void;
  environment: Environment;
  /** energy source (--energy): idle baseline before the first cell, one recording per cell */
  energy?: EnergyRun;
}

export type RunEvent =
  | { type: 'cell-start'; position: number; total: number; key: CellKey }
  | { type: 'progress'; position: number; total: number; key: CellKey; progress: MeasureProgress }
  | { type: 'cell-end'; position: number; total: number; cell: CellResult }
  | { type: 'log'; message: string };

export interface RunSuiteOptions {
  suite: SuiteFile;
  cells?: CellKey[];
  done: ReadonlySet<string>;
  appendCell(cell: CellResult): Promise<void>;
  onEvent(e: RunEvent): void;
  shouldStop(): boolean;
  /** the concurrency ladder (src/load), run on each ok cell after its sequential measurement, stored by `appendLoad` */
  load?: { plan: LoadPlan; appendLoad(f: LoadFile): Promise<void> };
  /** --wait-for-quiet: before each cell wait up to this many seconds for other processes to go quiet */
  waitForQuietS?: number;
  /** --interleave: measure the shapes of each loaded model round-robin (src/measure/run-interleaved.ts) */
  interleave?: boolean;
}

/** A cell with nothing measured yet (shared by the plain and the A/B-interleaved paths). */
export function baseCell(index: number, key: CellKey, boundary: CellResult['boundary']): CellResult {
  const now = new Date().toISOString();
  return {
    schemaVersion: SCHEMA_VERSION,
    index,
    key,
    status: 'ok',
    boundary,
    resolved: null,
    model: null,
    loadMs: null,
    requests: [],
    peakRssBytes: null,
    rssAfterLoadBytes: null,
    memoryBandwidthBytesPerS: null,
    startedAt: now,
    endedAt: now,
  };
}

/** The runner resolves a model spec; build progress goes to the caller's display. */
export function resolveFor(
  runner: RunnerFactory,
  key: CellKey,
  style: SuiteFile['style'],
  deps: RunDeps,
  log: (m: string) => void,
): Promise<ResolvedModel> {
  return runner.resolveModel(key.model, key.dtype, { style, log, ...(deps.onBuildProgress && { onBuildProgress: deps.onBuildProgress }) });
}

/** Resolve, check and load the model of a load group (and tokenize a text prompt); disposes on failure. */
async function openGroup(
  key: CellKey,
  runner: RunnerFactory,
  loadOpts: LoadOptions,
  opts: RunSuiteOptions,
  deps: RunDeps,
  log: (m: string) => void,
) {
  const model = await resolveFor(runner, key, opts.suite.style, deps, log);
  deps.checkMemory(model);
  const t0 = nowMs();
  const loaded = await runner.load(model.source, loadOpts);
  const loadMs = nowMs() - t0;
  const rssAfterLoad = process.memoryUsage.rss();
  try {
    const promptIds = opts.suite.prompt.kind === 'text' ? await runner.tokenize(model, opts.suite.prompt.text) : undefined;
    return { model, loaded, loadMs, rssAfterLoad, promptIds };
  } catch (e) {
    await loaded[Symbol.asyncDispose]();
    throw e;
  }
}

type OpenedLoad = Awaited<ReturnType<typeof openGroup>> & { cells: { key: CellKey; index: number }[]; runner: RunnerFactory };

const INTERLEAVE_MEMORY_HINT =
  '--interleave keeps every thread count of a model loaded at once: drop --interleave (thread counts then load one after another) or run fewer --threads values';

/**
 * The load groups, in order, as units of work: one group each, or with --interleave the groups of
 * one model, dtype, runner and EP that differ only in thread count, together.
 */
function families<T extends { key: CellKey }>(groups: Map<string, T[]>, byModel: boolean): T[][][] {
  const out = new Map<string, T[][]>();
  for (const [id, cells] of groups) {
    const k = cells[0]!.key;
    const f = byModel ? [k.model, k.dtype, k.runner, k.ep].join('|') : id;
    out.set(f, [...(out.get(f) ?? []), cells]);
  }
  return [...out.values()];
}

export async function runSuite(opts: RunSuiteOptions, deps: RunDeps): Promise<{ written: number; interrupted: boolean }> {
  const all = opts.cells ?? expandMatrix(opts.suite);
  const todo = all.map((key, index) => ({ key, index })).filter((c) => !opts.done.has(cellId(c.key)));
  const groups = new Map<string, typeof todo>();
  for (const c of todo) {
    const g = loadGroupId(c.key);
    groups.set(g, [...(groups.get(g) ?? []), c]);
  }
  let position = all.length - todo.length;
  let written = 0;
  const bandwidth = new Map<string, number | null>();
  const log = (message: string) => opts.onEvent({ type: 'log', message });

  const finish = async (cell: CellResult) => {
    cell.endedAt = new Date().toISOString();
    await opts.appendCell(cell);
    written++;
    position++;
    opts.onEvent({ type: 'cell-end', position, total: all.length, cell });
  };

  if (deps.energy && todo.length > 0) await deps.energy.measureBaseline(log);
  for (const family of families(groups, opts.interleave === true)) {
    if (opts.shouldStop()) return { written, interrupted: true };
    // one load per thread count; with --interleave all of a model's thread counts are loaded at once
    // (each load checks free memory after the ones before it: the memory bound) and measured together
    const loads: OpenedLoad[] = [];
    for (const cells of family) {
      const first = cells[0]!.key;
      const runner = await loadRunner(first.runner);
      const loadOpts = {
        ep: first.ep,
        threads: first.threads,
        settings: opts.suite.runnerSettings[first.runner] ?? {},
        ...(opts.suite.prompt.kind === 'text'
          ? { promptText: opts.suite.prompt.text }
          : { kvTokens: kvTokensOf(cells.map((c) => c.key.shape)) }),
        ...(opts.load && { parallel: maxParallel(opts.load.plan) }),
      };
      const availability = await runner.probe(loadOpts);
      const failAll = async (status: 'unsupported' | 'errored', error: NonNullable<CellResult['error']>) => {
        for (const c of cells) {
          const cell = baseCell(c.index, c.key, runner.boundary);
          cell.status = status;
          cell.error = error;
          await finish(cell);
        }
      };
      if (!availability.ok) {
        await failAll('unsupported', { code: 'DEVICE_UNAVAILABLE', message: availability.reason, hint: availability.hint });
        continue;
      }
      try {
        loads.push({ cells, runner, ...(await openGroup(first, runner, loadOpts, opts, deps, log)) });
      } catch (e) {
        const info = errorInfo(e);
        // the loads already held are what used the memory: say how to need less at once
        if (loads.length > 0 && info.code === 'OUT_OF_MEMORY') info.hint = INTERLEAVE_MEMORY_HINT;
        await failAll('errored', info);
        continue;
      }
      const bwKey = String(first.threads);
      if (!bandwidth.has(bwKey)) bandwidth.set(bwKey, await deps.measureBandwidth(first.threads));
    }
    if (loads.length === 0) continue;
    const openCell = (c: { index: number; key: CellKey }, l: OpenedLoad) => {
      const cell = baseCell(c.index, c.key, l.runner.boundary);
      cell.resolved = l.loaded.resolved;
      // an endpoint says what it serves only once loaded (edgebench serve declares synthetic weights)
      cell.model = l.loaded.weights
        ? { ...l.model.info, weights: l.loaded.weights, synthetic: l.loaded.weights === 'synthetic' }
        : l.model.info;
      cell.loadMs = l.loadMs;
      cell.rssAfterLoadBytes = l.rssAfterLoad;
      cell.memoryBandwidthBytesPerS = bandwidth.get(String(c.key.threads)) ?? null;
      return cell;
    };
    const { cells, runner, model, loaded, promptIds } = loads[0]!;
    const first = cells[0]!.key;
    try {
      if (opts.interleave && loads.reduce((n, l) => n + l.cells.length, 0) > 1) {
        opts.onEvent({ type: 'cell-start', position, total: all.length, key: first });
        if (opts.waitForQuietS) await waitForQuiet(opts.waitForQuietS, log, opts.shouldStop);
        const arms = loads.flatMap((l) =>
          l.cells.map((c) => ({
            cell: openCell(c, l),
            loaded: l.loaded,
            vocabSize: l.model.vocabSize,
            ...(l.promptIds ? { promptIds: l.promptIds } : {}),
          })),
        );
        const onRequest = (cell: CellResult, done: number) =>
          opts.onEvent({
            type: 'progress',
            position,
            total: all.length,
            key: cell.key,
            progress: { phase: 'measured', done, expected: Math.max(done, opts.suite.repetitions.minCount) },
          });
        const ok = await measureGroupInterleaved({ arms, suite: opts.suite, shouldStop: opts.shouldStop, onRequest });
        if (!ok) return { written, interrupted: true }; // unfinished cells are not written
        for (const a of arms) await finish(a.cell);
        continue;
      }
      for (const c of cells) {
        if (opts.shouldStop()) return { written, interrupted: true };
        opts.onEvent({ type: 'cell-start', position, total: all.length, key: c.key });
        const cell = openCell(c, loads[0]!);
        const quiet = opts.waitForQuietS ? await waitForQuiet(opts.waitForQuietS, log, opts.shouldStop) : null;
        const network = await startCellNetwork(loaded); // remote runners: round trips before the cell, connections during it
        const rss = startPeakRss();
        // an endpoint's tokens are computed elsewhere: this machine's energy is not theirs
        const energy = deps.energy && !network ? await deps.energy.startCell() : null;
        const machine = startMachineLoad();
        const workload = { shape: c.key.shape, vocabSize: model.vocabSize, seed: opts.suite.seed, ...(promptIds ? { promptIds } : {}) };
        try {
          checkContextFit(c.key.shape, model.source.arch?.maxPositionEmbeddings, model.info.id, promptIds);
          const measured = await measureCellStopping(
            loaded,
            workload,
            opts.suite.repetitions,
            (progress) => opts.onEvent({ type: 'progress', position, total: all.length, key: c.key, progress }),
            opts.shouldStop,
          );
          cell.requests = measured.requests;
          cell.stopping = measured.stopping;
          if (opts.shouldStop()) {
            machine.stop();
            await energy?.discard();
            network?.finish(); // unsubscribes the connection counter
            return { written, interrupted: true }; // an unfinished cell is not written
          }
        } catch (e) {
          cell.status = 'errored';
          cell.error = errorInfo(e);
          cell.requests = [];
        }
        cell.machine = { ...machine.stop(), ...(quiet && { waitedS: quiet.waitedS, quiet: quiet.quiet }) };
        if (energy) cell.energy = await energy.stop(cell.requests);
        cell.peakRssBytes = rss.stop();
        cell.extra = { peakRssMethod: rss.method, peakRssScope: 'process' };
        const runnerExtra = loaded.takeCellExtra?.();
        if (runnerExtra) cell.extra.runner = runnerExtra;
        if (network) Object.assign(cell.extra, network.finish());
        await finish(cell);
        if (opts.load && cell.status === 'ok' && !opts.shouldStop()) {
          log(`load ladder: ${c.key.shape.name}`);
          const file = await runLadder({
            model: loaded,
            cellIndex: c.index,
            key: c.key,
            boundary: runner.boundary,
            workload,
            plan: opts.load.plan,
            shouldStop: opts.shouldStop,
          });
          await opts.load.appendLoad(file);
        }
      }
    } finally {
      for (const l of loads) await l.loaded[Symbol.asyncDispose]();
    }
  }
  return { written, interrupted: false };
}
