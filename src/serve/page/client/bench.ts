/**
 * One device's benchmark on the page: every planned cell measured with edgebench's measureCell
 * (cold request, warmup, measured until minCount AND minTimeS, capped) and posted to the server
 * as soon as it finishes. A cell that fails becomes an `errored` cell and the next one runs.
 */
import { EdgebenchError } from '../../../errors.ts';
import { measureCell, type MeasureProgress } from '../../../measure/measure-cell.ts';
import type { ErrorInfo } from '../../../results/schema.ts';
import type { PageConfig, RegisterResponse } from '../shared/protocol.ts';
import type { CellUpload, ProgressUpload } from '../uploads.ts';
import { api } from './api.ts';
import type { BrowserRuntime } from './runtime.ts';
import { ui } from './ui.ts';

export function errorInfo(e: unknown): ErrorInfo {
  if (e instanceof EdgebenchError) return { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
  const message = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
  return { code: 'INTERNAL', message, hint: 'reload the page and try again; if it repeats, report it with the device details below' };
}

/** Post every planned cell with the same status and reason (unsupported device, model refused, load failed). */
export async function postAllAs(
  deviceId: string,
  reg: RegisterResponse,
  status: 'unsupported' | 'errored',
  error: ErrorInfo,
  extra: CellUpload['extra'] = {},
): Promise<void> {
  const now = new Date().toISOString();
  for (const c of reg.cells) {
    const row = await api.cell(deviceId, {
      index: c.index,
      status,
      error,
      resolved: null,
      loadMs: null,
      requests: [],
      startedAt: now,
      endedAt: now,
      extra,
    });
    ui.addRow(row);
  }
}

export interface BenchContext {
  cfg: PageConfig;
  deviceId: string;
  reg: RegisterResponse;
  rt: BrowserRuntime;
  stopped(): boolean;
  /** the latest progress, which the heartbeat repeats to the server */
  onProgress(p: ProgressUpload): void;
}

/** Runs the cells; false when stopped before the end (the unfinished cell is not posted, as in `edgebench run`). */
export async function runCells(ctx: BenchContext): Promise<boolean> {
  const { cfg, reg, rt } = ctx;
  const total = reg.cells.length;
  for (const [pos, c] of reg.cells.entries()) {
    if (ctx.stopped()) return false;
    const startedAt = new Date().toISOString();
    let status: CellUpload['status'] = 'ok';
    let error: ErrorInfo | undefined;
    let requests: CellUpload['requests'] = [];
    const report = (p: MeasureProgress) => {
      const frac = p.expected > 0 ? p.done / p.expected : 0;
      ui.status(
        `cell ${pos + 1}/${total} ${c.shape.name}: ${p.phase} ${p.done}/${p.expected}`,
        (pos + (p.phase === 'measured' ? frac : 0)) / total,
      );
      ctx.onProgress({ index: c.index, phase: p.phase, done: p.done, expected: p.expected });
    };
    report({ phase: 'cold', done: 0, expected: cfg.repetitions.minCount });
    try {
      requests = await measureCell(
        rt.model,
        { shape: c.shape, vocabSize: cfg.model.vocabSize, seed: cfg.seed },
        cfg.repetitions,
        report,
        ctx.stopped,
      );
      if (ctx.stopped()) return false;
    } catch (e) {
      status = 'errored';
      error = errorInfo(e);
      requests = [];
    }
    const row = await api.cell(ctx.deviceId, {
      index: c.index,
      status,
      ...(error ? { error } : {}),
      resolved: {
        executionProvider: rt.model.resolved.executionProvider === 'webgpu' ? 'webgpu' : 'wasm',
        threads: rt.model.resolved.threads,
        settings: rt.model.resolved.settings,
        versions: rt.model.resolved.versions,
        fallback: rt.model.resolved.fallback,
      },
      loadMs: rt.loadMs,
      requests,
      startedAt,
      endedAt: new Date().toISOString(),
      extra: { downloadMs: rt.downloadMs, tokenizationInWindow: false },
    });
    ui.addRow(row);
  }
  return true;
}
