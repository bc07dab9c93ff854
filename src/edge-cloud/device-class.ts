/**
 * Device class (DESIGN §11): laptop | desktop | phone | tablet | server-or-VM | ci-runner, decided
 * from what the OS says — CI variables, the hypervisor CPU flag and DMI vendor, the SMBIOS chassis
 * type, a system battery — or from a browser's platform for `serve` devices. The class decides
 * which claims this device's cells may decide (a VM never stands in for a laptop), so the evidence
 * is recorded with it and the user can override it (`--device-class`).
 */
import { z } from 'zod';
import { EdgebenchError } from '../errors.ts';

export const DEVICE_CLASSES = ['laptop', 'desktop', 'phone', 'tablet', 'server-or-VM', 'ci-runner', 'unknown'] as const;
export const DeviceClassName = z.enum(DEVICE_CLASSES);
export type DeviceClassName = z.infer<typeof DeviceClassName>;

/** What the OS (or browser) told us; every field null when it could not be read. */
export interface DeviceEvidence {
  /** SMBIOS chassis type code (/sys/class/dmi/id/chassis_type, or systeminformation elsewhere) */
  chassisType: number | null;
  /** a system battery (not a mouse's: power_supply scope "Device" is skipped) */
  battery: boolean | null;
  /** `hypervisor` in the CPU flags */
  hypervisor: boolean | null;
  /** DMI sys_vendor + product_name */
  dmiVendor: string | null;
  /** name of the CI variable that is set (CI, GITHUB_ACTIONS, …) */
  ciVariable: string | null;
  /** the OS platform (process.platform, or the browser's) */
  platform: string;
}

export interface DeviceClassResult {
  class: DeviceClassName;
  source: 'detected' | 'user';
  /** the facts the class rests on, in words, e.g. 'chassis type 10 (Notebook)' */
  evidence: string[];
}

/** SMBIOS 3.x chassis types (DMTF DSP0134 §7.4.1) that decide a class. */
const CHASSIS: Record<number, [string, DeviceClassName]> = {
  3: ['Desktop', 'desktop'],
  4: ['Low Profile Desktop', 'desktop'],
  5: ['Pizza Box', 'desktop'],
  6: ['Mini Tower', 'desktop'],
  7: ['Tower', 'desktop'],
  8: ['Portable', 'laptop'],
  9: ['Laptop', 'laptop'],
  10: ['Notebook', 'laptop'],
  11: ['Hand Held', 'phone'],
  13: ['All in One', 'desktop'],
  14: ['Sub Notebook', 'laptop'],
  15: ['Space-saving', 'desktop'],
  16: ['Lunch Box', 'desktop'],
  17: ['Main Server Chassis', 'server-or-VM'],
  23: ['Rack Mount Chassis', 'server-or-VM'],
  24: ['Sealed-case PC', 'desktop'],
  25: ['Multi-system chassis', 'server-or-VM'],
  28: ['Blade', 'server-or-VM'],
  29: ['Blade Enclosure', 'server-or-VM'],
  30: ['Tablet', 'tablet'],
  31: ['Convertible', 'laptop'],
  32: ['Detachable', 'laptop'],
  35: ['Mini PC', 'desktop'],
  36: ['Stick PC', 'desktop'],
};

/** DMI vendors / products of hypervisors and clouds. */
const VM_VENDOR =
  /qemu|kvm|vmware|virtualbox|innotek|xen|bochs|parallels|amazon ec2|google compute engine|openstack|digitalocean|hetzner|alibaba cloud|oracle cloud|microsoft corporation virtual machine|bhyve|cloud hypervisor|firecracker/i;

/** CI systems' own variables first (more specific), then the generic CI=true. */
export const CI_VARIABLES = [
  'GITHUB_ACTIONS',
  'GITLAB_CI',
  'BUILDKITE',
  'CIRCLECI',
  'TF_BUILD',
  'JENKINS_URL',
  'TRAVIS',
  'APPVEYOR',
  'TEAMCITY_VERSION',
  'BITBUCKET_BUILD_NUMBER',
  'DRONE',
  'CI',
] as const;

export function ciVariable(env: Readonly<Record<string, string | undefined>>): string | null {
  for (const name of CI_VARIABLES) {
    const v = env[name];
    if (v !== undefined && v !== '' && v.toLowerCase() !== 'false' && v !== '0') return name;
  }
  return null;
}

