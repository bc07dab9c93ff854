/**
 * What a page may send to `edgebench serve` (zod, strict: unknown keys are errors). Anything a
 * browser uploads is untrusted: sizes are bounded, times must be finite and non-negative, and
 * the checks that need the device's plan (token counts per shape) live in device-runs.ts.
 */
import { z } from 'zod';
import { DeviceClassName } from '../../edge-cloud/device-class.ts';
import { ErrorInfo, RequestTrace } from '../../results/schema.ts';

const Text = (max: number) => z.string().max(max);
const Primitive = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);

export const BrowserGpu = z.strictObject({
  vendor: Text(200),
  architecture: Text(200),
  device: Text(200),
  description: Text(500),
  features: z.array(Text(100)).max(200),
  limits: z.record(Text(100), z.number()).refine((r) => Object.keys(r).length <= 200, 'at most 200 limits'),
  isFallbackAdapter: z.boolean().nullable(),
});
export type BrowserGpu = z.infer<typeof BrowserGpu>;

export const UaData = z.strictObject({
  platform: Text(100),
  mobile: z.boolean(),
  brands: z.array(z.strictObject({ brand: Text(100), version: Text(100) })).max(20),
  platformVersion: Text(100).nullable(),
  architecture: Text(100).nullable(),
  bitness: Text(20).nullable(),
  model: Text(200).nullable(),
});
export type UaData = z.infer<typeof UaData>;

/** The browser's view of itself, as the page probed it (stored whole in device.json). */
export const BrowserEnvironment = z.strictObject({
  userAgent: Text(1000).min(1),
  uaData: UaData.nullable(),
  hardwareConcurrency: z.number().int().nonnegative().max(4096).nullable(),
  deviceMemoryGB: z.number().nonnegative().max(65536).nullable(),
  crossOriginIsolated: z.boolean(),
  /** plain HTTP on a LAN address is not a secure context: no WebGPU, no SharedArrayBuffer */
  secureContext: z.boolean(),
  webgpu: BrowserGpu.nullable(),
  /** why no adapter, when webgpu is null */
  webgpuUnavailableReason: Text(500).nullable(),
  battery: z.strictObject({ charging: z.boolean(), level: z.number().min(0).max(1) }).nullable(),
  clock: z.strictObject({ source: z.literal('performance.now'), resolutionMs: z.number().nonnegative().max(1000) }),
  screen: z
    .strictObject({ width: z.number().nonnegative(), height: z.number().nonnegative(), devicePixelRatio: z.number().nonnegative() })
    .nullable(),
});
export type BrowserEnvironment = z.infer<typeof BrowserEnvironment>;

export const PageEp = z.enum(['webgpu', 'wasm']);
export type PageEp = z.infer<typeof PageEp>;

export const RegisterRequest = z.strictObject({
  environment: BrowserEnvironment,
  ep: PageEp,
  /** auto: WebGPU when an adapter exists, else wasm; forced: the user picked it */
  epChoice: z.enum(['auto', 'forced']),
  /** wasm threads asked for (null = onnxruntime-web's default) */
  threads: z.number().int().positive().max(256).nullable(),
  /** the class the person at the device gave (?device-class= in the page URL): a browser cannot tell a laptop from a desktop */
  deviceClass: DeviceClassName.exclude(['unknown']).optional(),
});
export type RegisterRequest = z.infer<typeof RegisterRequest>;

export const CellUpload = z.strictObject({
  index: z.number().int().nonnegative(),
  status: z.enum(['ok', 'errored', 'unsupported']),
  error: ErrorInfo.optional(),
  resolved: z
    .strictObject({
      executionProvider: PageEp,
      threads: z.number().int().positive().max(256).nullable(),
      settings: z.record(Text(100), Primitive).refine((r) => Object.keys(r).length <= 100, 'at most 100 settings'),
      versions: z.record(Text(100), Text(200)),
      fallback: z.boolean(),
    })
    .nullable(),
  loadMs: z.number().nonnegative().nullable(),
  requests: z.array(RequestTrace).max(100_000),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime(),
  extra: z
    .record(Text(100), Primitive)
    .refine((r) => Object.keys(r).length <= 100, 'at most 100 extra fields')
    .optional(),
});
export type CellUpload = z.infer<typeof CellUpload>;

export const ProgressUpload = z.strictObject({
  /** the cell being measured, null before the first one */
  index: z.number().int().nonnegative().nullable(),
  phase: z.enum(['probing', 'downloading', 'loading', 'cold', 'warmup', 'measured', 'idle']),
  done: z.number().int().nonnegative(),
  expected: z.number().int().nonnegative(),
});
export type ProgressUpload = z.infer<typeof ProgressUpload>;

export const LeaveUpload = z.strictObject({ reason: Text(300) });
export type LeaveUpload = z.infer<typeof LeaveUpload>;

export const FinishUpload = z.strictObject({});
