/**
 * Which energy source to use: the one asked for (an unusable one is an error with its fix), or with
 * `auto` the best usable here — a GPU meter for GPU execution providers, then RAPL, powermetrics,
 * battery discharge, and the TDP estimate last. `off` records nothing.
 */
import { EdgebenchError } from '../../errors.ts';
import { probeBattery } from './battery.ts';
import { probeEstimate } from './estimate-tdp.ts';
import { ENERGY_CHOICES, type EnergyChoice, type EnergyProbeOptions, type EnergySource, type Probe } from './interface.ts';
import { probeMeterCsv } from './meter-csv.ts';
import { probeNvidiaSmi } from './nvidia-smi.ts';
import { probePowermetrics } from './powermetrics.ts';
import { probeRapl } from './rapl.ts';

type Named = 'rapl' | 'nvidia-smi' | 'powermetrics' | 'battery' | 'estimate';

const GPU_EPS = ['cuda', 'tensorrt'];

export function parseEnergyChoice(v: string): EnergyChoice {
  const s = v.trim();
  if (s.startsWith('meter-csv:')) {
    const path = s.slice('meter-csv:'.length);
    if (!path) throw new EdgebenchError('USAGE', '--energy meter-csv: needs a file path', 'e.g. --energy meter-csv:./usb-meter.csv');
    return { kind: 'meter-csv', path };
  }
  if (s === 'off' || s === 'auto' || s === 'rapl' || s === 'nvidia-smi' || s === 'powermetrics' || s === 'battery' || s === 'estimate')
    return { kind: s };
  throw new EdgebenchError('USAGE', `--energy ${v}: unknown energy source`, `use one of ${ENERGY_CHOICES.join(', ')}`);
}

export function parseTdpWatts(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > 2000)
    throw new EdgebenchError(
      'USAGE',
      `--tdp-watts ${v}: expected watts between 0 and 2000`,
      "the CPU's TDP / base power from its spec page, e.g. --tdp-watts 28",
    );
  return n;
}

export async function probeNamed(name: Named, opts: EnergyProbeOptions): Promise<Probe> {
  switch (name) {
    case 'rapl':
      return probeRapl();
    case 'nvidia-smi':
      return probeNvidiaSmi();
    case 'powermetrics':
      return probePowermetrics();
    case 'battery':
      return probeBattery();
    case 'estimate':
      return probeEstimate(opts.tdpWatts !== undefined ? { tdpWatts: opts.tdpWatts } : {});
  }
}

/** Try order for `auto`: nvidia-smi only when the suite runs on an NVIDIA EP (board power says nothing about CPU inference). */
export function autoOrder(eps: readonly string[] = []): Named[] {
  const gpu = eps.some((e) => GPU_EPS.includes(e));
  return [...(gpu ? (['nvidia-smi'] as const) : []), 'rapl', 'powermetrics', 'battery', 'estimate'];
}

export interface ProbedSource {
  name: string;
  ok: boolean;
  method: 'measured' | 'estimated';
  reason?: string;
  hint?: string;
  note?: string;
}

/** Every source's status (for `edgebench doctor`). */
export async function probeAllSources(opts: EnergyProbeOptions = {}): Promise<ProbedSource[]> {
  const names: Named[] = ['rapl', 'nvidia-smi', 'powermetrics', 'battery', 'estimate'];
  const out: ProbedSource[] = [];
  for (const name of names) {
    const method = name === 'estimate' ? 'estimated' : 'measured';
    try {
      const p = await probeNamed(name, opts);
      out.push(
        p.ok
          ? { name, ok: true, method, ...(p.note ? { note: p.note } : {}) }
          : { name, ok: false, method, reason: p.reason, hint: p.hint },
      );
    } catch (e) {
      out.push({ name, ok: false, method, reason: (e as Error).message.split('\n')[0] ?? 'probe failed', hint: 'report this as a bug' });
    }
  }
  out.push({
    name: 'meter-csv',
    ok: true,
    method: 'measured',
    note: 'on demand: --energy meter-csv:PATH (timestamp + W or J columns, logged while the run goes)',
  });
  return out;
}

export async function selectEnergySource(
  choice: EnergyChoice,
  opts: EnergyProbeOptions,
  log: (m: string) => void,
): Promise<EnergySource | null> {
  if (choice.kind === 'off') return null;
  if (choice.kind === 'meter-csv') {
    const p = await probeMeterCsv(choice.path);
    if (!p.ok) throw new EdgebenchError('CONFIG_INVALID', p.reason, p.hint);
    return p.source;
  }
  if (choice.kind !== 'auto') {
    const p = await probeNamed(choice.kind, opts);
    if (!p.ok)
      throw new EdgebenchError(
        'DEVICE_UNAVAILABLE',
        `--energy ${choice.kind}: ${p.reason}`,
        p.hint || 'see edgebench doctor for the energy sources usable here',
      );
    return p.source;
  }
  for (const name of autoOrder(opts.eps)) {
    const p = await probeNamed(name, opts);
    if (p.ok) {
      log(`energy: ${name}${p.note ? ` (${p.note})` : ''}${p.source.method === 'estimated' ? ' — an ESTIMATE, not a measurement' : ''}`);
      return p.source;
    }
    log(`energy: ${name} not usable: ${p.reason}${p.hint ? `\n  fix: ${p.hint}` : ''}`);
  }
  return null;
}
