/**
 * `edgebench serve` page mode end to end in a real browser (Debian chromium via playwright-core)
 * against a tiny generated model: wasm with 2 threads (crossOriginIsolated, pthread workers
 * started) beside a second device at once, plain HTTP from a non-localhost name (no secure
 * context: single-threaded, and the page says why), WebGPU through SwiftShader, WebGPU forced where
 * there is none (unsupported cells), a model refused for memory before download, a tab closed
 * mid-run (cells kept, run marked interrupted); then the device folders pass `analyze` and
 * `report`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, skipBrowserTests } from './helpers/browser.ts';
import { analyzeRun } from '../src/analyze/analyze-run.ts';
import type { ResolvedModel } from '../src/runners/types.ts';
import { writeReport } from '../src/report/write.ts';
import { readCells, readManifest } from '../src/results/io.ts';
import type { PageServer } from '../src/serve/page/page-server.ts';
import { shortSuite, startServer, tinyModel } from './serve-page-fixture.ts';

const BASE_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
// phone.test resolves to loopback: a plain-HTTP origin that is not localhost, as a phone on the LAN sees the server
const NO_GPU = [...BASE_ARGS, '--disable-gpu', '--host-resolver-rules=MAP phone.test 127.0.0.1'];
const SWIFTSHADER_WEBGPU = [
  ...BASE_ARGS,
  '--enable-unsafe-webgpu',
  '--enable-unsafe-swiftshader',
  '--use-vulkan=swiftshader',
  '--use-angle=swiftshader',
];

let root: string;
let model: ResolvedModel;
let srv: PageServer;
const contexts: BrowserContext[] = [];
const deviceDirs: string[] = [];

async function launch(args: string[]): Promise<BrowserContext> {
  const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'eb-chromium-')), {
    executablePath: chromiumPath(),
    headless: true,
    args,
  });
  contexts.push(ctx);
  return ctx;
}

let noGpu: Promise<BrowserContext> | null = null;
/** One browser without WebGPU for the wasm, no-adapter, memory and closed-tab cases. */
const noGpuBrowser = () => (noGpu ??= launch(NO_GPU));

/** Opens the page, collects console output (shown when a wait fails) and started workers. */
async function open(ctx: BrowserContext, url: string): Promise<{ page: Page; logs: string[]; workers: () => number }> {
  const page = await ctx.newPage();
  const logs: string[] = [];
  let workers = 0;
  page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`pageerror: ${String(e)}`));
  page.on('worker', () => workers++);
  await page.goto(url);
  return { page, logs, workers: () => workers };
}

async function waitState(page: Page, logs: string[], want: string, timeout = 60_000): Promise<void> {
  try {
    await page.waitForFunction((s) => document.body.dataset.state === s, want, { timeout });
  } catch (e) {
    const state = await page
      .evaluate(
        () =>
          `${document.body.dataset.state}: ${document.getElementById('status')?.textContent} | ${document.getElementById('message')?.textContent}`,
      )
      .catch(() => '?');
    throw new Error(`page never reached '${want}' (now ${state})\n${logs.join('\n')}`, { cause: e });
  }
}

const newestDevice = () => srv.devices.list().at(-1)!;

