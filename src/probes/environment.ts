/**
 * The environment fingerprint stored with every run: hardware, OS, power source, software
 * versions and git state. Fast (one systeminformation pass, ~0.2 s) and never throws — what
 * cannot be read becomes null or 'unknown'.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { availableParallelism, hostname } from 'node:os';
import { join } from 'node:path';
import si from 'systeminformation';
import type { DeviceInfo, Environment } from '../results/schema.ts';
import { classifyDevice, withUserClass, type DeviceClassName } from '../edge-cloud/device-class.ts';
import { readDeviceEvidence } from '../edge-cloud/device-evidence.ts';
import { PROJECT_ROOT } from '../version.ts';

/** ISA extensions that decide which inference kernels run (x86 and Arm spellings). */
export const INFERENCE_FLAGS = [
  'avx',
  'avx2',
  'fma',
  'f16c',
  'avx512f',
  'avx512bw',
  'avx512vl',
  'avx512_vnni',
  'avx512_bf16',
  'avx512_fp16',
  'avx_vnni',
  'amx_tile',
  'amx_int8',
  'amx_bf16',
  'amx_fp16',
  'neon',
  'asimd',
  'asimddp',
  'dotprod',
  'i8mm',
  'sve',
  'sve2',
  'bf16',
  'fphp',
  'asimdhp',
] as const;

const PACKAGES = ['onnxruntime-node', 'onnxruntime-web', '@huggingface/transformers'] as const;

/** Resolve to `fallback` instead of throwing or taking longer than `ms`. */
async function safe<T>(p: Promise<T> | (() => Promise<T>), fallback: T, ms = 1500): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const work = typeof p === 'function' ? p() : p;
    const timeout = new Promise<T>((resolve) => {
      timer = setTimeout(() => resolve(fallback), ms);
      timer.unref();
    });
    return await Promise.race([work, timeout]);
  } catch {
    return fallback;
  } finally {
    clearTimeout(timer);
  }
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd: PROJECT_ROOT, timeout: 1500, windowsHide: true }, (err, stdout) =>
      err ? reject(err) : resolve(stdout.trim()),
    );
  });
}

async function gitState(): Promise<Environment['git']> {
  const commit = await safe(run('git', ['rev-parse', 'HEAD']), '');
  if (!/^[0-9a-f]{40}$/.test(commit)) return null;
  const status = await safe(run('git', ['status', '--porcelain']), null);
  return { commit, dirty: status === null ? true : status.length > 0 };
}

async function packageVersion(dir: string): Promise<string | null> {
  const text = await safe(readFile(join(dir, 'package.json'), 'utf8'), null);
  if (text === null) return null;
  try {
    const v = (JSON.parse(text) as { version?: unknown }).version;
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}

async function software(): Promise<Record<string, string>> {
  const out: Record<string, string> = { node: process.versions.node, v8: process.versions.v8 };
  const own = await packageVersion(PROJECT_ROOT);
  if (own) out.edgebench = own;
  for (const name of PACKAGES) {
    const v = await packageVersion(join(PROJECT_ROOT, 'node_modules', name));
    if (v) out[name] = v;
  }
  return out;
}

async function governor(): Promise<string | null> {
  const g = await safe(readFile('/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor', 'utf8'), null);
  return g?.trim() || null;
}

/** Keep only the flags in INFERENCE_FLAGS, in that order. */
export function inferenceFlags(flags: string): string[] {
  const have = new Set(
    flags
      .toLowerCase()
      .split(/[\s,]+/)
      .filter(Boolean),
  );
  return INFERENCE_FLAGS.filter((f) => have.has(f));
}

/** sha256 of the stable hardware facts, 16 hex chars. Memory is rounded to GiB so it is stable. */
export function hardwareFingerprint(env: Pick<Environment, 'cpu' | 'memory' | 'os' | 'gpus'>): string {
  const facts = {
    cpu: env.cpu.brand,
    manufacturer: env.cpu.manufacturer,
    physicalCores: env.cpu.physicalCores,
    logicalCores: env.cpu.logicalCores,
    memoryGiB: Math.round(env.memory.totalBytes / 2 ** 30),
    platform: env.os.platform,
    arch: env.os.arch,
    gpus: env.gpus.map((g) => `${g.vendor}|${g.model}`).sort(),
  };
  return createHash('sha256').update(JSON.stringify(facts)).digest('hex').slice(0, 16);
}

const positiveOrNull = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) && x > 0 ? x : null);
const str = (x: unknown, fallback = 'unknown'): string => (typeof x === 'string' && x.trim() ? x.trim() : fallback);
const count = (x: unknown): number => (typeof x === 'number' && Number.isInteger(x) && x >= 0 ? x : 0);

