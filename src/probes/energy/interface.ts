/**
 * One interface for every energy source: a probe that says whether the source works here (and how
 * to make it work when it does not), and a source that records samples between start() and stop().
 * Samples are counters (cumulative joules) or power readings (watts), one value per domain, timed
 * on the process monotonic clock (src/clock.ts) so they line up with request traces.
 */
import type { EnergySample, EnergySourceId, EnergyTrace, Scalar, UncertaintyClass } from '../../results/energy-schema.ts';
import type { z } from 'zod';

export interface Recording {
  samples: EnergySample[];
  /** set when the source stopped delivering mid-recording (file gone, process exited, AC plugged in) */
  lost: { atMs: number; reason: string } | null;
}

export interface EnergySource {
  readonly id: EnergySourceId;
  readonly method: 'measured' | 'estimated';
  readonly kind: EnergyTrace['kind'];
  readonly powerSemantics?: EnergyTrace['powerSemantics'];
  readonly domains: readonly string[];
  /** domains summed into the headline figure */
  readonly headlineDomains: readonly string[];
  readonly sampleIntervalMs: number;
  /** windows below this cannot be resolved however dense the samples (e.g. 1 s power averaging) */
  readonly resolutionFloorMs: number;
  readonly sourceClass: UncertaintyClass;
  readonly assumptions: readonly string[];
  readonly detail: Readonly<Record<string, z.infer<typeof Scalar>>>;
  /** begin a fresh recording (sampling in the background) */
  start(): Promise<void>;
  /** take one sample now where the source can (counters); a no-op for streams and logs */
  sample(): Promise<void>;
  /** end the recording and return its samples */
  stop(): Promise<Recording>;
  /** optional extra temperatures (°C by sensor) the source can read, for the cell's conditions */
  temperatures?(): Promise<Record<string, number>>;
}

export type Probe = { ok: true; source: EnergySource; note?: string } | { ok: false; reason: string; hint: string };

/** The --energy choices. */
export const ENERGY_CHOICES = ['auto', 'rapl', 'nvidia-smi', 'powermetrics', 'battery', 'estimate', 'meter-csv:PATH', 'off'] as const;

export type EnergyChoice =
  | { kind: 'off' }
  | { kind: 'auto' }
  | { kind: 'rapl' | 'nvidia-smi' | 'powermetrics' | 'battery' | 'estimate' }
  | { kind: 'meter-csv'; path: string };

export interface EnergyProbeOptions {
  /** --tdp-watts: the CPU's power at full load, spread over the logical cores this OS sees */
  tdpWatts?: number;
  /** execution providers of the suite (auto prefers nvidia-smi for cuda/tensorrt) */
  eps?: readonly string[];
}

/** Round for storage: ms to µs, joules/watts to 6 significant decimals. */
export const roundMs = (x: number): number => Math.round(x * 1000) / 1000;
export const roundValue = (x: number): number => Math.round(x * 1e6) / 1e6;
