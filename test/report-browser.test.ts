/**
 * Opens report.html from disk in a real browser (Debian chromium via playwright-core): no console
 * errors, no network requests, every chart drawn, data shown as text. Saves screenshots to
 * test-artifacts/ (report.png full page at desktop width, report-phone.png at phone width).
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, skipBrowserTests } from './helpers/browser.ts';
import { writeReport } from '../src/report/write.ts';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ARTIFACTS = resolve('test-artifacts');

// Skipped where Chromium is absent (global-setup says how to enable); .ci/run requires it, so CI never skips.
describe.skipIf(skipBrowserTests())('report.html in a real browser', () => {
  let ctx: BrowserContext;
  let url: string;

  beforeAll(async () => {
    const out = mkdtempSync(join(tmpdir(), 'eb-browser-'));
    await writeReport({ runDirs: ['test/fixtures/report/run-laptop', 'test/fixtures/report/run-phone'], outDir: out, formats: ['html'], title: 'edgebench fixture report' });
    url = pathToFileURL(join(out, 'report.html')).href;
    ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'eb-chromium-')), { executablePath: chromiumPath(), headless: true, args: ARGS });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('renders without console errors or network requests, with every chart and escaped data', async () => {
    const page = await ctx.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    let dialogs = 0;
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => requests.push(r.url()));
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(url, { waitUntil: 'load' });

    for (const id of ['chart-ttft', 'chart-decode', 'chart-itl']) {
      const svg = page.locator(`#${id} svg`);
      await expect.poll(() => svg.count()).toBe(1);
      const box = await svg.boundingBox();
      expect(box!.width).toBeGreaterThan(200);
      expect(box!.height).toBeGreaterThan(100);
    }
    await expect.poll(() => page.locator('#chart-energy .note').textContent()).toContain('Energy not measured');
    // the model named <script>alert(1)</script> is text in the tables and in the chart, never markup
    expect(await page.getByText('<script>alert(1)</script>', { exact: true }).count()).toBeGreaterThan(0);
    expect(await page.locator('script:not([type="application/json"])').count()).toBe(0);
    expect(await page.locator('details.claim').count()).toBe(10);
    expect(await page.locator('.badge').first().textContent()).toBe('partly supported');
    expect(await page.locator('section#references a[href^="https://"]').count()).toBeGreaterThan(50);
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload({ waitUntil: 'load' });
    // readable on a phone: the page itself does not scroll sideways (wide tables and charts scroll in their boxes)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(ARTIFACTS, 'report-phone.png') });

    expect(errors).toEqual([]);
    expect(dialogs).toBe(0);
    expect(requests.every((r) => r.startsWith('file://'))).toBe(true);
    await page.close();
  });
});