/** What the user said about the device (`--device-class`, `--device-price-usd`); both optional. */
export interface DeviceOverrides {
  deviceClass?: DeviceClassName;
  devicePriceUsd?: number;
}

/** SMBIOS codes for systeminformation's chassis type names (macOS / Windows, where there is no sysfs). */
const SI_CHASSIS: Record<string, number> = {
  desktop: 3,
  tower: 7,
  'mini tower': 6,
  portable: 8,
  laptop: 9,
  notebook: 10,
  'hand held': 11,
  'all in one': 13,
  'sub notebook': 14,
  'rack mount chassis': 23,
  tablet: 30,
  convertible: 31,
  detachable: 32,
};

async function deviceInfo(battery: boolean | null, o: DeviceOverrides): Promise<DeviceInfo> {
  const chassis = process.platform === 'linux' ? null : await safe(si.chassis(), null);
  const chassisType = chassis ? (SI_CHASSIS[chassis.type.trim().toLowerCase()] ?? null) : null;
  const evidence = await readDeviceEvidence({ fallback: { chassisType, battery } });
  const cls = withUserClass(classifyDevice(evidence), o.deviceClass);
  return { ...cls, priceUsd: o.devicePriceUsd ?? null };
}

export async function collectEnvironment(overrides: DeviceOverrides = {}): Promise<Environment> {
  const [cpu, flags, mem, os, battery, graphics, gov, sw, git] = await Promise.all([
    safe(si.cpu(), null),
    safe(si.cpuFlags(), ''),
    safe(si.mem(), null),
    safe(si.osInfo(), null),
    safe(si.battery(), null),
    safe(si.graphics(), null, 1800),
    governor(),
    safe(software(), { node: process.versions.node }),
    safe(gitState(), null),
  ]);
  const partial = {
    os: {
      platform: str(os?.platform, process.platform),
      distro: str(os?.distro),
      release: str(os?.release),
      arch: str(os?.arch, process.arch),
      kernel: str(os?.kernel),
    },
    cpu: {
      manufacturer: str(cpu?.manufacturer),
      brand: str(cpu?.brand),
      physicalCores: count(cpu?.physicalCores),
      logicalCores: count(cpu?.cores) || availableParallelism(),
      speedGHz: positiveOrNull(cpu?.speed),
      speedMaxGHz: positiveOrNull(cpu?.speedMax),
      flags: inferenceFlags(typeof flags === 'string' ? flags : ''),
      governor: gov ?? (cpu?.governor ? cpu.governor : null),
    },
    memory: { totalBytes: count(mem?.total), availableBytes: count(mem?.available) },
    gpus: (graphics?.controllers ?? []).map((g) => ({
      vendor: str(g.vendor),
      model: str(g.model),
      vramBytes: positiveOrNull(g.vram) === null ? null : (g.vram as number) * 1024 * 1024,
    })),
  };
  const hasBattery = battery?.hasBattery === true;
  const power: Environment['power'] = {
    source: battery === null ? 'unknown' : !hasBattery || battery.acConnected ? 'ac' : 'battery',
    batteryPercent: hasBattery && battery.percent >= 0 && battery.percent <= 100 ? battery.percent : null,
  };
  return {
    hostname: safeHostname(),
    ...partial,
    power,
    software: sw,
    git,
    fingerprint: hardwareFingerprint(partial),
    kind: 'node',
    userAgent: null,
    device: await deviceInfo(battery === null ? null : hasBattery, overrides),
  };
}

function safeHostname(): string | null {
  try {
    return hostname() || null;
  } catch {
    return null;
  }
}
