/** Shared by the serve-page tests: a tiny model, a short suite, a page server, raw HTTP, a fake browser probe. */
import { request } from 'node:http';
import { join } from 'node:path';
import { SuiteFile } from '../src/config/suite.ts';
import { resolveOnnxModel } from '../src/models/resolve-onnx.ts';
import type { ResolvedModel } from '../src/runners/types.ts';
import { startPageServer, type PageServer } from '../src/serve/page/page-server.ts';
import type { BrowserEnvironment } from '../src/serve/page/uploads.ts';
import { buildTiny } from './helpers/runner-tokens.ts';
import type { DeviceClassName } from '../src/edge-cloud/device-class.ts';

export async function tinyModel(root: string): Promise<ResolvedModel> {
  const dir = await buildTiny(root, 'tiny-fp32');
  return resolveOnnxModel(dir, 'fp32', { style: 'optimum', log: () => {} });
}

export function shortSuite(model: string, over: Partial<SuiteFile['repetitions']> = {}, shapes = ['pp8+tg4', 'tg4@d8']): SuiteFile {
  return SuiteFile.parse({
    name: 'serve-test',
    models: [model],
    dtype: 'fp32',
    runners: ['ort-web'],
    eps: ['wasm'],
    shapes,
    repetitions: { warmup: 1, minCount: 2, minTimeS: 0, maxCount: 4, maxTimeS: 30, cooldownS: 0, ...over },
  });
}

export async function startServer(
  model: ResolvedModel,
  root: string,
  name: string,
  o: { suite?: SuiteFile; deviceTimeoutS?: number; logs?: string[]; deviceClass?: DeviceClassName } = {},
): Promise<PageServer> {
  return startPageServer({
    model,
    suite: o.suite ?? shortSuite(model.info.id),
    runDir: join(root, name),
    host: '127.0.0.1',
    port: 0,
    ...(o.deviceTimeoutS !== undefined && { deviceTimeoutS: o.deviceTimeoutS }),
    ...(o.deviceClass && { deviceClass: o.deviceClass }),
    argv: ['serve', '--test'],
    log: (m) => o.logs?.push(m),
  });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An HTTP request with the path exactly as given (fetch would normalise `..` away). */
export function raw(
  port: number,
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, headers: { ...(body !== undefined && { 'Content-Type': 'application/json' }), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export function fakeBrowser(over: Partial<BrowserEnvironment> = {}): BrowserEnvironment {
  return {
    userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Mobile Safari/537.36',
    uaData: null,
    hardwareConcurrency: 8,
    deviceMemoryGB: 8,
    crossOriginIsolated: true,
    secureContext: true,
    webgpu: null,
    webgpuUnavailableReason: 'no adapter',
    battery: { charging: false, level: 0.8 },
    clock: { source: 'performance.now', resolutionMs: 0.005 },
    screen: { width: 412, height: 915, devicePixelRatio: 2.6 },
    ...over,
  };
}
