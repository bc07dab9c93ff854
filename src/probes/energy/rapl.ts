/**
 * Linux powercap RAPL: /sys/class/powercap/intel-rapl:N[:M]/energy_uj (also on AMD Zen). Each zone
 * is a µJ counter that wraps at max_energy_range_uj. Since Linux 5.10 (CVE-2020-8694, "PLATYPUS")
 * energy_uj is readable by root only. The root path is EDGEBENCH_POWERCAP_ROOT for tests.
 */
import { SampledRecording } from './sampled-recording.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnergySource, Probe, Recording } from './interface.ts';
import { roundMs, roundValue } from './interface.ts';

export const RAPL_INTERVAL_MS = 20;

export const powercapRoot = (): string => process.env.EDGEBENCH_POWERCAP_ROOT ?? '/sys/class/powercap';

export interface RaplZone {
  id: string; // intel-rapl:0:2
  domain: string; // dram-0
  energyFile: string;
  maxRangeUj: number | null;
}

export const RAPL_ACCESS_HINT =
  'run as root (sudo npx edgebench run --energy rapl), or grant read access: `sudo chmod o+r /sys/class/powercap/intel-rapl:*/energy_uj` ' +
  '(until reboot) or persistently with a udev rule in /etc/udev/rules.d/99-rapl.rules: ' +
  '`ACTION=="add", SUBSYSTEM=="powercap", KERNEL=="intel-rapl:*", RUN+="/bin/chmod o+r /sys%p/energy_uj"` — ' +
  'this re-opens the PLATYPUS power side channel to local users, so do it only on a benchmarking machine';

/** Counter difference across a wrap at maxRange (µJ); null when the counter went back without a known range (reset). */
export function counterDelta(prev: number, cur: number, maxRange: number | null): number | null {
  if (cur >= prev) return cur - prev;
  if (maxRange === null || maxRange <= prev) return null;
  return maxRange - prev + cur;
}

const readTrim = (f: string): string => readFileSync(f, 'utf8').trim();

/** Domain names as users know them: package-0, core-0, uncore-0, dram-0, psys. */
function domainName(id: string, name: string): string {
  const pkg = /^intel-rapl(?:-mmio)?:(\d+)/.exec(id)?.[1] ?? '0';
  if (name.startsWith('package-') || name === 'psys') return name;
  return `${name}-${pkg}`;
}

export function listRaplZones(root = powercapRoot()): RaplZone[] {
  const ids = readdirSync(root)
    .filter((d) => /^intel-rapl:\d+(:\d+)?$/.test(d))
    .sort();
  return ids.map((id) => {
    const dir = join(root, id);
    let maxRangeUj: number | null = null;
    try {
      const v = Number(readTrim(join(dir, 'max_energy_range_uj')));
      maxRangeUj = Number.isFinite(v) && v > 0 ? v : null;
    } catch {
      /* some kernels hide it too; wraps then count as resets */
    }
    return { id, domain: domainName(id, readTrim(join(dir, 'name'))), energyFile: join(dir, 'energy_uj'), maxRangeUj };
  });
}

/** psys covers the whole SoC; without it, packages + DRAM (package excludes DRAM; core/uncore are inside package). */
export function raplHeadline(domains: readonly string[]): string[] {
  if (domains.includes('psys')) return ['psys'];
  return domains.filter((d) => d.startsWith('package-') || d.startsWith('dram-'));
}

/**
 * `readEnergy` reads one energy_uj file (trimmed); tests pass a reader that opens it as an
 * unprivileged user, so the permission-denied path meets a real EACCES even when they run as root.
 */
export function probeRapl(root = powercapRoot(), readEnergy: (file: string) => string = readTrim): Probe {
  if (process.platform !== 'linux' && root === '/sys/class/powercap')
    return {
      ok: false,
      reason: 'RAPL powercap is Linux-only',
      hint: 'on macOS use --energy powermetrics; elsewhere an external meter (--energy meter-csv:FILE)',
    };
  let zones: RaplZone[];
  try {
    zones = listRaplZones(root);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      ok: false,
      reason: `${root}: ${code === 'ENOENT' ? 'no powercap interface (VM, container, or kernel without intel_rapl)' : (e as Error).message}`,
      hint: 'on bare metal: sudo modprobe intel_rapl_msr; in a VM or container RAPL is usually not passed through — use an external meter (--energy meter-csv:FILE)',
    };
  }
  if (zones.length === 0)
    return {
      ok: false,
      reason: `${root}: no intel-rapl zones`,
      hint: 'sudo modprobe intel_rapl_msr (Intel, and AMD Zen on Linux ≥ 5.8); VMs rarely expose RAPL',
    };
  for (const z of zones) {
    try {
      Number(readEnergy(z.energyFile));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM')
        return {
          ok: false,
          reason: `permission denied reading ${z.energyFile} (root-only since Linux 5.10, CVE-2020-8694)`,
          hint: RAPL_ACCESS_HINT,
        };
      return {
        ok: false,
        reason: `${z.energyFile}: ${(e as Error).message}`,
        hint: 'check that the intel_rapl driver is loaded (lsmod | grep rapl)',
      };
    }
  }
  return { ok: true, source: new RaplSource(zones), note: zones.map((z) => z.domain).join(', ') };
}

export class RaplSource implements EnergySource {
  readonly id = 'rapl' as const;
  readonly method = 'measured' as const;
  readonly kind = 'counter' as const;
  readonly domains: string[];
  readonly headlineDomains: string[];
  readonly sampleIntervalMs = RAPL_INTERVAL_MS;
  readonly resolutionFloorMs = 0;
  readonly sourceClass = 'fine' as const;
  readonly assumptions = [
    'RAPL energy counters (package = cores + uncore; DRAM separate; psys = whole SoC platform where present)',
    'on pre-Haswell Intel and some AMD parts RAPL is a model of power, not a measurement',
    'excludes display, storage, fans and power-supply losses',
  ];
  readonly detail: Record<string, string | number | null>;
  private readonly rec = new SampledRecording();
  private last: number[] = [];
  private cumulative: number[] = [];

  constructor(private readonly zones: RaplZone[]) {
    this.domains = zones.map((z) => z.domain);
    this.headlineDomains = raplHeadline(this.domains);
    this.detail = { root: powercapRoot(), zones: zones.map((z) => `${z.id}=${z.domain}`).join(' ') };
  }

  private onReading(t: number, raw: (string | number)[]): void {
    if (raw.some((v) => !/^\d+$/.test(String(v)))) return; // never seen on sysfs; skip rather than misread as 0
    const uj = raw.map(Number);
    if (this.last.length === 0) {
      this.last = uj;
      this.cumulative = uj.map(() => 0);
    } else {
      for (let i = 0; i < uj.length; i++) {
        const d = counterDelta(this.last[i]!, uj[i]!, this.zones[i]!.maxRangeUj);
        // an unexplained step back is a counter reset: count nothing for that step
        this.cumulative[i] = this.cumulative[i]! + (d ?? 0) / 1e6;
      }
      this.last = uj;
    }
    this.rec.samples.push({ tMs: roundMs(t), values: this.cumulative.map(roundValue) });
  }

  async start(): Promise<void> {
    this.last = [];
    const task = { kind: 'files' as const, paths: this.zones.map((z) => z.energyFile), intervalMs: this.sampleIntervalMs };
    await this.rec.start(task, (m) => m.type === 'sample' && this.onReading(m.t, m.values), 'RAPL read failed: ');
  }

  async sample(): Promise<void> {
    this.rec.sampleNow();
  }

  stop(): Promise<Recording> {
    return this.rec.stop();
  }
}
