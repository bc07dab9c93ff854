/**
 * Read the device-class evidence from the OS. On Linux from sysfs/procfs under `root` (default '/';
 * tests point it at fixture trees); elsewhere from what systeminformation reports (chassis type
 * and battery), passed in by the caller. Never throws: what cannot be read is null.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ciVariable, type DeviceEvidence } from './device-class.ts';

export interface EvidenceSources {
  /** filesystem root for /sys and /proc (default '/') */
  root?: string;
  env?: Readonly<Record<string, string | undefined>>;
  platform?: string;
  /** facts from systeminformation, used where sysfs has none (macOS, Windows) */
  fallback?: { chassisType: number | null; battery: boolean | null };
}

async function text(path: string): Promise<string | null> {
  try {
    const s = (await readFile(path, 'utf8')).trim();
    return s === '' ? null : s;
  } catch {
    return null;
  }
}

/** A system battery: power_supply entries of type Battery whose scope is not "Device" (peripherals). */
async function systemBattery(root: string): Promise<boolean | null> {
  const dir = join(root, 'sys/class/power_supply');
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return null;
  }
  for (const n of names) {
    const type = await text(join(dir, n, 'type'));
    const scope = await text(join(dir, n, 'scope'));
    if (type === 'Battery' && scope !== 'Device') return true;
  }
  return false;
}

async function hypervisorFlag(root: string): Promise<boolean | null> {
  const info = await text(join(root, 'proc/cpuinfo'));
  if (info === null) return null;
  // x86 lists it in "flags"; on Arm there is no such flag (null would hide a real "no")
  const flags = info.split('\n').find((l) => /^flags\s*:/.test(l));
  if (!flags) return null;
  return /\bhypervisor\b/.test(flags);
}

export async function readDeviceEvidence(s: EvidenceSources = {}): Promise<DeviceEvidence> {
  const root = s.root ?? '/';
  const platform = s.platform ?? process.platform;
  const ci = ciVariable(s.env ?? process.env);
  const dmi = join(root, 'sys/class/dmi/id');
  const [chassisText, vendor, product, battery, hypervisor] = await Promise.all([
    text(join(dmi, 'chassis_type')),
    text(join(dmi, 'sys_vendor')),
    text(join(dmi, 'product_name')),
    systemBattery(root),
    hypervisorFlag(root),
  ]);
  const chassis = chassisText !== null && /^\d+$/.test(chassisText) ? Number(chassisText) : null;
  const dmiVendor = [vendor, product].filter((x): x is string => x !== null).join(' ') || null;
  return {
    chassisType: chassis ?? s.fallback?.chassisType ?? null,
    battery: battery ?? s.fallback?.battery ?? null,
    hypervisor,
    dmiVendor,
    ciVariable: ci,
    platform,
  };
}
