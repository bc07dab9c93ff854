/**
 * A page's probe (BrowserEnvironment) → the results schema's Environment (kind 'browser'), so a
 * phone's run folder reads like any other device in `analyze` and `report`. Fields a browser
 * does not expose are empty/zero/null, never guessed.
 */
import { createHash } from 'node:crypto';
import type { Environment } from '../../results/schema.ts';
import { isSoftwareAdapter } from '../../runners/webgpu/adapter.ts';
import type { BrowserEnvironment } from './uploads.ts';
import { classifyBrowser, withUserClass, type DeviceClassName } from '../../edge-cloud/device-class.ts';

const UA_BROWSERS: [RegExp, string][] = [
  [/Edg(?:A|iOS)?\/(\d+)/, 'Edge'],
  [/SamsungBrowser\/(\d+)/, 'Samsung Internet'],
  [/OPR\/(\d+)/, 'Opera'],
  [/Firefox\/(\d+)/, 'Firefox'],
  [/FxiOS\/(\d+)/, 'Firefox'],
  [/CriOS\/(\d+)/, 'Chrome'],
  [/Chrome\/(\d+)/, 'Chrome'],
  [/Version\/(\d+)[\d.]* (?:Mobile\/\S+ )?Safari/, 'Safari'],
];

/** "Chrome 140", "Safari 18", … from UA client hints when present, else the user-agent string. */
export function browserName(env: Pick<BrowserEnvironment, 'userAgent' | 'uaData'>): string {
  const brands = (env.uaData?.brands ?? []).filter((b) => !/not.?a.?brand/i.test(b.brand));
  const named = brands.find((b) => b.brand !== 'Chromium') ?? brands[0];
  if (named) return `${named.brand.replace(/^Google /, '')} ${named.version}`;
  for (const [re, name] of UA_BROWSERS) {
    const m = re.exec(env.userAgent);
    if (m) return `${name} ${m[1]}`;
  }
  return 'browser';
}

export function platformName(env: Pick<BrowserEnvironment, 'userAgent' | 'uaData'>): string {
  if (env.uaData?.platform) return env.uaData.platform;
  const ua = env.userAgent;
  if (/Android/i.test(ua)) return 'Android';
  if (/iPhone|iPad|iPod/i.test(ua)) return 'iOS';
  if (/CrOS/i.test(ua)) return 'Chrome OS';
  if (/Windows/i.test(ua)) return 'Windows';
  if (/Mac OS X|Macintosh/i.test(ua)) return 'macOS';
  if (/Linux/i.test(ua)) return 'Linux';
  return 'unknown';
}

export function gpuLabel(env: BrowserEnvironment): string | null {
  const g = env.webgpu;
  if (!g) return null;
  return [g.vendor, g.architecture || g.description || g.device].filter(Boolean).join(' ') || 'WebGPU adapter';
}

export function softwareAdapter(env: BrowserEnvironment): boolean {
  const g = env.webgpu;
  return (
    g !== null &&
    (g.isFallbackAdapter === true ||
      isSoftwareAdapter({ vendor: g.vendor, architecture: g.architecture, device: g.device, description: g.description }))
  );
}

/** Browsers without a battery report one that is charging and full: that says AC, not a battery level. */
function powerOf(env: BrowserEnvironment): Environment['power'] {
  const b = env.battery;
  if (!b) return { source: 'unknown', batteryPercent: null };
  if (b.charging && b.level === 1) return { source: 'ac', batteryPercent: null };
  return { source: b.charging ? 'ac' : 'battery', batteryPercent: Math.round(b.level * 100) };
}

/** The classes a user gave: the device's own (the page's ?device-class=), and serve --device-class. */
export interface GivenClass {
  page?: DeviceClassName;
  serve?: DeviceClassName;
}

/**
 * The device's environment as a run records it. Its class: the page's ?device-class= when given,
 * else serve --device-class where the browser cannot tell (detected unknown), else as detected.
 */
export function toEnvironment(env: BrowserEnvironment, software: Record<string, string>, given: GivenClass = {}): Environment {
  const detected = classifyBrowser({
    userAgent: env.userAgent,
    mobile: env.uaData?.mobile ?? null,
    maxTouchPoints: null,
    battery: env.battery,
  });
  const user = given.page
    ? { class: given.page, by: 'page ?device-class=' }
    : given.serve && detected.class === 'unknown'
      ? { class: given.serve, by: 'serve --device-class' }
      : undefined;
  const gpu = env.webgpu;
  const fingerprintOf = {
    ua: env.userAgent,
    platform: env.uaData?.platform ?? null,
    model: env.uaData?.model ?? null,
    cores: env.hardwareConcurrency,
    mem: env.deviceMemoryGB,
    gpu: gpu ? [gpu.vendor, gpu.architecture, gpu.device, gpu.description] : null,
  };
  return {
    hostname: null,
    os: {
      platform: platformName(env),
      distro: env.uaData?.model ?? '',
      release: env.uaData?.platformVersion ?? '',
      arch: env.uaData?.architecture ? `${env.uaData.architecture}${env.uaData.bitness ? `-${env.uaData.bitness}` : ''}` : '',
      kernel: '',
    },
    cpu: {
      manufacturer: '',
      // a browser does not name its CPU: the label says which browser measured
      brand: browserName(env),
      physicalCores: 0,
      logicalCores: env.hardwareConcurrency ?? 0,
      speedGHz: null,
      speedMaxGHz: null,
      flags: [],
      governor: null,
    },
    memory: { totalBytes: env.deviceMemoryGB !== null ? env.deviceMemoryGB * 1024 ** 3 : 0, availableBytes: 0 },
    power: powerOf(env),
    gpus: gpu
      ? [{ vendor: gpu.vendor || 'unknown', model: gpu.architecture || gpu.description || gpu.device || 'WebGPU adapter', vramBytes: null }]
      : [],
    software: { browser: browserName(env), ...software },
    git: null,
    fingerprint: createHash('sha256').update(JSON.stringify(fingerprintOf)).digest('hex').slice(0, 16),
    kind: 'browser',
    userAgent: env.userAgent,
    device: { ...withUserClass(detected, user?.class, user?.by), priceUsd: null },
  };
}

/** Facts every cell of the device carries in `extra` (the full probe is in device.json). */
export function browserCellFacts(env: BrowserEnvironment): Record<string, string | number | boolean | null> {
  return {
    browser: browserName(env),
    platform: platformName(env),
    crossOriginIsolated: env.crossOriginIsolated,
    secureContext: env.secureContext,
    hardwareConcurrency: env.hardwareConcurrency,
    deviceMemoryGB: env.deviceMemoryGB,
    webgpuAdapter: gpuLabel(env),
    shaderF16: env.webgpu ? env.webgpu.features.includes('shader-f16') : null,
    softwareAdapter: env.webgpu ? softwareAdapter(env) : null,
    clockResolutionMs: env.clock.resolutionMs,
    batteryPercent: env.battery ? Math.round(env.battery.level * 100) : null,
    charging: env.battery ? env.battery.charging : null,
  };
}
