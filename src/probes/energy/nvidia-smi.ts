/**
 * NVIDIA GPUs through nvidia-smi (NVML underneath): the total energy counter
 * (total_energy_consumption, mJ since driver load; Volta and newer) where the driver has it, else
 * power.draw.instant / power.draw sampled with -lms. Board power: GPU + its memory, not the host.
 */
import { SampledRecording } from './sampled-recording.ts';
import { execFile } from 'node:child_process';
import type { EnergySource, Probe, Recording } from './interface.ts';
import { roundMs, roundValue } from './interface.ts';

export const NVSMI_INTERVAL_MS = 100;
const WANTED = ['index', 'name', 'power.draw', 'power.draw.instant', 'total_energy_consumption', 'temperature.gpu'];

type Mode = { field: 'total_energy_consumption'; kind: 'counter' } | { field: 'power.draw.instant' | 'power.draw'; kind: 'power' };

function run(args: string[]): Promise<{ code: number; stdout: string; error?: string }> {
  return new Promise((resolve) => {
    execFile('nvidia-smi', args, { timeout: 8000, windowsHide: true }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return resolve({ code: -1, stdout: '', error: 'ENOENT' });
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: String(stdout), ...(err ? { error: `${String(stdout)}${String(stderr)}`.trim() || err.message } : {}) });
    });
  });
}

/** "0, NVIDIA H100, 71.2, [N/A]" → trimmed fields; header "power.draw [W]" → "power.draw". */
export function parseNvsmiCsv(text: string): { header: string[]; rows: string[][] } {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().replace(/\s*\[.*\]$/, ''));
  return { header, rows: lines.slice(1).map((l) => l.split(',').map((v) => v.trim())) };
}

const numeric = (v: string | undefined): number | null => (v !== undefined && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : null);

/** Which reading to stream, from one query of every wanted field ([N/A] / [Not Supported] rule a field out). */
export function chooseNvsmiMode(header: string[], rows: string[][]): Mode | null {
  const col = (f: string) => header.indexOf(f);
  const all = (f: string) => col(f) >= 0 && rows.length > 0 && rows.every((r) => numeric(r[col(f)]) !== null);
  if (all('total_energy_consumption')) return { field: 'total_energy_consumption', kind: 'counter' };
  if (all('power.draw.instant')) return { field: 'power.draw.instant', kind: 'power' };
  if (all('power.draw')) return { field: 'power.draw', kind: 'power' };
  return null;
}

/** Query the fields this driver knows: drop each one nvidia-smi calls "not a valid field" and ask again. */
async function queryFields(
  fields: string[],
): Promise<{ ok: true; header: string[]; rows: string[][] } | { ok: false; reason: string; hint: string }> {
  let f = [...fields];
  for (let attempt = 0; attempt < fields.length; attempt++) {
    const r = await run([`--query-gpu=${f.join(',')}`, '--format=csv,nounits']);
    if (r.error === 'ENOENT')
      return {
        ok: false,
        reason: 'nvidia-smi not found on PATH (no NVIDIA driver)',
        hint: 'install the NVIDIA driver (it ships nvidia-smi), or measure with RAPL or an external meter',
      };
    const invalid = /Field "([^"]+)" is not a valid field/.exec(r.stdout + (r.error ?? ''))?.[1];
    if (invalid && f.includes(invalid)) {
      f = f.filter((x) => x !== invalid);
      continue;
    }
    if (r.code !== 0)
      return {
        ok: false,
        reason: `nvidia-smi failed: ${(r.error ?? '').split('\n')[0]}`,
        hint: 'check `nvidia-smi` on its own; the driver may not be loaded or the GPU may be lost',
      };
    const parsed = parseNvsmiCsv(r.stdout);
    return { ok: true, ...parsed };
  }
  return { ok: false, reason: 'nvidia-smi accepts none of the power fields', hint: 'update the NVIDIA driver' };
}

export async function probeNvidiaSmi(): Promise<Probe> {
  const q = await queryFields(WANTED);
  if (!q.ok) return q;
  if (q.rows.length === 0) return { ok: false, reason: 'nvidia-smi lists no GPU', hint: 'check that the GPU is visible (nvidia-smi -L)' };
  const mode = chooseNvsmiMode(q.header, q.rows);
  if (!mode)
    return {
      ok: false,
      reason: 'nvidia-smi reports no power reading for this GPU ([N/A] / [Not Supported])',
      hint: 'some consumer and virtual GPUs hide power; use an external meter (--energy meter-csv:FILE)',
    };
  const idx = q.header.indexOf('index');
  const name = q.header.indexOf('name');
  const gpus = q.rows.map((r) => ({ index: r[idx] ?? '0', name: name >= 0 ? (r[name] ?? '') : '' }));
  return {
    ok: true,
    source: new NvidiaSmiSource(gpus, mode),
    note: `${gpus.map((g) => g.name || `gpu${g.index}`).join(', ')} via ${mode.field}`,
  };
}

