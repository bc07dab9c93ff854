/**
 * The page's entry (bundled by client-bundle.ts). URL parameters: ep=auto|webgpu|wasm,
 * threads=N, force=1 (skip the device-memory refusal), start=1 (press Start on load).
 * Order of work: probe the device → register → refuse early (no WebGPU when forced, model too
 * large) → download + load → measure each cell → post it → finish.
 */
import { checkBrowserFit } from '../shared/memory-fit.ts';
import type { PageConfig } from '../shared/protocol.ts';
import type { PageEp, ProgressUpload, RegisterRequest } from '../uploads.ts';
import { api } from './api.ts';
import { errorInfo, postAllAs, runCells } from './bench.ts';
import { probeBrowser } from './probe.ts';
import { defaultThreads, loadRuntime, type BrowserRuntime } from './runtime.ts';
import { mb, ui } from './ui.ts';

const params = new URLSearchParams(location.search);
let stopRequested = false;
let deviceId: string | null = null;
let finished = false;
let last: ProgressUpload = { index: null, phase: 'probing', done: 0, expected: 0 };

async function finish(state: 'done' | 'unsupported' | 'refused' | 'error'): Promise<void> {
  if (deviceId) await api.finish(deviceId);
  finished = true;
  ui.setState(state);
}

function startHeartbeat(cfg: PageConfig): void {
  const every = Math.max(1000, Math.min(10_000, (cfg.deviceTimeoutS * 1000) / 4));
  const timer = setInterval(() => {
    if (finished || !deviceId) return clearInterval(timer);
    api.progress(deviceId, last).catch(() => undefined);
  }, every);
}

async function run(cfg: PageConfig): Promise<void> {
  stopRequested = false;
  ui.setState('probing');
  ui.message('');
  ui.status('probing this device…', 0);
  const env = await probeBrowser();
  if (!env.secureContext) {
    ui.message(
      'This page came over plain HTTP from a network address, which browsers do not treat as a secure context: WebGPU and wasm threads are switched off, so only single-threaded wasm can run. For full speed open it through localhost (Android over USB: adb reverse tcp:PORT tcp:PORT, then http://localhost:PORT/…) or serve it over HTTPS (edgebench serve --tls-cert/--tls-key).',
    );
  }
  const choice = ui.epChoice();
  const ep: PageEp = choice === 'auto' ? (env.webgpu ? 'webgpu' : 'wasm') : choice;
  const threads = ui.threads();
  ui.showEnv(env, { ep, epChoice: choice, wasmThreads: threads ?? `default (${defaultThreads()})` });
  const deviceClass = params.get('device-class');
  const reg = await api.register({
    environment: env,
    ep,
    epChoice: choice === 'auto' ? 'auto' : 'forced',
    threads,
    // checked by the server (one of the device classes); a wrong one is refused with the list
    ...(deviceClass && { deviceClass: deviceClass as NonNullable<RegisterRequest['deviceClass']> }),
  });
  deviceId = reg.deviceId;
  finished = false;
  startHeartbeat(cfg);
  const id = reg.deviceId;
  const progress = (p: ProgressUpload) => {
    const phaseChanged = p.phase !== last.phase || p.index !== last.index;
    last = p;
    if (phaseChanged) api.progress(id, p).catch(() => undefined);
  };
  ui.setState('running');

  if (ep === 'webgpu' && !env.webgpu) {
    const reason = `WebGPU was asked for, but ${env.webgpuUnavailableReason ?? 'no adapter is available'}`;
    ui.message(`${reason}. Choose "wasm (CPU)" (or open the page with ep=wasm) to benchmark this device on the CPU.`, 'error');
    await postAllAs(id, reg, 'unsupported', {
      code: 'DEVICE_UNAVAILABLE',
      message: reason,
      hint: 'use the wasm backend (ep=wasm), or a browser with WebGPU enabled',
    });
    return finish('unsupported');
  }
  const fit = checkBrowserFit({ modelBytes: cfg.model.bytes, deviceMemoryGB: env.deviceMemoryGB, force: ui.force() });
  if (!fit.ok) {
    ui.message(`Not downloading ${cfg.model.id} (${mb(cfg.model.bytes)}): ${fit.reason}. ${fit.hint}.`, 'error');
    await postAllAs(
      id,
      reg,
      'unsupported',
      { code: 'OUT_OF_MEMORY', message: fit.reason, hint: fit.hint },
      { memoryRule: fit.rule, neededBytes: fit.neededBytes },
    );
    return finish('refused');
  }
  if (fit.note) ui.message(fit.note);

  let rt: BrowserRuntime;
  try {
    rt = await loadRuntime(cfg, ep, threads, (p) => {
      if (p.phase === 'downloading') {
        ui.status(`downloading the model: ${mb(p.done)} / ${mb(p.total)}`, p.done / p.total);
        progress({ index: null, phase: 'downloading', done: 0, expected: 0 });
      } else {
        ui.status('loading the model into onnxruntime-web…');
        progress({ index: null, phase: 'loading', done: 0, expected: 0 });
      }
    });
  } catch (e) {
    const err = errorInfo(e);
    ui.message(`${err.message}${err.hint ? ` — ${err.hint}` : ''}`, 'error');
    await postAllAs(id, reg, 'errored', err);
    return finish('error');
  }
  ui.showEnv(env, { ep, epChoice: choice, wasmThreads: rt.numThreads, loadMs: Math.round(rt.loadMs), resolved: rt.model.resolved });
  try {
    const complete = await runCells({ cfg, deviceId: id, reg, rt, stopped: () => stopRequested, onProgress: progress });
    if (!complete) {
      finished = true;
      await api.leave(id, 'stopped by the user');
      ui.status('stopped: finished cells are saved');
      ui.setState('stopped');
      return;
    }
  } finally {
    await rt.dispose().catch(() => undefined);
  }
  ui.status(`done: ${reg.cells.length} cell(s) saved in ${reg.runDir}`, 1);
  await finish('done');
}

async function main(): Promise<void> {
  const cfg = await api.config();
  ui.showConfig(cfg, params);
  ui.setState('idle');
  addEventListener('pagehide', () => {
    if (deviceId && !finished) api.leaveBeacon(deviceId, 'page closed or reloaded mid-run');
  });
  const start = () => {
    run(cfg).catch((e: unknown) => {
      const err = errorInfo(e);
      ui.message(`${err.message}${err.hint ? ` — ${err.hint}` : ''}`, 'error');
      ui.setState('error');
      if (deviceId && !finished) api.leave(deviceId, `page error: ${err.message}`.slice(0, 300)).catch(() => undefined);
      finished = true;
    });
  };
  ui.onStart(start);
  ui.onStop(() => {
    stopRequested = true;
    ui.status('stopping after the current request…');
  });
  if (params.get('start') === '1') start();
}

main().catch((e: unknown) => {
  ui.message(`cannot start: ${(e as Error).message}`, 'error');
  ui.setState('error');
});
