/**
 * Point readings of the machine's state for src/probes/machine-load.ts: CPU clock, temperature,
 * power source. Each returns null (or 'unknown') where the platform does not expose it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

function readNumber(path: string): number | null {
  try {
    const v = Number(readFileSync(path, 'utf8').trim());
    return Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);

/** Mean current clock over cores (MHz): cpufreq where present, else /proc/cpuinfo, else os.cpus(). */
export function readCpuFreqMHz(): number | null {
  const sys = list('/sys/devices/system/cpu').filter((d) => /^cpu\d+$/.test(d));
  const khz = sys
    .map((d) => readNumber(`/sys/devices/system/cpu/${d}/cpufreq/scaling_cur_freq`))
    .filter((x): x is number => x !== null && x > 0);
  if (khz.length) return mean(khz)! / 1000;
  if (process.platform === 'linux') {
    try {
      const mhz = [...readFileSync('/proc/cpuinfo', 'utf8').matchAll(/^cpu MHz\s*:\s*([\d.]+)/gm)]
        .map((m) => Number(m[1]))
        .filter((x) => x > 0);
      if (mhz.length) return mean(mhz);
    } catch {
      // fall through to os.cpus()
    }
  }
  const speeds = cpus()
    .map((c) => c.speed)
    .filter((x) => x > 0);
  return mean(speeds);
}

/** The highest clock the CPU reports (MHz), where cpufreq exposes it. */
export function readMaxFreqMHz(): number | null {
  const khz = readNumber('/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq');
  return khz !== null && khz > 0 ? khz / 1000 : null;
}

/** Highest thermal-zone temperature (°C), Linux only. */
export function readThermalMaxC(): number | null {
  const temps = list('/sys/class/thermal')
    .filter((d) => d.startsWith('thermal_zone'))
    .map((d) => readNumber(`/sys/class/thermal/${d}/temp`))
    .filter((x): x is number => x !== null && x > -50_000 && x < 150_000);
  return temps.length ? Math.max(...temps) / 1000 : null;
}

/** 'ac' when a mains supply is online, 'battery' when a battery discharges, else 'unknown' (Linux sysfs). */
export function readPowerSource(): 'ac' | 'battery' | 'unknown' {
  const base = '/sys/class/power_supply';
  let sawMains = false;
  for (const d of list(base)) {
    let type = '';
    try {
      type = readFileSync(`${base}/${d}/type`, 'utf8').trim();
    } catch {
      continue;
    }
    if (type === 'Mains') {
      sawMains = true;
      if (readNumber(`${base}/${d}/online`) === 1) return 'ac';
    } else if (type === 'Battery') {
      try {
        if (readFileSync(`${base}/${d}/status`, 'utf8').trim() === 'Discharging') return 'battery';
      } catch {
        // no status file
      }
    }
  }
  return sawMains ? 'battery' : 'unknown';
}
