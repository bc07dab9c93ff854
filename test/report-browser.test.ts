/**
 * Opens report.html from disk in a real browser (Debian chromium via playwright-core): no console
 * errors, no network requests, every chart drawn, data shown as text. Saves screenshots to
 * test-artifacts/ (report.png and report-phone.png: full page with every detail collapsed, at 1280
 * and 390 px).
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, HEADLESS_ARGS, skipBrowserTests } from './helpers/browser.ts';
import { writeReport } from '../src/report/write.ts';

const ARGS = HEADLESS_ARGS;
const ARTIFACTS = resolve('test-artifacts');

// Skipped where Chromium is absent (global-setup says how to enable); .ci/run requires it, so CI never skips.
describe.skipIf(skipBrowserTests())('report.html in a real browser', () => {
  let ctx: BrowserContext;
  let url: string;

  beforeAll(async () => {
    const out = mkdtempSync(join(tmpdir(), 'eb-browser-'));
    await writeReport({
      runDirs: ['test/fixtures/report/run-laptop', 'test/fixtures/report/run-phone'],
      outDir: out,
      formats: ['html'],
      title: 'edgebench fixture report',
    });
    url = pathToFileURL(join(out, 'report.html')).href;
    ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'eb-chromium-')), {
      executablePath: chromiumPath(),
      headless: true,
      args: ARGS,
    });
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

    // the first screen is the answer: the edge-vs-cloud table and the synthetic-weights banner, then the verdicts
    const firstScreen = await page.evaluate(() => {
      const top = (sel: string) => document.querySelector(sel)?.getBoundingClientRect().top ?? Infinity;
      return { answer: top('table.answer'), banner: top('.banner'), verdicts: top('#verdicts') };
    });
    expect(firstScreen.answer).toBeLessThan(900);
    expect(firstScreen.banner).toBeLessThan(firstScreen.answer);
    expect(await page.locator('#verdicts + .table-wrap th').allTextContents()).toEqual(['id', 'verdict — claim', 'decided by']);
    await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
    for (const id of ['chart-ec-ttft', 'chart-ec-decode', 'chart-ec-cost', 'chart-ttft', 'chart-decode', 'chart-itl']) {
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
    expect(await page.locator('#references a[href^="https://"]').count()).toBeGreaterThan(50);
    expect(await page.locator('td .synthetic').count()).toBeGreaterThan(10); // the weights column of every table

    // the reference table filters by category without a script
    const refRows = page.locator('#references tbody tr');
    const total = await refRows.count();
    await page.locator('label[for="rf-price"]').click();
    const shown = await page.locator('#references tbody tr:visible').evaluateAll((rs) => rs.map((r) => r.className));
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(total);
    expect(shown.every((c) => c === 'cat-price')).toBe(true);
    await page.locator('label[for="rf-all"]').click();

    for (const [width, height] of [
      [1280, 900],
      [390, 844],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.reload({ waitUntil: 'load' });
      await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = false)));
      const layout = await page.evaluate(() => ({
        pageWidth: document.documentElement.scrollWidth,
        pageHeight: document.documentElement.scrollHeight,
        // a table wider than its box must sit in a box that scrolls: nothing is cut off
        clipped: Array.from(document.querySelectorAll('table')).filter((tb) => {
          const box = tb.parentElement!;
          return tb.scrollWidth > box.clientWidth + 1 && !['auto', 'scroll'].includes(getComputedStyle(box).overflowX);
        }).length,
        tables: document.querySelectorAll('table').length,
      }));
      // the page itself never scrolls sideways; with every detail collapsed it is at most ~6 screens
      expect(layout.pageWidth).toBeLessThanOrEqual(width);
      expect(layout.clipped).toBe(0);
      expect(layout.pageHeight / height).toBeLessThanOrEqual(6);
      await page.screenshot({ path: join(ARTIFACTS, width > 500 ? 'report.png' : 'report-phone.png'), fullPage: true });
      // and opened, every table is still inside its box or a scrolling one
      await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
      const open = await page.evaluate(() => ({
        pageWidth: document.documentElement.scrollWidth,
        clipped: Array.from(document.querySelectorAll('table')).filter(
          (tb) =>
            tb.scrollWidth > tb.parentElement!.clientWidth + 1 &&
            !['auto', 'scroll'].includes(getComputedStyle(tb.parentElement!).overflowX),
        ).length,
      }));
      expect(open).toEqual({ pageWidth: expect.any(Number), clipped: 0 });
      expect(open.pageWidth).toBeLessThanOrEqual(width);
    }

    expect(errors).toEqual([]);
    expect(dialogs).toBe(0);
    expect(requests.every((r) => r.startsWith('file://'))).toBe(true);
    await page.close();
  });
});
