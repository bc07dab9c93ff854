/**
 * `edgebench serve` page mode without a browser: the session token, the served-file table (no
 * path traversal), upload validation (wrong token, oversized, malformed JSON, negative times,
 * cells that do not match the plan), per-device run folders that `analyze` accepts, devices
 * that leave or fall silent, the memory refusal rules, HTTPS, and the CLI dispatch.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeRun } from '../src/analyze/analyze-run.ts';
import { genLength } from '../src/measure/measure-cell.ts';
import type { ResolvedModel } from '../src/runners/types.ts';
import { readCells, readManifest } from '../src/results/io.ts';
import { WASM32_MAX_BYTES as NODE_WASM32 } from '../src/runners/ort-web/wasm-limits.ts';
import { browserName, platformName, toEnvironment } from '../src/serve/page/browser-environment.ts';
import { startPageServer, type PageServer } from '../src/serve/page/page-server.ts';
import { servePage } from '../src/serve/page/serve-page.ts';
import { checkBrowserFit, WASM32_MAX_BYTES } from '../src/serve/page/shared/memory-fit.ts';
import type { PageConfig, RegisterResponse } from '../src/serve/page/shared/protocol.ts';
import type { CellUpload } from '../src/serve/page/uploads.ts';
import { fakeBrowser, raw, shortSuite, startServer, tinyModel } from './serve-page-fixture.ts';

let root: string;
let model: ResolvedModel;
let srv: PageServer;
const logs: string[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'eb-serve-page-'));
  model = await tinyModel(root);
  srv = await startServer(model, root, 'serve-a', { logs });
});
afterAll(async () => {
  await srv?.close();
});

const base = () => `/s/${srv.token}/`;
const post = (path: string, body: unknown) => raw(srv.port, 'POST', base() + path, typeof body === 'string' ? body : JSON.stringify(body));
const json = (r: { body: string }) => JSON.parse(r.body) as { error?: { code: string; message: string } } & Record<string, unknown>;

async function register(ep: 'wasm' | 'webgpu' = 'wasm'): Promise<RegisterResponse> {
  const r = await post('api/devices', { environment: fakeBrowser(), ep, epChoice: 'forced', threads: 2 });
  expect(r.status, r.body).toBe(201);
  return JSON.parse(r.body) as RegisterResponse;
}

function okCell(reg: RegisterResponse, index: number): CellUpload {
  const shape = reg.cells[index]!.shape;
  const n = genLength(shape);
  const trace = (i: number, phase: 'cold' | 'warmup' | 'measured') => ({
    index: i,
    phase,
    promptTokens: Math.max(1, shape.promptTokens),
    depth: shape.depth,
    tokenTimesMs: Array.from({ length: n }, (_, k) => 5 + k * 2 + i * 0.01),
    startedAt: new Date().toISOString(),
    offsetMs: i * 20,
    submitClockMs: 1000 + i * 20,
  });
  return {
    index,
    status: 'ok',
    loadMs: 12.5,
    requests: [trace(0, 'cold'), trace(1, 'warmup'), trace(2, 'measured'), trace(3, 'measured'), trace(4, 'measured')],
    resolved: {
      executionProvider: 'wasm',
      threads: 2,
      settings: { numThreads: 2, crossOriginIsolated: true },
      versions: { 'onnxruntime-web': '1.30.0' },
      fallback: false,
    },
    startedAt: new Date(Date.now() - 1000).toISOString(),
    endedAt: new Date().toISOString(),
    extra: { downloadMs: 3 },
  };
}

describe('serve page: token and served files', () => {
  it('listens on loopback only by default and refuses requests without the token', async () => {
    expect(srv.host).toBe('127.0.0.1');
    expect(srv.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${srv.port}/s/[A-Za-z0-9_-]{22}/$`));
    for (const path of [
      '/',
      '/index.html',
      '/s/',
      '/s/wrong-token/',
      `/s/${srv.token.slice(0, -1)}/app.js`,
      `/s/${srv.token}x/app.js`,
      '/etc/passwd',
      '//etc/passwd',
    ]) {
      const r = await raw(srv.port, 'GET', path);
      expect(r.status, path).toBe(403);
      expect(json(r).error?.code).toBe('FORBIDDEN');
    }
    const r = await raw(
      srv.port,
      'POST',
      '/s/wrong/api/devices',
      JSON.stringify({ environment: fakeBrowser(), ep: 'wasm', epChoice: 'auto', threads: null }),
    );
    expect(r.status).toBe(403);
    expect(srv.devices.list()).toHaveLength(0);
  });

  it('serves the page, the script, the runtime and the model with cross-origin isolation headers', async () => {
    const page = await raw(srv.port, 'GET', base());
    expect(page.status).toBe(200);
    expect(page.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(page.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(page.body).toContain('<script type="module" src="app.js">');
    const redirect = await raw(srv.port, 'GET', `/s/${srv.token}?ep=wasm`);
    expect(redirect.status).toBe(308);
    expect(redirect.headers.location).toBe(`/s/${srv.token}/?ep=wasm`);
    const app = await raw(srv.port, 'GET', `${base()}app.js`);
    expect(app.status).toBe(200);
    expect(app.body).toContain('performance.now()');
    expect(app.body).not.toMatch(/process\.hrtime/);
    const cfg = JSON.parse((await raw(srv.port, 'GET', `${base()}api/config`)).body) as PageConfig;
    expect(cfg.model).toMatchObject({ dtype: 'fp32', numKvHeads: 2, headDim: 16, vocabSize: 256 });
    expect(cfg.shapes.map((s) => s.name)).toEqual(['pp8+tg4', 'tg4 @ d8']);
    for (const [path, type] of [
      [cfg.runtime.wasm, 'text/javascript'],
      ['ort/ort-wasm-simd-threaded.wasm', 'application/wasm'],
      [cfg.model.onnx.url, 'application/octet-stream'],
    ] as const) {
      const r = await raw(srv.port, 'HEAD', base() + path);
      expect(r.status, path).toBe(200);
      expect(String(r.headers['content-type'])).toContain(type);
      expect(r.headers['cross-origin-embedder-policy']).toBe('require-corp');
    }
    expect(srv.modelDownloads()).toBe(0); // HEAD is not a download
  });

  it('serves nothing outside its table: no traversal, encoded or absolute paths', async () => {
    const t = srv.token;
    const attempts = [
      `/s/${t}/../../package.json`,
      `/s/${t}/ort/../../../package.json`,
      `/s/${t}/ort/%2e%2e/%2e%2e/package.json`,
      `/s/${t}/ort/..%2f..%2fpackage.json`,
      `/s/${t}/model/%2e%2e/config.json`,
      `/s/${t}/model/config.json`,
      `/s/${t}/model/..%5cconfig.json`,
      `/s/${t}//etc/passwd`,
      `/s/${t}/%2Fetc%2Fpasswd`,
      `/s/${t}/ort/ort.node.min.mjs`,
      `/s/${t}/ort/ort.wasm.min.mjs.map`,
      `/s/${t}/ORT/ort.wasm.min.mjs`,
      `/s/${t}/model/model.onnx/../config.json`,
      `/s/${t}/api/devices/../../../package.json`,
      `http://127.0.0.1/s/${t}/../package.json`,
      `/s/${t}/%00`,
    ];
    for (const p of attempts) {
      const r = await raw(srv.port, 'GET', p);
      expect([403, 404], p).toContain(r.status);
      expect(r.body, p).not.toContain('"dependencies"');
      expect(r.body, p).not.toContain('root:');
      expect(r.body, p).not.toContain('num_key_value_heads');
    }
  });
});

describe('serve page: device class', () => {
  const desktop = { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36' };
  const desktopBrowser = () => fakeBrowser({ ...desktop, uaData: null, battery: null });

  it('serve --device-class sets what a desktop browser cannot tell; a phone keeps its class; ?device-class= wins', async () => {
    const s = await startServer(model, root, 'serve-class', { deviceClass: 'laptop' });
    try {
      const reg = async (environment: unknown, extra: object = {}) => {
        const r = await raw(
          s.port,
          'POST',
          `/s/${s.token}/api/devices`,
          JSON.stringify({ environment, ep: 'wasm', epChoice: 'forced', threads: 1, ...extra }),
        );
        expect(r.status, r.body).toBe(201);
        return (await readManifest((JSON.parse(r.body) as RegisterResponse).runDir)).environment.device;
      };
      expect(await reg(desktopBrowser())).toMatchObject({
        class: 'laptop',
        source: 'user',
        evidence: ['serve --device-class laptop', expect.stringContaining('detected: unknown')],
      });
      expect(await reg(fakeBrowser())).toMatchObject({ class: 'phone', source: 'detected' });
      expect(await reg(desktopBrowser(), { deviceClass: 'desktop' })).toMatchObject({
        class: 'desktop',
        source: 'user',
        evidence: ['page ?device-class= desktop', expect.any(String)],
      });
      const bad = await raw(
        s.port,
        'POST',
        `/s/${s.token}/api/devices`,
        JSON.stringify({ environment: desktopBrowser(), ep: 'wasm', epChoice: 'forced', threads: 1, deviceClass: 'toaster' }),
      );
      expect(bad.status).toBe(400);
      expect(bad.body).toContain('deviceClass');
    } finally {
      await s.close();
    }
  });

  it('without it, a desktop browser stays unknown and the evidence says how to set it', async () => {
    const r = await post('api/devices', { environment: desktopBrowser(), ep: 'wasm', epChoice: 'forced', threads: 1 });
    const device = (await readManifest((JSON.parse(r.body) as RegisterResponse).runDir)).environment.device;
    expect(device.class).toBe('unknown');
    expect(device.evidence.join(' ')).toContain('?device-class=laptop');
  });

  it('refuses a class serve does not know, before serving', async () => {
    await expect(
      servePage({
        model: model.source.dir!,
        dtype: 'q4',
        style: 'optimum',
        host: '127.0.0.1',
        port: '0',
        deviceClass: 'toaster',
        quiet: true,
      }),
    ).rejects.toThrow(/toaster/);
  });
});

describe('serve page: uploads', () => {
  it('writes a device run folder that analyze accepts, cell by cell', async () => {
    const reg = await register();
    expect(reg.cells.map((c) => c.shape.name)).toEqual(['pp8+tg4', 'tg4 @ d8']);
    const m = await readManifest(reg.runDir);
    expect(m).toMatchObject({ status: 'running', clock: { source: 'performance.now', resolutionMs: 0.005 } });
    expect(m.environment).toMatchObject({
      kind: 'browser',
      userAgent: fakeBrowser().userAgent,
      os: { platform: 'Android' },
      power: { source: 'battery', batteryPercent: 80 },
    });
    for (const i of [0, 1]) {
      const r = await post(`api/devices/${reg.deviceId}/cells`, okCell(reg, i));
      expect(r.status, r.body).toBe(201);
      expect(json(r)).toMatchObject({ index: i, status: 'ok', measured: 3, ep: 'wasm' });
    }
    const fin = await post(`api/devices/${reg.deviceId}/finish`, {});
    expect(json(fin)).toEqual({ status: 'complete', missing: [] });
    const cells = await readCells(reg.runDir);
    expect(cells.map((c) => [c.key.runner, c.key.ep, c.key.threads, c.resolved?.settings.host])).toEqual([
      ['ort-web', 'wasm', 2, 'browser'],
      ['ort-web', 'wasm', 2, 'browser'],
    ]);
    expect(cells[0]!.extra?.browser).toMatchObject({ crossOriginIsolated: true, platform: 'Android', deviceMemoryGB: 8 });
    const summary = await analyzeRun(reg.runDir);
    expect(summary.cells[0]!.metrics.ttftMs?.n).toBe(3);
    expect((await readManifest(reg.runDir)).status).toBe('complete');
    expect(JSON.parse(readFileSync(join(reg.runDir, 'device.json'), 'utf8'))).toMatchObject({ status: 'complete', cellsPosted: [0, 1] });
  });

  it('rejects tampered uploads with a JSON error and keeps other devices intact', async () => {
    const a = await register();
    const b = await register();
    const good = okCell(a, 0);
    const negative = structuredClone(good);
    negative.requests[2]!.tokenTimesMs[1] = -3;
    const backwards = structuredClone(good);
    backwards.requests[2]!.tokenTimesMs = [9, 8, 10, 11];
    const short = structuredClone(good);
    short.requests[3]!.tokenTimesMs.pop();
    const cases: [string, Promise<{ status: number; body: string }>, number, string][] = [
      ['malformed JSON', post(`api/devices/${a.deviceId}/cells`, '{"index": 0, '), 400, 'BAD_JSON'],
      ['negative time', post(`api/devices/${a.deviceId}/cells`, negative), 400, 'INVALID_BODY'],
      ['unknown key', post(`api/devices/${a.deviceId}/cells`, { ...good, sneaky: 1 }), 400, 'INVALID_BODY'],
      ['times backwards', post(`api/devices/${a.deviceId}/cells`, backwards), 422, 'CELL_REJECTED'],
      ['token count', post(`api/devices/${a.deviceId}/cells`, short), 422, 'CELL_REJECTED'],
      ['index not planned', post(`api/devices/${a.deviceId}/cells`, { ...good, index: 7 }), 422, 'CELL_REJECTED'],
      [
        'ok without measured',
        post(`api/devices/${a.deviceId}/cells`, { ...good, requests: good.requests.slice(0, 2) }),
        422,
        'CELL_REJECTED',
      ],
      ['unknown device', post('api/devices/0123456789abcdef/cells', good), 404, 'UNKNOWN_DEVICE'],
      ['wrong token', raw(srv.port, 'POST', `/s/not-the-token/api/devices/${a.deviceId}/cells`, JSON.stringify(good)), 403, 'FORBIDDEN'],
      [
        'wrong type',
        raw(srv.port, 'POST', `${base()}api/devices/${a.deviceId}/cells`, JSON.stringify(good), {
          'Content-Type': 'application/x-www-form-urlencoded',
        }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      ['oversized', post(`api/devices/${a.deviceId}/cells`, `{"pad":"${'x'.repeat(17 * 1024 * 1024)}"}`), 413, 'PAYLOAD_TOO_LARGE'],
      [
        'bad registration',
        post('api/devices', { environment: { userAgent: 'x' }, ep: 'cuda', epChoice: 'auto', threads: 0 }),
        400,
        'INVALID_BODY',
      ],
    ];
    for (const [what, p, status, code] of cases) {
      const r = await p;
      expect(r.status, `${what}: ${r.body.slice(0, 300)}`).toBe(status);
      expect(json(r).error?.code, what).toBe(code);
      expect(json(r).error?.message.length, what).toBeGreaterThan(5);
    }
    expect(json(await post(`api/devices/${a.deviceId}/cells`, negative)).error?.message).toMatch(/tokenTimesMs/);
    expect(await readCells(a.runDir)).toHaveLength(0);
    // b is untouched by a's garbage and still accepts its own cell
    expect((await post(`api/devices/${b.deviceId}/cells`, okCell(b, 1))).status).toBe(201);
    expect((await readCells(b.runDir)).map((c) => c.index)).toEqual([1]);
    expect((await readManifest(b.runDir)).status).toBe('running');
  });

  it('marks a device that leaves, or falls silent, interrupted and keeps its cells', async () => {
    const reg = await register();
    expect((await post(`api/devices/${reg.deviceId}/cells`, okCell(reg, 0))).status).toBe(201);
    expect((await post(`api/devices/${reg.deviceId}/leave`, { reason: 'page closed' })).status).toBe(200);
    expect((await readManifest(reg.runDir)).status).toBe('interrupted');
    expect(JSON.parse(readFileSync(join(reg.runDir, 'device.json'), 'utf8')).statusReason).toMatch(/page closed/);
    expect(await readCells(reg.runDir)).toHaveLength(1);
    const summary = await analyzeRun(reg.runDir);
    expect(summary.warnings.map((w) => w.code)).toContain('RUN_INCOMPLETE');

    const quick = await startServer(model, root, 'serve-silent', { deviceTimeoutS: 1 });
    try {
      const r = await raw(
        quick.port,
        'POST',
        `/s/${quick.token}/api/devices`,
        JSON.stringify({ environment: fakeBrowser(), ep: 'wasm', epChoice: 'auto', threads: null }),
      );
      const silent = JSON.parse(r.body) as RegisterResponse;
      await expect.poll(async () => (await readManifest(silent.runDir)).status, { timeout: 5000, interval: 200 }).toBe('interrupted');
    } finally {
      await quick.close();
    }
  });
});

describe('serve page: pure parts', () => {
  it('refuses models that cannot fit, before download, with the reason', () => {
    expect(WASM32_MAX_BYTES).toBe(NODE_WASM32);
    const big = checkBrowserFit({ modelBytes: 4.2e9, deviceMemoryGB: null, force: true });
    expect(big).toMatchObject({ ok: false, rule: 'wasm32' });
    expect(!big.ok && big.reason).toMatch(/4 GiB/);
    const phone = checkBrowserFit({ modelBytes: 1.5e9, deviceMemoryGB: 2, force: false });
    expect(phone).toMatchObject({ ok: false, rule: 'deviceMemory' });
    expect(!phone.ok && phone.reason).toMatch(/reports 2 GB/);
    expect(checkBrowserFit({ modelBytes: 1.5e9, deviceMemoryGB: 2, force: true })).toMatchObject({
      ok: true,
      note: expect.stringMatching(/forced/),
    });
    expect(checkBrowserFit({ modelBytes: 1.5e9, deviceMemoryGB: null, force: false })).toMatchObject({ ok: true, note: null });
  });

  it('names browsers and platforms from the user agent', () => {
    const ios = {
      userAgent:
        'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
      uaData: null,
    };
    expect([browserName(ios), platformName(ios)]).toEqual(['Safari 18', 'iOS']);
    const ff = { userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:135.0) Gecko/20100101 Firefox/135.0', uaData: null };
    expect([browserName(ff), platformName(ff)]).toEqual(['Firefox 135', 'Linux']);
    const hints = {
      userAgent: 'x',
      uaData: {
        platform: 'Android',
        mobile: true,
        brands: [
          { brand: 'Not.A/Brand', version: '99' },
          { brand: 'Chromium', version: '140' },
          { brand: 'Google Chrome', version: '140' },
        ],
        platformVersion: '14.0.0',
        architecture: '',
        bitness: null,
        model: 'Pixel 8',
      },
    };
    expect([browserName(hints), platformName(hints)]).toEqual(['Chrome 140', 'Android']);
    const env = toEnvironment(
      fakeBrowser({
        webgpu: {
          vendor: 'google',
          architecture: 'swiftshader',
          device: '',
          description: '',
          features: ['shader-f16'],
          limits: { maxBufferSize: 1 },
          isFallbackAdapter: null,
        },
      }),
      {},
    );
    expect(env.gpus).toEqual([{ vendor: 'google', model: 'swiftshader', vramBytes: null }]);
    expect(env.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('serve page: HTTPS', () => {
  it('serves over TLS with the given certificate (a secure context for phones on the LAN)', async () => {
    const dir = join(root, 'tls');
    const made = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(root, 'key.pem'),
        '-out',
        join(root, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { encoding: 'utf8' },
    );
    expect(made.status, made.stderr).toBe(0);
    const cert = readFileSync(join(root, 'cert.pem'));
    const tlsSrv = await startPageServer({
      model,
      suite: shortSuite(model.info.id),
      runDir: dir,
      host: '127.0.0.1',
      port: 0,
      tls: { cert, key: readFileSync(join(root, 'key.pem')) },
      log: () => {},
    });
    try {
      expect(tlsSrv.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/s\//);
      const res = await new Promise<{ status: number; coop: unknown }>((resolve, reject) => {
        httpsGet(tlsSrv.url, { ca: cert }, (r) => {
          r.resume();
          resolve({ status: r.statusCode ?? 0, coop: r.headers['cross-origin-opener-policy'] });
        }).on('error', reject);
      });
      expect(res).toEqual({ status: 200, coop: 'same-origin' });
    } finally {
      await tlsSrv.close();
    }
    await expect(
      servePage({
        model: model.source.dir!,
        dtype: 'fp32',
        style: 'optimum',
        host: '127.0.0.1',
        port: '0',
        tlsCert: join(root, 'cert.pem'),
        quiet: true,
      }),
    ).rejects.toThrow(/both --tls-cert and --tls-key/);
  });
});

describe('serve page: CLI', () => {
  it('`edgebench serve` without --openai serves the page and stops cleanly on SIGINT', async () => {
    const out = join(root, 'cli-run');
    const child = spawn(
      process.execPath,
      [
        'bin/edgebench.js',
        'serve',
        '--model',
        model.source.dir!,
        '--dtype',
        'fp32',
        '--port',
        '0',
        '--out',
        out,
        '--shape',
        'pp4+tg2',
        '--reps',
        '1',
        '--min-time',
        '0',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await expect.poll(() => /open (http:\S+)/.exec(stdout)?.[1], { timeout: 60_000, interval: 200 }).toBeTruthy();
    const url = /open (http:\S+)/.exec(stdout)![1]!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/s\/[A-Za-z0-9_-]+\/$/);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(stderr).toContain('▄'); // the QR code
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toContain('no device joined');
    expect(existsSync(out)).toBe(true);
  });
});
