/** DOM side of the page: controls, progress, messages and the result table (text only, never HTML). */
import type { CellRow, PageConfig } from '../shared/protocol.ts';
import type { BrowserEnvironment } from '../uploads.ts';

export type PageState = 'loading' | 'idle' | 'probing' | 'running' | 'done' | 'stopped' | 'unsupported' | 'refused' | 'error';
export type EpChoice = 'auto' | 'webgpu' | 'wasm';

const el = <T extends HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`page element #${id} missing`);
  return e as T;
};

const fmt = (v: number | null, digits = 1) => (v === null ? 'n/a' : v.toFixed(digits));
const mb = (n: number) => `${(n / 1e6).toFixed(n < 1e7 ? 2 : 0)} MB`;

export const ui = {
  setState(s: PageState): void {
    document.body.dataset.state = s;
    const busy = s === 'probing' || s === 'running';
    el<HTMLButtonElement>('start').disabled = busy || s === 'loading';
    el<HTMLButtonElement>('stop').disabled = !busy;
  },

  showConfig(cfg: PageConfig, params: URLSearchParams): void {
    const m = cfg.model;
    const shapes = cfg.shapes.map((s) => s.name).join(', ');
    el('model').textContent =
      `${m.id} · ${m.dtype} · ${mb(m.bytes)}${m.synthetic ? ' (synthetic weights)' : ''} · shapes ${shapes} · ≥${cfg.repetitions.minCount} runs and ≥${cfg.repetitions.minTimeS} s per shape`;
    const ep = params.get('ep');
    if (ep === 'webgpu' || ep === 'wasm' || ep === 'auto') el<HTMLSelectElement>('ep').value = ep;
    const threads = params.get('threads') ?? (cfg.threads !== null ? String(cfg.threads) : '');
    el<HTMLInputElement>('threads').value = threads;
    el<HTMLInputElement>('force').checked = params.get('force') === '1';
  },

  epChoice(): EpChoice {
    const v = el<HTMLSelectElement>('ep').value;
    return v === 'webgpu' || v === 'wasm' ? v : 'auto';
  },

  threads(): number | null {
    const n = Number(el<HTMLInputElement>('threads').value);
    return Number.isInteger(n) && n > 0 ? n : null;
  },

  force(): boolean {
    return el<HTMLInputElement>('force').checked;
  },

  onStart(fn: () => void): void {
    el('start').addEventListener('click', fn);
  },

  onStop(fn: () => void): void {
    el('stop').addEventListener('click', fn);
  },

  status(text: string, fraction?: number): void {
    el('status').textContent = text;
    if (fraction !== undefined) el<HTMLProgressElement>('bar').value = Math.max(0, Math.min(1, fraction));
  },

  message(text: string, kind: 'info' | 'error' = 'info'): void {
    const m = el('message');
    m.textContent = text;
    m.className = kind;
  },

  showEnv(env: BrowserEnvironment, extra: Record<string, unknown> = {}): void {
    el('env').textContent = JSON.stringify({ ...extra, ...env }, null, 2);
  },

  addRow(r: CellRow): void {
    const tr = document.createElement('tr');
    tr.dataset.status = r.status;
    const cells = [
      r.shape,
      r.ep,
      String(r.measured),
      fmt(r.ttftMs),
      fmt(r.tpotMs, 2),
      fmt(r.decodeTokensPerS),
      fmt(r.prefillTokensPerS),
      fmt(r.e2eMs),
    ];
    for (const c of cells) {
      const td = document.createElement('td');
      td.textContent = c;
      tr.append(td);
    }
    const st = document.createElement('td');
    if (r.status !== 'ok') {
      st.textContent = `${r.status}: ${r.error ?? ''}`;
      st.className = 'bad';
    } else if (r.warnings.length > 0) {
      const details = document.createElement('details');
      const summary = document.createElement('summary');
      summary.textContent = `ok, ${r.warnings.length} warning${r.warnings.length > 1 ? 's' : ''}`;
      details.append(summary, ...r.warnings.map((w) => Object.assign(document.createElement('div'), { textContent: w })));
      st.append(details);
    } else {
      st.textContent = 'ok';
    }
    tr.append(st);
    el('results').querySelector('tbody')!.append(tr);
  },
};

export { mb };
