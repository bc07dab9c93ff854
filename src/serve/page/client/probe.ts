/**
 * What the page can learn about its device: user agent (and client hints), the WebGPU adapter
 * (vendor, architecture, features such as shader-f16, limits), crossOriginIsolated, hardware
 * concurrency, device memory, battery, and the measured resolution of performance.now().
 * Non-standard APIs (deviceMemory, getBattery, userAgentData) are used only where they exist.
 */
import type { BrowserEnvironment, BrowserGpu, UaData } from '../uploads.ts';
import { clockResolutionNs } from './browser-clock.ts';

interface GpuAdapterLike {
  readonly features: Iterable<string>;
  readonly limits: object;
  readonly info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  readonly isFallbackAdapter?: boolean;
}
interface NavigatorExtras {
  gpu?: { requestAdapter(o?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<GpuAdapterLike | null> };
  deviceMemory?: number;
  getBattery?: () => Promise<{ charging: boolean; level: number }>;
  userAgentData?: {
    platform: string;
    mobile: boolean;
    brands: { brand: string; version: string }[];
    getHighEntropyValues?(hints: string[]): Promise<Record<string, unknown>>;
  };
}

const nav = () => navigator as Navigator & NavigatorExtras;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export async function probeGpu(): Promise<{ gpu: BrowserGpu | null; reason: string | null }> {
  const gpu = nav().gpu;
  if (!gpu)
    return { gpu: null, reason: 'this browser has no WebGPU (navigator.gpu is missing; it may be disabled, or need HTTPS/localhost)' };
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return { gpu: null, reason: `navigator.gpu.requestAdapter() failed: ${(e as Error).message}` };
  }
  if (!adapter)
    return {
      gpu: null,
      reason:
        'WebGPU is present but no GPU adapter is available (navigator.gpu.requestAdapter() returned null: GPU blocklisted or disabled)',
    };
  const limits: Record<string, number> = {};
  for (const k in adapter.limits) {
    const v = (adapter.limits as Record<string, unknown>)[k];
    if (typeof v === 'number') limits[k] = v;
  }
  const info = adapter.info ?? {};
  return {
    gpu: {
      vendor: info.vendor ?? '',
      architecture: info.architecture ?? '',
      device: info.device ?? '',
      description: info.description ?? '',
      features: [...adapter.features].sort(),
      limits,
      isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? null,
    },
    reason: null,
  };
}

async function uaData(): Promise<UaData | null> {
  const d = nav().userAgentData;
  if (!d) return null;
  let high: Record<string, unknown> = {};
  try {
    high = (await d.getHighEntropyValues?.(['platformVersion', 'architecture', 'bitness', 'model'])) ?? {};
  } catch {
    // high-entropy hints may be refused; the low-entropy ones are enough
  }
  return {
    platform: d.platform,
    mobile: d.mobile,
    brands: d.brands.map((b) => ({ brand: b.brand, version: b.version })),
    platformVersion: str(high.platformVersion),
    architecture: str(high.architecture),
    bitness: str(high.bitness),
    model: str(high.model),
  };
}

async function battery(): Promise<BrowserEnvironment['battery']> {
  try {
    const b = await nav().getBattery?.();
    return b ? { charging: b.charging, level: b.level } : null;
  } catch {
    return null;
  }
}

export async function probeBrowser(): Promise<BrowserEnvironment> {
  const { gpu, reason } = await probeGpu();
  const n = nav();
  return {
    userAgent: navigator.userAgent,
    uaData: await uaData(),
    hardwareConcurrency: typeof n.hardwareConcurrency === 'number' ? n.hardwareConcurrency : null,
    deviceMemoryGB: typeof n.deviceMemory === 'number' ? n.deviceMemory : null,
    crossOriginIsolated: self.crossOriginIsolated === true,
    secureContext: self.isSecureContext === true,
    webgpu: gpu,
    webgpuUnavailableReason: reason,
    battery: await battery(),
    clock: { source: 'performance.now', resolutionMs: clockResolutionNs() / 1e6 },
    screen: typeof screen !== 'undefined' ? { width: screen.width, height: screen.height, devicePixelRatio: devicePixelRatio } : null,
  };
}