// Skipped where Chromium is absent (global-setup says how to enable); .ci/run requires it, so CI never skips.
describe.skipIf(skipBrowserTests())('edgebench serve page in a real browser', () => {
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'eb-serve-browser-'));
    model = await tinyModel(root);
    srv = await startServer(model, root, 'serve');
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await srv?.close();
  });

  it('runs wasm with 2 threads in a cross-origin isolated page, two devices at once, and saves every cell', async () => {
    const ctx = await noGpuBrowser();
    const [two, one] = await Promise.all([
      open(ctx, `${srv.url}?ep=wasm&threads=2&start=1`),
      open(ctx, `${srv.url}?ep=wasm&threads=1&start=1`),
    ]);
    await Promise.all([waitState(two.page, two.logs, 'done'), waitState(one.page, one.logs, 'done')]);
    expect(await two.page.evaluate(() => self.crossOriginIsolated)).toBe(true);
    expect(two.workers()).toBeGreaterThanOrEqual(1); // onnxruntime-web's pthread workers
    expect(await two.page.locator('#results tbody tr[data-status="ok"]').count()).toBe(2);
    const devices = srv.devices.list();
    expect(devices.map((d) => [d.status, d.posted, d.planned])).toEqual([
      ['complete', 2, 2],
      ['complete', 2, 2],
    ]);
    const byThreads = new Map<number | null, string>();
    for (const d of devices) byThreads.set((await readCells(d.dir))[0]!.key.threads, d.dir);
    expect([...byThreads.keys()].sort()).toEqual([1, 2]);
    const dir = byThreads.get(2)!;
    deviceDirs.push(dir, byThreads.get(1)!);
    const m = await readManifest(dir);
    expect(m.environment).toMatchObject({ kind: 'browser', software: { 'onnxruntime-web': expect.any(String) } });
    expect(m.environment.userAgent).toMatch(/Chrome\//);
    expect(m.clock?.source).toBe('performance.now');
    expect(m.clock!.resolutionMs).toBeGreaterThan(0);
    expect(m.clock!.resolutionMs).toBeLessThan(0.2);
    const cells = await readCells(dir);
    for (const c of cells) {
      expect(c.status).toBe('ok');
      expect(c.resolved).toMatchObject({
        runner: 'ort-web',
        executionProvider: 'wasm',
        threads: 2,
        fallback: false,
        settings: { numThreads: 2, crossOriginIsolated: true, host: 'browser' },
      });
      expect(c.requests.filter((r) => r.phase === 'measured').length).toBeGreaterThanOrEqual(2);
      expect(c.requests.map((r) => r.phase).slice(0, 2)).toEqual(['cold', 'warmup']);
      expect(c.loadMs).toBeGreaterThan(0);
    }
    expect(cells[1]!.key.shape).toMatchObject({ depth: 8, genTokens: 4 });
    await Promise.all([two.page.close(), one.page.close()]);
  });

  it('still runs, single-threaded and saying why, where plain HTTP is not a secure context (a phone on the LAN)', async () => {
    const ctx = await noGpuBrowser();
    const lanUrl = srv.url.replace('127.0.0.1', 'phone.test');
    const { page, logs } = await open(ctx, `${lanUrl}?ep=wasm&threads=2&start=1`);
    await waitState(page, logs, 'done');
    expect(await page.evaluate(() => [self.isSecureContext, self.crossOriginIsolated])).toEqual([false, false]);
    expect(await page.locator('#message').textContent()).toMatch(/not treat as a secure context/);
    const cells = await readCells(newestDevice().dir);
    // asked for 2 threads, onnxruntime-web could run 1: both are recorded
    expect(cells.map((c) => [c.status, c.key.threads, c.resolved?.threads, c.extra?.browser])).toEqual([
      ['ok', 2, 1, expect.objectContaining({ secureContext: false, crossOriginIsolated: false })],
      ['ok', 2, 1, expect.objectContaining({ secureContext: false, crossOriginIsolated: false })],
    ]);
    await page.close();
  });

  it('says so and records unsupported cells when WebGPU is forced on a browser without it', async () => {
    const ctx = await noGpuBrowser();
    const before = srv.modelDownloads();
    const { page, logs } = await open(ctx, `${srv.url}?ep=webgpu&start=1`);
    await waitState(page, logs, 'unsupported');
    expect(await page.locator('#message').textContent()).toMatch(/WebGPU was asked for/);
    const d = newestDevice();
    expect(d.status).toBe('complete');
    const cells = await readCells(d.dir);
    expect(cells.map((c) => [c.status, c.error?.code])).toEqual([
      ['unsupported', 'DEVICE_UNAVAILABLE'],
      ['unsupported', 'DEVICE_UNAVAILABLE'],
    ]);
    expect(srv.modelDownloads()).toBe(before);
    deviceDirs.push(d.dir);
    await page.close();
  });

  it('refuses a model too large for the reported device memory before downloading it', async () => {
    const ctx = await noGpuBrowser();
    const page0 = await ctx.newPage();
    await page0.addInitScript(() => Object.defineProperty(Navigator.prototype, 'deviceMemory', { get: () => 0.001 }));
    const logs: string[] = [];
    page0.on('console', (m) => logs.push(m.text()));
    const before = srv.modelDownloads();
    await page0.goto(`${srv.url}?ep=wasm&start=1`);
    await waitState(page0, logs, 'refused');
    expect(await page0.locator('#message').textContent()).toMatch(/Not downloading .*navigator\.deviceMemory/);
    expect(srv.modelDownloads()).toBe(before);
    const cells = await readCells(newestDevice().dir);
    expect(cells.every((c) => c.status === 'unsupported' && c.error?.code === 'OUT_OF_MEMORY')).toBe(true);
    await page0.close();
  });

  it('keeps the cells of a tab closed mid-run and marks its run interrupted', async () => {
    // each cell measures for 2 s: close the tab once the first has been posted, while the second runs
    const long = await startServer(model, root, 'serve-closed', {
      suite: shortSuite(model.info.id, { minCount: 2, minTimeS: 2, maxTimeS: 2, maxCount: 10_000 }, ['pp4+tg2', 'pp8+tg2', 'tg2']),
      deviceTimeoutS: 4,
    });
    try {
      const { page, logs } = await open(await noGpuBrowser(), `${long.url}?ep=wasm&threads=1&start=1`);
      await waitState(page, logs, 'running');
      await expect.poll(() => long.devices.list()[0]?.posted ?? 0, { timeout: 30_000, interval: 100 }).toBeGreaterThanOrEqual(1);
      await page.close({ runBeforeUnload: true });
      const d = long.devices.list()[0]!;
      // the pagehide beacon says so at once; the silence timeout is the fallback (run.json is written first, then device.json)
      const reason = () =>
        (JSON.parse(readFileSync(join(d.dir, 'device.json'), 'utf8')) as { statusReason: string | null }).statusReason ?? '';
      await expect.poll(reason, { timeout: 15_000, interval: 250 }).toMatch(/page left|no word/);
      expect((await readManifest(d.dir)).status).toBe('interrupted');
      const kept = await readCells(d.dir);
      expect(kept.length).toBeGreaterThanOrEqual(1);
      expect(kept.length).toBeLessThan(3);
      expect(kept.every((c) => c.status === 'ok')).toBe(true);
      expect((await analyzeRun(d.dir)).warnings.map((w) => w.code)).toContain('RUN_INCOMPLETE');
    } finally {
      await long.close();
    }
  });

  it('runs on WebGPU through SwiftShader when an adapter exists (ep=auto picks it)', async () => {
    const ctx = await launch(SWIFTSHADER_WEBGPU);
    const { page, logs } = await open(ctx, `${srv.url}?start=1`);
    await waitState(page, logs, 'done', 90_000);
    const d = newestDevice();
    deviceDirs.push(d.dir);
    const m = await readManifest(d.dir);
    expect(m.environment.gpus[0]).toMatchObject({ vendor: 'google', model: 'swiftshader' });
    const cells = await readCells(d.dir);
    expect(
      cells.map((c) => [c.status, c.key.ep, c.resolved?.executionProvider, c.resolved?.settings.softwareAdapter, c.resolved?.fallback]),
    ).toEqual([
      ['ok', 'webgpu', 'webgpu', true, false],
      ['ok', 'webgpu', 'webgpu', true, false],
    ]);
    const device = JSON.parse(readFileSync(join(d.dir, 'device.json'), 'utf8')) as {
      browser: { webgpu: { features: string[]; limits: Record<string, number> } };
    };
    expect(device.browser.webgpu.limits.maxBufferSize).toBeGreaterThan(0);
    await page.close();
  });

  it('leaves device folders that analyze and report accept as separate devices', async () => {
    for (const d of deviceDirs) await analyzeRun(d);
    const out = join(root, 'report');
    const { data, files } = await writeReport({ runDirs: deviceDirs, outDir: out, formats: ['md', 'csv', 'html'] });
    expect(files).toHaveLength(3);
    expect(data.runs).toHaveLength(deviceDirs.length);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toMatch(/browser/);
    expect(data.cells.filter((c) => c.status === 'ok').length).toBe(6);
    expect(data.cells.filter((c) => c.status === 'unsupported').length).toBe(2);
    // the CLI takes the serve folder itself: every device folder in it is a device of the report
    const cli = spawnSync(
      process.execPath,
      ['bin/edgebench.js', 'report', join(root, 'serve'), '--out', join(root, 'report-cli'), '--format', 'md'],
      { encoding: 'utf8' },
    );
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/report for .*device-01.*device-06/);
  });
});