export function chassisName(code: number): string {
  return CHASSIS[code]?.[0] ?? (code === 1 ? 'Other' : code === 2 ? 'Unknown' : `code ${code}`);
}

/** The class from the evidence: CI first, then virtualisation, chassis, battery, platform. */
export function classifyDevice(e: DeviceEvidence): DeviceClassResult {
  const seen: string[] = [];
  if (e.ciVariable) return { class: 'ci-runner', source: 'detected', evidence: [`CI variable ${e.ciVariable} is set`] };
  const vmVendor = e.dmiVendor !== null && VM_VENDOR.test(e.dmiVendor);
  if (e.hypervisor || vmVendor) {
    const ev = [...(e.hypervisor ? ['hypervisor flag in /proc/cpuinfo'] : []), ...(vmVendor ? [`DMI vendor "${e.dmiVendor}"`] : [])];
    return { class: 'server-or-VM', source: 'detected', evidence: ev };
  }
  if (e.platform === 'android') return { class: 'phone', source: 'detected', evidence: ['platform android'] };
  if (e.chassisType !== null) {
    const hit = CHASSIS[e.chassisType];
    const label = `chassis type ${e.chassisType} (${chassisName(e.chassisType)})`;
    if (hit) return { class: hit[1], source: 'detected', evidence: [label, ...(e.battery ? ['system battery present'] : [])] };
    seen.push(label);
  }
  if (e.battery) return { class: 'laptop', source: 'detected', evidence: [...seen, 'system battery present'] };
  if (e.battery === false) seen.push('no system battery');
  if (e.dmiVendor) seen.push(`DMI vendor "${e.dmiVendor}"`);
  return { class: 'unknown', source: 'detected', evidence: [...seen, 'nothing decides the class: set it with --device-class'] };
}

/** What a browser page tells: UA-CH `mobile`, the UA string, touch points and the battery API. */
export interface BrowserDeviceFacts {
  userAgent: string;
  mobile: boolean | null;
  maxTouchPoints: number | null;
  /** navigator.getBattery(): a discharging or partly charged battery means a portable device */
  battery: { charging: boolean; level: number } | null;
}

export function classifyBrowser(b: BrowserDeviceFacts): DeviceClassResult {
  const ua = b.userAgent;
  const detected = (c: DeviceClassName, ...evidence: string[]): DeviceClassResult => ({ class: c, source: 'detected', evidence });
  if (/iPhone|iPod/.test(ua)) return detected('phone', 'browser platform iOS (iPhone)');
  if (/iPad/.test(ua)) return detected('tablet', 'browser platform iPadOS');
  // iPadOS Safari reports a Mac; only the touch screen gives it away
  if (/Macintosh/.test(ua) && (b.maxTouchPoints ?? 0) > 1) return detected('tablet', 'browser reports macOS with a touch screen (iPadOS)');
  if (/Android/.test(ua)) {
    if (b.mobile === true || /Mobile/.test(ua)) return detected('phone', 'browser platform Android, mobile');
    return detected('tablet', 'browser platform Android, not mobile');
  }
  if (b.mobile === true) return detected('phone', 'browser reports a mobile device');
  // desktops report a battery that is charging and full
  if (b.battery && !(b.battery.charging && b.battery.level === 1))
    return detected(
      'laptop',
      `browser battery API: ${Math.round(b.battery.level * 100)} %${b.battery.charging ? ', charging' : ', discharging'}`,
    );
  return detected(
    'unknown',
    'browser on a desktop OS (laptop or desktop: a browser cannot tell)',
    'set it with serve --device-class, or open the page with ?device-class=laptop',
  );
}

/** `--device-class <name>`: the user's class, replacing the detected one (its evidence is kept). */
export function parseDeviceClass(v: string): DeviceClassName {
  const r = DeviceClassName.safeParse(v.trim());
  if (!r.success || r.data === 'unknown') {
    throw new EdgebenchError(
      'USAGE',
      `--device-class ${v}: unknown device class`,
      `use one of ${DEVICE_CLASSES.filter((c) => c !== 'unknown').join(', ')}`,
    );
  }
  return r.data;
}

export function withUserClass(detected: DeviceClassResult, user: DeviceClassName | undefined, by = '--device-class'): DeviceClassResult {
  if (!user) return detected;
  return {
    class: user,
    source: 'user',
    evidence: [`${by} ${user}`, `detected: ${detected.class} (${detected.evidence.join('; ')})`],
  };
}
