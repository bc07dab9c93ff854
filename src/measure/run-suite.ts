/**
 * The `run` stage: expand the matrix, then for each load group (model × runner × EP × threads)
 * probe the runner, resolve and load the model once, and measure each shape. Every finished cell
 * is appended atomically; a failed cell becomes an `errored` (or `unsupported`) row and the run
 * goes on. Resume skips cells already on disk.
 */
import type { CellKey, CellResult, Environment, ModelInfo } from '../results/schema.ts';
import { SCHEMA_VERSION } from '../results/schema.ts';
import type { ModelSource, LoadedModel } from '../runners/types.ts';
import type { SuiteFile } from '../config/suite.ts';
import { cellId, expandMatrix, loadGroupId } from '../config/matrix.ts';
import { getRunner } from '../runners/registry.ts';
import { isEdgebenchError } from '../errors.ts';
import { measureCell, type MeasureProgress } from './measure-cell.ts';
import { startPeakRss } from './peak-rss.ts';
import { nowMs } from './clock.ts';

export interface ResolvedModel {
  source: ModelSource;
  info: ModelInfo;
  vocabSize: number;
}

export interface RunDeps {
  resolveModel(spec: string, dtype: string, style: SuiteFile['style'], runner: string, log: (msg: string) => void): Promise<ResolvedModel>;
  /** memory bandwidth in bytes/s measured with `threads`, once per thread count per run */
  measureBandwidth(threads: number | null): Promise<number | null>;
  /** refuse a model too large for free memory, before loading (throws OUT_OF_MEMORY) */
  checkMemory(model: ResolvedModel): void;
  /** text → token ids with the model's tokenizer (only for text-prompt suites) */
  tokenize(model: ResolvedModel, text: string): Promise<number[]>;
  environment: Environment;
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
}

function errorInfo(e: unknown): NonNullable<CellResult['error']> {
  if (isEdgebenchError(e)) return { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
  const msg = e instanceof Error ? e.message.split('\n')[0] ?? '' : String(e);
  return { code: 'INTERNAL', message: msg, hint: 'rerun with EDGEBENCH_DEBUG=1 and report it' };
}

function baseCell(index: number, key: CellKey, boundary: CellResult['boundary']): CellResult {
  const now = new Date().toISOString();
  return {
    schemaVersion: SCHEMA_VERSION, index, key, status: 'ok', boundary, resolved: null, model: null, loadMs: null,
    requests: [], peakRssBytes: null, rssAfterLoadBytes: null, memoryBandwidthBytesPerS: null, startedAt: now, endedAt: now,
  };
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

  for (const cells of groups.values()) {
    if (opts.shouldStop()) return { written, interrupted: true };
    const first = cells[0]!.key;
    const runner = getRunner(first.runner);
    const loadOpts = { ep: first.ep, threads: first.threads, settings: opts.suite.runnerSettings[first.runner] ?? {} };
    const availability = await runner.probe(loadOpts);
    if (!availability.ok) {
      for (const c of cells) {
        const cell = baseCell(c.index, c.key, runner.boundary);
        cell.status = 'unsupported';
        cell.error = { code: 'DEVICE_UNAVAILABLE', message: availability.reason, hint: availability.hint };
        await finish(cell);
      }
      continue;
    }
    let model: ResolvedModel;
    let loaded: LoadedModel;
    let loadMs: number;
    let rssAfterLoad: number;
    try {
      model = await deps.resolveModel(first.model, first.dtype, opts.suite.style, runner.id, log);
      deps.checkMemory(model);
      const t0 = nowMs();
      loaded = await runner.load(model.source, loadOpts);
      loadMs = nowMs() - t0;
      rssAfterLoad = process.memoryUsage.rss();
    } catch (e) {
      for (const c of cells) {
        const cell = baseCell(c.index, c.key, runner.boundary);
        cell.status = 'errored';
        cell.error = errorInfo(e);
        await finish(cell);
      }
      continue;
    }
    let promptIds: number[] | undefined;
    if (opts.suite.prompt.kind === 'text') {
      try {
        promptIds = await deps.tokenize(model, opts.suite.prompt.text);
      } catch (e) {
        await loaded[Symbol.asyncDispose]();
        for (const c of cells) {
          const cell = baseCell(c.index, c.key, runner.boundary);
          cell.status = 'errored';
          cell.error = errorInfo(e);
          await finish(cell);
        }
        continue;
      }
    }
    const bwKey = String(first.threads);
    if (!bandwidth.has(bwKey)) bandwidth.set(bwKey, await deps.measureBandwidth(first.threads));
    try {
      for (const c of cells) {
        if (opts.shouldStop()) return { written, interrupted: true };
        opts.onEvent({ type: 'cell-start', position, total: all.length, key: c.key });
        const cell = baseCell(c.index, c.key, runner.boundary);
        cell.resolved = loaded.resolved;
        cell.model = model.info;
        cell.loadMs = loadMs;
        cell.rssAfterLoadBytes = rssAfterLoad;
        cell.memoryBandwidthBytesPerS = bandwidth.get(bwKey) ?? null;
        const rss = startPeakRss();
        try {
          cell.requests = await measureCell(
            loaded,
            { shape: c.key.shape, vocabSize: model.vocabSize, seed: opts.suite.seed, ...(promptIds ? { promptIds } : {}) },
            opts.suite.repetitions,
            (progress) => opts.onEvent({ type: 'progress', position, total: all.length, key: c.key, progress }),
            opts.shouldStop,
          );
          if (opts.shouldStop()) return { written, interrupted: true }; // an unfinished cell is not written
        } catch (e) {
          cell.status = 'errored';
          cell.error = errorInfo(e);
          cell.requests = [];
        }
        cell.peakRssBytes = rss.stop();
        cell.extra = { peakRssMethod: rss.method, peakRssScope: 'process' };
        await finish(cell);
      }
    } finally {
      await loaded[Symbol.asyncDispose]();
    }
  }
  return { written, interrupted: false };
}

