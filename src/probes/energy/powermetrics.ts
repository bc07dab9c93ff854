/**
 * macOS powermetrics (root only). Each "*** Sampled system activity (…) (N ms elapsed) ***" block
 * reports mean power over its interval: on Apple Silicon "CPU Power: N mW", "GPU Power: N mW",
 * "ANE Power: N mW"; on Intel Macs "Intel energy model derived package power (CPUs+GT+SA): X W".
 */
import { SampledRecording } from './sampled-recording.ts';
import { access, constants } from 'node:fs/promises';
import type { EnergySource, Probe, Recording } from './interface.ts';
import { roundMs, roundValue } from './interface.ts';

export const POWERMETRICS_INTERVAL_MS = 200;
export const POWERMETRICS_BIN = '/usr/bin/powermetrics';

export interface PowermetricsBlock {
  elapsedMs: number;
  /** watts by domain: cpu, gpu, ane (Apple Silicon) or package (Intel) */
  watts: Record<string, number>;
}

const HEADER = /^\*\*\* Sampled system activity \(.*\) \(([\d.]+)\s*ms elapsed\) \*\*\*/;
const LINES: [RegExp, string, number][] = [
  [/^CPU Power:\s*([\d.]+)\s*mW/, 'cpu', 1e-3],
  [/^GPU Power:\s*([\d.]+)\s*mW/, 'gpu', 1e-3],
  [/^ANE Power:\s*([\d.]+)\s*mW/, 'ane', 1e-3],
  [/^Intel energy model derived package power \(CPUs\+GT\+SA\):\s*([\d.]+)\s*W/, 'package', 1],
];

/** Incremental parser: feed lines, get each block when the next one starts (or on end()). */
export class PowermetricsParser {
  private cur: PowermetricsBlock | null = null;

  /** returns the block that this line completed, if any */
  push(line: string): PowermetricsBlock | null {
    const h = HEADER.exec(line.trim());
    if (h) {
      const done = this.cur;
      this.cur = { elapsedMs: Number(h[1]), watts: {} };
      return done && Object.keys(done.watts).length > 0 ? done : null;
    }
    if (!this.cur) return null;
    for (const [re, domain, scale] of LINES) {
      const m = re.exec(line.trim());
      // the gpu_power sampler repeats "GPU Power" in its own section: keep the first of a block
      if (m && this.cur.watts[domain] === undefined) this.cur.watts[domain] = Number(m[1]) * scale;
    }
    return null;
  }

  end(): PowermetricsBlock | null {
    const done = this.cur;
    this.cur = null;
    return done && Object.keys(done.watts).length > 0 ? done : null;
  }
}

export function parsePowermetricsText(text: string): PowermetricsBlock[] {
  const p = new PowermetricsParser();
  const out: PowermetricsBlock[] = [];
  for (const line of text.split(/\r?\n/)) {
    const b = p.push(line);
    if (b) out.push(b);
  }
  const last = p.end();
  if (last) out.push(last);
  return out;
}

export async function probePowermetrics(bin = POWERMETRICS_BIN): Promise<Probe> {
  if (process.platform !== 'darwin')
    return { ok: false, reason: 'powermetrics is macOS-only', hint: 'on Linux use --energy rapl (Intel/AMD) or nvidia-smi' };
  try {
    await access(bin, constants.X_OK);
  } catch {
    return { ok: false, reason: `${bin} not found`, hint: 'powermetrics ships with macOS; check the path' };
  }
  if (process.getuid?.() !== 0)
    return { ok: false, reason: 'powermetrics needs root', hint: 'sudo npx edgebench run --energy powermetrics' };
  const appleSilicon = process.arch === 'arm64';
  return { ok: true, source: new PowermetricsSource(appleSilicon ? ['cpu', 'gpu', 'ane'] : ['package'], bin) };
}

export class PowermetricsSource implements EnergySource {
  readonly id = 'powermetrics' as const;
  readonly method = 'measured' as const;
  readonly kind = 'power' as const;
  readonly powerSemantics = 'interval-average' as const;
  readonly headlineDomains: string[];
  readonly sampleIntervalMs = POWERMETRICS_INTERVAL_MS;
  readonly resolutionFloorMs = 0;
  readonly sourceClass = 'fine' as const;
  readonly assumptions = [
    'powermetrics: mean power over each sampling interval from the SoC energy counters',
    'Apple Silicon: CPU + GPU + ANE (DRAM, display and the rest of the board are not included); Intel Macs: package power (CPUs + GT + SA), an energy model',
    'each block is timestamped when powermetrics prints it (the end of its interval)',
  ];
  readonly detail: Record<string, string>;
  private readonly rec = new SampledRecording();
  private parser = new PowermetricsParser();
  private lastT = 0;

  constructor(
    readonly domains: string[],
    private readonly bin: string,
  ) {
    this.headlineDomains = [...domains];
    this.detail = { bin, samplers: 'cpu_power,gpu_power' };
  }

  private add(t: number, b: PowermetricsBlock | null): void {
    if (!b) return;
    this.rec.samples.push({
      tMs: roundMs(t),
      intervalMs: b.elapsedMs,
      values: this.domains.map((d) => (b.watts[d] === undefined ? null : roundValue(b.watts[d]!))),
    });
  }

  async start(): Promise<void> {
    this.parser = new PowermetricsParser();
    const args = ['--samplers', 'cpu_power,gpu_power', '-i', String(this.sampleIntervalMs)];
    await this.rec.start({ kind: 'spawn', cmd: this.bin, args }, (m) => {
      if (m.type !== 'line') return;
      // powermetrics prints a block's header when its interval ends; the block is complete at the next header
      this.add(this.lastT, this.parser.push(m.line));
      if (HEADER.test(m.line.trim())) this.lastT = m.t;
    });
  }

  async sample(): Promise<void> {}

  stop(): Promise<Recording> {
    return this.rec.stop(() => this.add(this.lastT, this.parser.end()));
  }
}
