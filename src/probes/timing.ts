/**
 * The probes' timing loop: tinybench with warmup, a minimum iteration count and a minimum time.
 * Probes report the median (robust to the odd preemption on a shared machine) plus the spread.
 */
import { Bench } from 'tinybench';

export interface TimingOptions {
  /** minimum measured time in ms (tinybench `time`) */
  timeMs?: number;
  /** minimum measured iterations (tinybench `iterations`) */
  iterations?: number;
  warmupMs?: number;
  warmupIterations?: number;
}

/** Latency summary in ms over the measured iterations. */
export interface TimingSummary {
  n: number;
  medianMs: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
  sdMs: number;
  /** relative margin of error of the mean, % (tinybench rme) */
  rmePct: number;
  /** wall time and this process's CPU time (all threads) over the whole loop, warmup included */
  wallMs: number;
  cpuMs: number;
}

export const DEFAULT_TIMING: Required<TimingOptions> = { timeMs: 400, iterations: 5, warmupMs: 50, warmupIterations: 2 };

/** Share of `threads` cores the process actually got while timing: well below 1 means other work competed. */
export function cpuShare(s: TimingSummary, threads: number): number {
  return s.wallMs > 0 ? s.cpuMs / (s.wallMs * threads) : 0;
}

/** Time a synchronous `fn`; rethrows its error. */
export function timeSync(name: string, fn: () => unknown, opts: TimingOptions = {}): Promise<TimingSummary> {
  return timeFn(name, fn, false, opts);
}

/** Time an async `fn` (each call awaited before the next); rethrows its error. */
export function timeAsync(name: string, fn: () => Promise<unknown>, opts: TimingOptions = {}): Promise<TimingSummary> {
  return timeFn(name, fn, true, opts);
}

// `async` is passed explicitly: left to detect it, tinybench calls a plain function once
// without awaiting it, which would overlap that call with the first timed one.
async function timeFn(name: string, fn: () => unknown, isAsync: boolean, opts: TimingOptions): Promise<TimingSummary> {
  const o = {
    timeMs: opts.timeMs ?? DEFAULT_TIMING.timeMs,
    iterations: opts.iterations ?? DEFAULT_TIMING.iterations,
    warmupMs: opts.warmupMs ?? DEFAULT_TIMING.warmupMs,
    warmupIterations: opts.warmupIterations ?? DEFAULT_TIMING.warmupIterations,
  };
  const bench = new Bench({
    time: o.timeMs,
    iterations: o.iterations,
    warmup: o.warmupIterations > 0 || o.warmupMs > 0,
    warmupTime: o.warmupMs,
    warmupIterations: o.warmupIterations,
    throws: true,
  });
  bench.add(name, fn, { async: isAsync });
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const [task] = await bench.run();
  const wallMs = performance.now() - wall0;
  const cpu = process.cpuUsage(cpu0);
  const r = task?.result;
  if (!r || (r.state !== 'completed' && r.state !== 'aborted-with-statistics')) {
    throw new Error(`timing of ${name} did not complete (state ${r?.state ?? 'none'})`);
  }
  const l = r.latency;
  return {
    n: l.samplesCount,
    medianMs: l.p50,
    meanMs: l.mean,
    minMs: l.min,
    maxMs: l.max,
    sdMs: l.sd,
    rmePct: l.rme,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}
