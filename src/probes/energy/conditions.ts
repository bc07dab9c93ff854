/**
 * Power and thermal state around a cell: AC or battery, battery level, CPU governor and the
 * temperatures this platform lets us read. Never throws and never takes more than ~1.5 s.
 */
import { readFile } from 'node:fs/promises';
import si from 'systeminformation';
import { nowMs } from '../../clock.ts';
import type { EnergyConditions } from '../../results/energy-schema.ts';
import type { EnergySource } from './interface.ts';

async function within<T>(p: Promise<T>, fallback: T, ms = 1500): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<T>((r) => (timer = setTimeout(() => r(fallback), ms)))]);
  } catch {
    return fallback;
  } finally {
    clearTimeout(timer);
  }
}

const temp = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) && x > -50 && x < 150 ? x : null);

export async function readConditions(source?: EnergySource): Promise<EnergyConditions> {
  const atMs = nowMs();
  const [battery, cpuTemp, governor, extra] = await Promise.all([
    within(si.battery(), null),
    within(si.cpuTemperature(), null),
    within(
      readFile('/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor', 'utf8').then((s) => s.trim() || null),
      null,
    ),
    source?.temperatures ? within(source.temperatures(), {}) : Promise.resolve({}),
  ]);
  const temperaturesC: Record<string, number> = { ...extra };
  const main = temp(cpuTemp?.main);
  const max = temp(cpuTemp?.max);
  if (main !== null) temperaturesC.cpu = main;
  if (max !== null) temperaturesC['cpu-max'] = max;
  const hasBattery = battery?.hasBattery === true;
  return {
    atMs,
    powerSource: battery === null ? 'unknown' : !hasBattery || battery.acConnected ? 'ac' : 'battery',
    batteryPercent: hasBattery && battery.percent >= 0 && battery.percent <= 100 ? battery.percent : null,
    governor,
    temperaturesC,
  };
}