export class NvidiaSmiSource implements EnergySource {
  readonly id = 'nvidia-smi' as const;
  readonly method = 'measured' as const;
  readonly kind: 'counter' | 'power';
  readonly powerSemantics?: 'instant';
  readonly domains: string[];
  readonly headlineDomains: string[];
  readonly sampleIntervalMs = NVSMI_INTERVAL_MS;
  readonly resolutionFloorMs: number;
  readonly sourceClass: 'fine' | 'coarse';
  readonly assumptions: string[];
  readonly detail: Record<string, string>;
  private readonly rec = new SampledRecording();
  private first: number[] | null = null;
  private pending = new Map<string, number>();
  private pendingT = 0;

  constructor(
    private readonly gpus: { index: string; name: string }[],
    private readonly mode: Mode,
  ) {
    this.kind = mode.kind;
    if (mode.kind === 'power') this.powerSemantics = 'instant';
    this.domains = gpus.map((g) => `gpu${g.index}`);
    this.headlineDomains = [...this.domains];
    this.resolutionFloorMs = mode.field === 'power.draw' ? 1000 : 0;
    this.sourceClass = mode.kind === 'counter' ? 'fine' : 'coarse';
    this.assumptions = [
      'GPU board power from NVML (GPU + its memory); the host CPU, RAM and PSU losses are not included',
      mode.kind === 'counter'
        ? 'energy from the driver counter total_energy_consumption (mJ), read every 100 ms'
        : `power from ${mode.field} every 100 ms, integrated between readings${mode.field === 'power.draw' ? '; recent drivers average power.draw over 1 s, so windows under ~1 s are not resolved' : ''}`,
      'samples are timestamped when nvidia-smi prints them (a few ms of pipe latency)',
    ];
    this.detail = { gpus: gpus.map((g) => `${g.index}:${g.name}`).join('; '), field: mode.field };
  }

  private flush(): void {
    if (this.pending.size === 0) return;
    const raw = this.gpus.map((g) => this.pending.get(g.index) ?? null);
    this.pending.clear();
    let values: (number | null)[];
    if (this.mode.kind === 'counter') {
      if (raw.some((v) => v === null)) return;
      this.first ??= raw as number[];
      values = raw.map((v, i) => roundValue(((v as number) - this.first![i]!) / 1000));
    } else values = raw.map((v) => (v === null ? null : roundValue(v)));
    this.rec.samples.push({ tMs: roundMs(this.pendingT), values });
  }

  private onLine(t: number, line: string): void {
    const [index, value] = line.split(',').map((s) => s.trim());
    if (index === undefined || value === undefined) return;
    const v = numeric(value);
    if (v === null) {
      this.rec.lose(t, `nvidia-smi printed "${line.trim()}"`);
      return;
    }
    if (this.pending.has(index)) this.flush();
    if (this.pending.size === 0) this.pendingT = t;
    this.pending.set(index, v);
    if (this.pending.size === this.gpus.length) this.flush();
  }

  async start(): Promise<void> {
    this.first = null;
    this.pending.clear();
    const args = [`--query-gpu=index,${this.mode.field}`, '--format=csv,noheader,nounits', `-lms`, String(this.sampleIntervalMs)];
    await this.rec.start({ kind: 'spawn', cmd: 'nvidia-smi', args }, (m) => m.type === 'line' && this.onLine(m.t, m.line));
  }

  async sample(): Promise<void> {}

  stop(): Promise<Recording> {
    return this.rec.stop(() => this.flush());
  }

  async temperatures(): Promise<Record<string, number>> {
    const r = await run(['--query-gpu=index,temperature.gpu', '--format=csv,noheader,nounits']);
    const out: Record<string, number> = {};
    for (const line of r.stdout.split('\n')) {
      const [i, t] = line.split(',').map((s) => s.trim());
      const v = numeric(t);
      if (i && v !== null) out[`gpu${i}`] = v;
    }
    return out;
  }
}
