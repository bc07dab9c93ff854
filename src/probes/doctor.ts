/**
 * `edgebench doctor` data: environment, execution providers, runners, memory bandwidth and
 * matmul-kernel probes. Every part is caught separately — one failing probe never hides the rest.
 * Later features (energy meters…) add parts with registerDoctorSection().
 */
import { loadavg } from 'node:os';
import type { ModelArch } from '../models/arch.ts';
import type { Environment } from '../results/schema.ts';
import { collectEnvironment } from './environment.ts';
import { probeExecutionProviders, type EpAvailability } from './execution-providers.ts';
import type { KernelVariant } from './kernel-graphs.ts';
import { probeKernels, type KernelPhase, type KernelProbeResult } from './kernels.ts';
import { LLAMA_3_2_1B } from './llama-arch.ts';
import { probeMemoryBandwidth, type MemoryBandwidth } from './memory-bandwidth.ts';
import { energyDoctorSection } from './energy/doctor-section.ts';

/** Structurally a subset of RunnerFactory (src/runners/types.ts), so runners can be passed as they are. */
export interface DoctorRunner {
  readonly id: string;
  readonly description?: string;
  probe(opts: {
    ep: string;
    threads: number | null;
    settings: Record<string, string | number | boolean>;
  }): Promise<{ ok: true; detail?: string } | { ok: false; reason: string; hint: string }>;
}

export interface RunnerStatus {
  id: string;
  description: string | null;
  ok: boolean;
  reason?: string;
  hint?: string;
}

export type Failed = { error: string };

export interface DoctorSectionResult {
  /** lines for the text report */
  lines: string[];
  /** what --json prints for this section */
  data: unknown;
}
export type DoctorSection = (ctx: { threads: number; full: boolean }) => Promise<DoctorSectionResult>;

export interface DoctorOptions {
  threads?: number;
  full?: boolean;
  /** skip the timing probes (bandwidth, kernels): environment, EPs and runners only */
  fast?: boolean;
  runners?: readonly DoctorRunner[];
  /** kernel shapes to probe (default Llama-3.2-1B) */
  arch?: { name: string; arch: ModelArch };
  /** test hooks: smaller probes */
  bandwidthBytes?: number;
  kernelStreamBytes?: number;
  onProgress?: (what: string) => void;
}

export interface DoctorReport {
  threads: number;
  full: boolean;
  environment: Environment;
  executionProviders: EpAvailability[];
  runners: RunnerStatus[];
  /** keyed by thread count */
  memoryBandwidth: Record<string, MemoryBandwidth | Failed> | null;
  kernels: ({ arch: string } & (KernelProbeResult | Failed)) | null;
  sections: Record<string, DoctorSectionResult | Failed>;
  /** things that make the figures above less trustworthy, each with what to do */
  warnings: string[];
  elapsedMs: number;
}

const sections = new Map<string, DoctorSection>([['energy sources', energyDoctorSection]]);

/** Add a part to the doctor report (e.g. energy meters). Registering a name again replaces it. */
export function registerDoctorSection(name: string, fn: DoctorSection): void {
  sections.set(name, fn);
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? 'unknown error';

async function attempt<T>(fn: () => Promise<T>): Promise<T | Failed> {
  try {
    return await fn();
  } catch (e) {
    return { error: message(e) };
  }
}

async function probeRunners(runners: readonly DoctorRunner[], threads: number): Promise<RunnerStatus[]> {
  return Promise.all(
    runners.map(async (r) => {
      const description = r.description ?? null;
      try {
        const a = await r.probe({ ep: 'cpu', threads, settings: {} });
        return a.ok ? { id: r.id, description, ok: true } : { id: r.id, description, ok: false, reason: a.reason, hint: a.hint };
      } catch (e) {
        return { id: r.id, description, ok: false, reason: message(e) };
      }
    }),
  );
}

export async function runDoctor(opts: DoctorOptions = {}): Promise<DoctorReport> {
  const t0 = performance.now();
  const progress = opts.onProgress ?? ((): void => {});
  const full = opts.full ?? false;
  progress('environment');
  const environment = await collectEnvironment();
  const threads = opts.threads ?? Math.max(1, environment.cpu.physicalCores || environment.cpu.logicalCores);
  progress('execution providers, runners');
  const [executionProviders, runners] = await Promise.all([probeExecutionProviders(), probeRunners(opts.runners ?? [], threads)]);

  let memoryBandwidth: DoctorReport['memoryBandwidth'] = null;
  let kernels: DoctorReport['kernels'] = null;
  const warnings: string[] = [];
  if (!opts.fast) {
    warnings.push(...busyWarning(environment.cpu.logicalCores));
    memoryBandwidth = {};
    const threadCounts = full && threads > 1 ? [1, threads] : [threads];
    for (const t of threadCounts) {
      progress(`memory bandwidth, ${t} thread${t > 1 ? 's' : ''}`);
      memoryBandwidth[String(t)] = await attempt(() =>
        probeMemoryBandwidth({ threads: t, bufferBytes: opts.bandwidthBytes, ...(full ? { timeMs: 1500, iterations: 10 } : {}) }),
      );
    }
    warnings.push(...contentionWarning(memoryBandwidth[String(threads)]));
    const { name, arch } = opts.arch ?? { name: 'llama-3.2-1b', arch: LLAMA_3_2_1B };
    const variants: KernelVariant[] = full ? ['q4-acc4', 'q4-acc0', 'fp32'] : ['q4-acc4'];
    const phases: KernelPhase[] = full ? ['decode', 'prefill'] : ['decode'];
    progress(`matmul kernels (${name} shapes: ${variants.join(', ')}; ${phases.join(', ')})`);
    const res = await attempt(() =>
      probeKernels(arch, {
        threads,
        variants,
        phases,
        streamBytes: opts.kernelStreamBytes,
        ...(full ? { timeMs: 500, iterations: 5, prefillTokens: 128 } : {}),
      }),
    );
    kernels = { arch: name, ...res };
  }

  const extra: DoctorReport['sections'] = {};
  for (const [name, fn] of sections) {
    progress(name);
    extra[name] = await attempt(() => fn({ threads, full }));
  }
  return {
    threads,
    full,
    environment,
    executionProviders,
    runners,
    memoryBandwidth,
    kernels,
    sections: extra,
    warnings,
    elapsedMs: performance.now() - t0,
  };
}

/** The bandwidth probe got much less CPU than it asked for: its figures are low. */
function contentionWarning(bw: MemoryBandwidth | Failed | undefined): string[] {
  if (!bw || isFailed(bw) || bw.ort.cpuShare >= 0.75) return [];
  const pct = Math.round(100 * bw.ort.cpuShare);
  return [
    `the ORT bandwidth probe got ${pct} % of the ${bw.ort.threads} core(s) it asked for: other processes competed, so bandwidth and kernel figures are low — rerun on an idle machine`,
  ];
}

/** Other work on the CPU slows every probe (1-min load average, Linux/macOS). */
function busyWarning(cores: number): string[] {
  const load = loadavg()[0] ?? 0;
  if (cores <= 0 || load < Math.max(1, cores / 2)) return [];
  return [
    `the system was busy (1-min load average ${load.toFixed(1)} on ${cores} logical cores): bandwidth and kernel figures may be low — close other work and run \`edgebench doctor\` again`,
  ];
}

export function isFailed(x: object): x is Failed {
  return 'error' in x && typeof (x as Failed).error === 'string';
}
