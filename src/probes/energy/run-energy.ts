/**
 * Energy over a run: an idle baseline before the first cell, then one recording per cell around
 * its requests, stored raw in CellResult.energy (trimmed to the measured requests). Never throws
 * into the run: a source that fails or disappears marks the cell (status lost / unavailable) and
 * the run goes on.
 */
import { nowMs } from '../../clock.ts';
import type { CellEnergy, EnergyBaseline, EnergyConditions, EnergySample, EnergyTrace } from '../../results/energy-schema.ts';
import type { RequestTrace } from '../../results/schema.ts';
import { readConditions } from './conditions.ts';
import type { EnergySource, Recording } from './interface.ts';

export interface EnergyCellSession {
  /** end the recording and build the cell's energy record from it and the measured requests */
  stop(requests: readonly RequestTrace[]): Promise<CellEnergy>;
  /** end the recording and drop it (interrupted cell) */
  discard(): Promise<void>;
}

export interface EnergyRun {
  readonly source: EnergySource;
  /** idle power before the run; call once before the first cell */
  measureBaseline(log: (m: string) => void): Promise<void>;
  startCell(): Promise<EnergyCellSession>;
}

/** 20 sample steps, at least 3 s, at most 30 s. */
export function defaultBaselineMs(source: Pick<EnergySource, 'sampleIntervalMs'>): number {
  return Math.min(30_000, Math.max(3000, 20 * source.sampleIntervalMs));
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? 'unknown error';
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function traceOf(source: EnergySource, samples: EnergySample[]): EnergyTrace {
  return {
    kind: source.kind,
    ...(source.powerSemantics ? { powerSemantics: source.powerSemantics } : {}),
    domains: [...source.domains],
    samples,
  };
}

/** Samples around the measured requests: one beyond each end, plus a margin for interval-average readings. */
export function trimToRequests(samples: EnergySample[], requests: readonly RequestTrace[], marginMs: number): EnergySample[] {
  const spans = requests
    .filter((r) => r.phase === 'measured' && r.submitClockMs !== undefined && r.tokenTimesMs.length > 0)
    .map((r) => [r.submitClockMs!, r.submitClockMs! + r.tokenTimesMs.at(-1)!] as const);
  if (spans.length === 0) return samples;
  const lo = Math.min(...spans.map((s) => s[0])) - marginMs;
  const hi = Math.max(...spans.map((s) => s[1])) + marginMs;
  let a = samples.findIndex((s) => s.tMs >= lo);
  if (a < 0) return samples.slice(-1);
  a = Math.max(0, a - 1);
  let b = samples.length - 1;
  while (b > a && samples[b]!.tMs > hi) b--;
  return samples.slice(a, Math.min(samples.length, b + 2));
}

export function createEnergyRun(source: EnergySource, opts: { baselineMs?: number } = {}): EnergyRun {
  let baseline: EnergyBaseline | null = null;
  return {
    source,
    async measureBaseline(log) {
      const ms = opts.baselineMs ?? defaultBaselineMs(source);
      if (ms <= 0) {
        baseline = { startMs: nowMs(), endMs: nowMs(), trace: null, reason: 'no idle baseline (--energy-baseline 0): net figures are n/a' };
        return;
      }
      log(`energy: measuring idle power for ${(ms / 1000).toFixed(1)} s (${source.id}) — keep the machine idle`);
      const startMs = nowMs();
      let rec: Recording;
      try {
        await source.start();
        await sleep(ms);
        rec = await source.stop();
      } catch (e) {
        baseline = { startMs, endMs: nowMs(), trace: null, reason: `baseline failed: ${message(e)}` };
        return;
      }
      const endMs = nowMs();
      if (rec.lost || rec.samples.length < 2) {
        baseline = {
          startMs,
          endMs,
          trace: null,
          reason: rec.lost ? `source lost during the baseline: ${rec.lost.reason}` : 'too few samples during the baseline',
        };
        log(`energy: ${baseline.reason}; net figures will be n/a`);
      } else baseline = { startMs, endMs, trace: traceOf(source, rec.samples) };
    },
    async startCell() {
      const clockAnchor = { wallMs: Date.now(), clockMs: nowMs() };
      const start = await readConditions(source);
      const base = (): Omit<CellEnergy, 'status' | 'trace' | 'conditions'> => ({
        source: source.id,
        method: source.method,
        headlineDomains: [...source.headlineDomains],
        sampleIntervalMs: source.sampleIntervalMs,
        resolutionFloorMs: source.resolutionFloorMs,
        sourceClass: source.sourceClass,
        assumptions: [...source.assumptions],
        detail: { ...source.detail },
        baseline,
        clockAnchor,
      });
      let startError: string | null = null;
      try {
        await source.start();
      } catch (e) {
        startError = message(e);
      }
      const finish = async (
        end: EnergyConditions | null,
        rec: Recording | null,
        requests: readonly RequestTrace[],
      ): Promise<CellEnergy> => {
        const conditions = { start, end };
        if (startError !== null || rec === null)
          return {
            ...base(),
            status: 'unavailable',
            reason: `energy source failed to start: ${startError ?? 'unknown'}`,
            trace: null,
            conditions,
          };
        const margin = Math.max(1000, 5 * source.sampleIntervalMs);
        const samples = trimToRequests(rec.samples, requests, margin);
        if (samples.length === 0)
          return {
            ...base(),
            status: rec.lost ? 'lost' : 'unavailable',
            reason: rec.lost?.reason ?? 'the source delivered no samples',
            trace: null,
            conditions,
            ...(rec.lost ? { lostAtMs: rec.lost.atMs } : {}),
          };
        return {
          ...base(),
          status: rec.lost ? 'lost' : 'ok',
          ...(rec.lost ? { reason: rec.lost.reason, lostAtMs: rec.lost.atMs } : {}),
          trace: traceOf(source, samples),
          conditions,
        };
      };
      return {
        async stop(requests) {
          let rec: Recording | null = null;
          if (startError === null) {
            try {
              rec = await source.stop();
            } catch (e) {
              startError = `stop failed: ${message(e)}`;
            }
          }
          return finish(await readConditions(source), rec, requests);
        },
        async discard() {
          if (startError === null) await source.stop().catch(() => undefined);
        },
      };
    },
  };
}
