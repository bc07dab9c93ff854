/**
 * The estimate when no meter is usable: power = TDP ÷ hardware threads × busy threads, from CPU
 * time counters (os.cpus() for the whole system, process.cpuUsage() for edgebench alone). A model,
 * not a measurement: labelled `estimated`, uncertainty `rough`, its assumptions stored with it.
 */
import { SampledRecording } from './sampled-recording.ts';
import { cpus } from 'node:os';
import type { EnergySource, Probe, Recording } from './interface.ts';
import { roundMs, roundValue } from './interface.ts';
import { lookupTdp, type TdpLookup } from './tdp-table.ts';

export const ESTIMATE_INTERVAL_MS = 50;

export function probeEstimate(opts: { tdpWatts?: number; cpuModel?: string; logicalCores?: number } = {}): Probe {
  const list = cpus();
  const logical = opts.logicalCores ?? list.length;
  const model = opts.cpuModel ?? list[0]?.model?.trim() ?? 'unknown CPU';
  if (logical < 1)
    return { ok: false, reason: 'no CPU information (os.cpus() is empty)', hint: 'this platform hides CPU times; use a meter' };
  let tdp: TdpLookup;
  if (opts.tdpWatts !== undefined) {
    const w = opts.tdpWatts / logical;
    tdp = {
      wattsPerThread: w,
      rangeWattsPerThread: [w, w],
      how: 'table',
      description: `--tdp-watts ${opts.tdpWatts} W over the ${logical} logical cores this OS sees`,
    };
  } else tdp = lookupTdp(model);
  return {
    ok: true,
    source: new EstimateSource(tdp, model, logical, opts.tdpWatts !== undefined),
    note: `${(tdp.wattsPerThread * logical).toFixed(1)} W at full load on ${logical} threads (${tdp.how === 'table' ? tdp.description : 'not in the TDP table: pass --tdp-watts'})`,
  };
}

export class EstimateSource implements EnergySource {
  readonly id = 'estimated-tdp' as const;
  readonly method = 'estimated' as const;
  readonly kind = 'counter' as const;
  /**
   * cpu-process: edgebench's own CPU time (the headline: other programs' load is not counted, which
   * keeps the estimate stable on a busy machine) · cpu: all processes (what a meter would see)
   */
  readonly domains = ['cpu', 'cpu-process'];
  readonly headlineDomains = ['cpu-process'];
  readonly sampleIntervalMs = ESTIMATE_INTERVAL_MS;
  readonly resolutionFloorMs = 0;
  readonly sourceClass = 'rough' as const;
  readonly assumptions: string[];
  readonly detail: Record<string, string | number | boolean>;
  private readonly rec = new SampledRecording();
  private first: number[] | null = null;

  constructor(
    private readonly tdp: TdpLookup,
    model: string,
    private readonly logical: number,
    userTdp: boolean,
  ) {
    const [lo, hi] = tdp.rangeWattsPerThread;
    this.assumptions = [
      'ESTIMATE, not a measurement: power = TDP ÷ hardware threads × busy threads (linear in CPU utilisation, 0 W when idle)',
      `TDP: ${tdp.description}${tdp.how === 'table' ? '' : ` — pass --tdp-watts for this CPU (range ${(lo * logical).toFixed(1)}–${(hi * logical).toFixed(1)} W on ${logical} threads)`}`,
      'TDP is a thermal design figure, not measured power: turbo can exceed it, light loads draw less per busy thread; SMT siblings are counted as full threads',
      'CPU only: memory, GPU, display, fans and power-supply losses are not included',
      "utilisation from CPU-time counters: headline = edgebench's own CPU time (process.cpuUsage(), incl. runtime threads that spin-wait); domain cpu = the whole system (os.cpus(), 10 ms ticks on Linux)",
    ];
    this.detail = {
      cpuModel: model,
      logicalCores: logical,
      wattsPerThread: roundValue(tdp.wattsPerThread),
      tdpFrom: userTdp ? '--tdp-watts' : tdp.how,
    };
  }

  private onReading(t: number, v: (string | number)[]): void {
    const [busyMs, , procUs] = v.map(Number);
    if (busyMs === undefined || procUs === undefined || !Number.isFinite(busyMs) || !Number.isFinite(procUs)) return;
    this.first ??= [busyMs, procUs];
    const w = this.tdp.wattsPerThread;
    const sysJ = ((busyMs - this.first[0]!) / 1000) * w;
    const procJ = ((procUs - this.first[1]!) / 1e6) * w;
    this.rec.samples.push({ tMs: roundMs(t), values: [roundValue(sysJ), roundValue(procJ)] });
  }

  async start(): Promise<void> {
    this.first = null;
    await this.rec.start({ kind: 'cpu', intervalMs: this.sampleIntervalMs }, (m) => m.type === 'sample' && this.onReading(m.t, m.values));
  }

  async sample(): Promise<void> {
    this.rec.sampleNow();
  }

  stop(): Promise<Recording> {
    return this.rec.stop();
  }

  /** full-load power of the threads this OS sees (for messages) */
  get fullLoadWatts(): number {
    return this.tdp.wattsPerThread * this.logical;
  }
}
