/**
 * Per-kernel probes: time a model's own matmul shapes on ONNX Runtime (CPU EP) at M=1 (decode)
 * and M=pp (prefill), and derive the "kernel roofline" — the decode tok/s the matmuls alone allow
 * (attention, norms and sampling excluded, so a real model is always slower). Prefill times
 * lm_head over all M positions, as exports that return logits for every position do.
 */
import type { ModelArch } from '../models/arch.ts';
import { buildKernelModel, matmulKernels, weightBytes, type KernelVariant } from './kernel-graphs.ts';
import { createCpuSession, floatTensor, runOnce } from './ort-session.ts';
import { timeAsync, type TimingOptions, type TimingSummary } from './timing.ts';

export type KernelPhase = 'decode' | 'prefill';

export interface KernelProbeOptions extends TimingOptions {
  threads?: number;
  variants?: KernelVariant[];
  phases?: KernelPhase[];
  /** M for the prefill phase (default 64) */
  prefillTokens?: number;
  /** decode graphs hold copies of a kernel until their weights reach this many bytes (≫ LLC) */
  streamBytes?: number;
  /** only these kernels (by name, e.g. ['q_proj','lm_head']); default all */
  kernels?: string[];
}

export interface KernelTiming {
  kernel: string;
  variant: KernelVariant;
  phase: KernelPhase;
  m: number;
  k: number;
  n: number;
  /** copies of the kernel in the timed graph (times below are per copy) */
  copies: number;
  /** fastest iteration (the rooflines use it: they are upper bounds) */
  ms: number;
  medianMs: number;
  gflopPerS: number;
  /** weight bytes streamed per second */
  weightGBPerS: number;
  weightBytes: number;
  summary: TimingSummary;
}

export interface KernelRoofline {
  variant: KernelVariant;
  phase: KernelPhase;
  /** Σ per-token count × kernel time: matmul time per decoded token (decode) or per prompt (prefill) */
  msPerStep: number;
  /** decode: tokens/s the matmuls allow; prefill: prompt tokens/s */
  maxTokensPerS: number;
  weightBytesPerStep: number;
  /** weightBytesPerStep ÷ msPerStep */
  effectiveGBPerS: number;
  /** true when some kernels were filtered out (the roofline then covers only those timed) */
  partial: boolean;
}

export interface KernelProbeResult {
  threads: number;
  prefillTokens: number;
  timings: KernelTiming[];
  rooflines: KernelRoofline[];
}

export const KERNEL_TIMING: Required<TimingOptions> = { timeMs: 150, iterations: 3, warmupMs: 0, warmupIterations: 1 };

interface ShapeGroup {
  k: number;
  n: number;
  names: string[];
}

function uniqueShapes(arch: ModelArch, only?: string[]): ShapeGroup[] {
  const groups = new Map<string, ShapeGroup>();
  for (const kern of matmulKernels(arch)) {
    if (only && !only.includes(kern.name)) continue;
    const key = `${kern.k}x${kern.n}`;
    const g = groups.get(key) ?? { k: kern.k, n: kern.n, names: [] };
    g.names.push(kern.name);
    groups.set(key, g);
  }
  return [...groups.values()];
}

interface Run {
  phase: KernelPhase;
  m: number;
}

/** Time the shape at each M on one session holding `copies` copies of the kernel. */
async function timeShape(
  variant: KernelVariant,
  g: ShapeGroup,
  copies: number,
  runs: Run[],
  threads: number,
  timing: TimingOptions,
): Promise<TimingSummary[]> {
  const session = await createCpuSession(buildKernelModel(variant, g.k, g.n, copies), threads);
  try {
    const out: TimingSummary[] = [];
    for (const { m } of runs) {
      const a = floatTensor(new Float32Array(m * g.k).fill(0.5), [m, g.k]);
      out.push(await timeAsync(`${variant}-${g.k}x${g.n}-m${m}`, () => runOnce(session, { a }), timing));
    }
    return out;
  } finally {
    await session.release();
  }
}

/** Time every distinct matmul shape of `arch`; kernels sharing a shape share the timing. */
export async function probeKernels(arch: ModelArch, opts: KernelProbeOptions = {}): Promise<KernelProbeResult> {
  const threads = opts.threads ?? 1;
  const variants = opts.variants ?? ['q4-acc4'];
  const phases = opts.phases ?? ['decode'];
  const pp = opts.prefillTokens ?? 64;
  const streamBytes = opts.streamBytes ?? 128 * 1024 * 1024;
  const timing: TimingOptions = {
    timeMs: opts.timeMs ?? KERNEL_TIMING.timeMs,
    iterations: opts.iterations ?? KERNEL_TIMING.iterations,
    warmupMs: opts.warmupMs ?? KERNEL_TIMING.warmupMs,
    warmupIterations: opts.warmupIterations ?? KERNEL_TIMING.warmupIterations,
  };
  const timings: KernelTiming[] = [];
  for (const variant of variants) {
    for (const g of uniqueShapes(arch, opts.kernels)) {
      const bytes = weightBytes(variant, g.k, g.n);
      // decode reads every weight from DRAM: enough copies to exceed the cache; prefill is
      // compute-bound, one copy is enough (and many would be slow). Equal copy counts share a session.
      const decodeCopies = Math.min(256, Math.max(1, Math.ceil(streamBytes / bytes)));
      const plans = new Map<number, Run[]>();
      for (const phase of phases) {
        const copies = phase === 'decode' ? decodeCopies : 1;
        plans.set(copies, [...(plans.get(copies) ?? []), { phase, m: phase === 'decode' ? 1 : pp }]);
      }
      for (const [copies, runs] of plans) {
        const summaries = await timeShape(variant, g, copies, runs, threads, timing);
        runs.forEach(({ phase, m }, i) => {
          const summary = summaries[i] as TimingSummary;
          const ms = summary.minMs / copies;
          for (const name of g.names) {
            timings.push({
              kernel: name,
              variant,
              phase,
              m,
              k: g.k,
              n: g.n,
              copies,
              ms,
              medianMs: summary.medianMs / copies,
              gflopPerS: (2 * m * g.k * g.n) / (ms * 1e6),
              weightGBPerS: bytes / (ms * 1e6),
              weightBytes: bytes,
              summary,
            });
          }
        });
      }
    }
  }
  return { threads, prefillTokens: pp, timings, rooflines: kernelRooflines(arch, timings, pp, Boolean(opts.kernels)) };
}

/** Sum kernel times over one decode step (or one prompt of `pp` tokens) per variant and phase. */
export function kernelRooflines(arch: ModelArch, timings: KernelTiming[], pp: number, partial: boolean): KernelRoofline[] {
  const perToken = new Map(matmulKernels(arch).map((k) => [k.name, k.perToken]));
  const out: KernelRoofline[] = [];
  const keys = new Set(timings.map((t) => `${t.variant}|${t.phase}`));
  for (const key of keys) {
    const sel = timings.filter((t) => `${t.variant}|${t.phase}` === key);
    const first = sel[0];
    if (!first) continue;
    let ms = 0;
    let bytes = 0;
    for (const t of sel) {
      const count = perToken.get(t.kernel) ?? 1;
      ms += count * t.ms;
      bytes += count * t.weightBytes;
    }
    const tokens = first.phase === 'decode' ? 1 : pp;
    out.push({
      variant: first.variant,
      phase: first.phase,
      msPerStep: ms,
      maxTokensPerS: (1000 * tokens) / ms,
      weightBytesPerStep: bytes,
      effectiveGBPerS: bytes / (ms * 1e6),
      partial,
    });
  }
  return out;
}
