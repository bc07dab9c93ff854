/**
 * Laptop/phone battery discharge through systeminformation: remaining energy (mWh, or mAh × V)
 * read every 2 s while on battery. Coarse: fuel gauges update every few seconds to a minute in
 * steps of ~1 mWh (3.6 J) and include the whole system (display, radios…), so only long windows
 * pooled over many requests give a figure. Useless on AC power (the charger feeds the load).
 */
import si, { type Systeminformation } from 'systeminformation';
import { nowMs } from '../../clock.ts';
import type { EnergySample } from '../../results/energy-schema.ts';
import type { EnergySource, Probe, Recording } from './interface.ts';
import { roundMs, roundValue } from './interface.ts';

export const BATTERY_INTERVAL_MS = 2000;

export type BatteryReading = Pick<
  Systeminformation.BatteryData,
  'hasBattery' | 'acConnected' | 'isCharging' | 'percent' | 'currentCapacity' | 'capacityUnit' | 'voltage'
>;
export type BatteryReader = () => Promise<BatteryReading>;

const defaultReader: BatteryReader = () => si.battery();

/** Remaining energy in joules, or null when the gauge reports neither mWh nor mAh with a voltage. */
export function remainingJoules(b: BatteryReading): number | null {
  if (!(b.currentCapacity > 0)) return null;
  const unit = b.capacityUnit.toLowerCase();
  if (unit === 'mwh') return b.currentCapacity * 3.6;
  if (unit === 'wh') return b.currentCapacity * 3600;
  if (unit === 'mah' && b.voltage > 0) return b.currentCapacity * b.voltage * 3.6;
  return null;
}

export async function probeBattery(read: BatteryReader = defaultReader): Promise<Probe> {
  let b: BatteryReading;
  try {
    b = await read();
  } catch (e) {
    return { ok: false, reason: `battery unreadable: ${(e as Error).message}`, hint: 'use another source' };
  }
  if (!b.hasBattery) return { ok: false, reason: 'no battery', hint: 'battery discharge only works on laptops, tablets and phones' };
  if (b.acConnected || b.isCharging)
    return {
      ok: false,
      reason: 'on AC power: the charger feeds the load, the battery does not measure it',
      hint: 'unplug the charger and run for several minutes (--min-time 300); the figure stays coarse',
    };
  if (remainingJoules(b) === null)
    return {
      ok: false,
      reason: `the battery gauge reports no usable capacity (${b.currentCapacity} ${b.capacityUnit || 'no unit'})`,
      hint: 'use another source',
    };
  return { ok: true, source: new BatterySource(read), note: `${b.percent} %, ${b.currentCapacity} ${b.capacityUnit} left` };
}

export class BatterySource implements EnergySource {
  readonly id = 'battery' as const;
  readonly method = 'measured' as const;
  readonly kind = 'counter' as const;
  readonly domains = ['battery'];
  readonly headlineDomains = ['battery'];
  readonly sampleIntervalMs = BATTERY_INTERVAL_MS;
  readonly resolutionFloorMs = 0;
  readonly sourceClass = 'coarse' as const;
  readonly assumptions = [
    'battery discharge: energy drawn by the whole system (display, radios, storage…), from the fuel gauge',
    'the gauge updates in steps (seconds to a minute, ~1 mWh = 3.6 J): only long runs give a figure, never per request',
    'mAh gauges are converted with the present voltage',
  ];
  readonly detail = { reader: 'systeminformation battery()' };
  private timer: NodeJS.Timeout | null = null;
  private samples: EnergySample[] = [];
  private first: number | null = null;
  private lost: Recording['lost'] = null;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(private readonly read: BatteryReader = defaultReader) {}

  private async readOnce(): Promise<void> {
    const t = nowMs();
    try {
      const b = await this.read();
      const j = remainingJoules(b);
      if (!b.hasBattery || b.acConnected || b.isCharging || j === null) {
        this.lost ??= {
          atMs: t,
          reason:
            !b.hasBattery || j === null
              ? 'battery gauge stopped reporting'
              : 'AC power connected: battery discharge no longer measures the load',
        };
        return;
      }
      if (this.lost) return;
      this.first ??= j;
      this.samples.push({ tMs: roundMs(t), values: [roundValue(this.first - j)] });
    } catch (e) {
      this.lost ??= { atMs: t, reason: `battery unreadable: ${(e as Error).message}` };
    }
  }

  async start(): Promise<void> {
    this.samples = [];
    this.first = null;
    this.lost = null;
    await this.sample();
    this.timer = setInterval(() => void this.sample(), this.sampleIntervalMs);
    this.timer.unref();
  }

  async sample(): Promise<void> {
    this.inFlight = this.inFlight.then(() => this.readOnce());
    await this.inFlight;
  }

  async stop(): Promise<Recording> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sample();
    return { samples: this.samples, lost: this.lost };
  }
}
