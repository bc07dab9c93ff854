/**
 * The leaderboard and history pages in a real browser (Debian chromium via playwright-core): charts
 * drawn, no console errors, no network requests, regressions marked, readable at phone width.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreDb } from '../src/store/db.ts';
import { queryHistory } from '../src/store/history.ts';
import { historyHtml, leaderboardHtml } from '../src/store/html.ts';
import { queryLeaderboard } from '../src/store/leaderboard.ts';
import { openStore } from '../src/store/open-store.ts';
import { prepareRuns, publishPrepared } from '../src/store/publish-runs.ts';
import { writeStoreRun } from './fixtures/store/runs.ts';
import { chromiumPath, HEADLESS_ARGS, skipBrowserTests } from './helpers/browser.ts';
import { embeddedBackend } from './helpers/store-backends.ts';

const ARGS = HEADLESS_ARGS;
const ARTIFACTS = resolve('test-artifacts');

describe.skipIf(skipBrowserTests())('store pages in a real browser', () => {
  const backend = embeddedBackend();
  let ctx: BrowserContext;
  const urls: Record<string, string> = {};

  beforeAll(async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'eb-store-browser-'));
    const dirs: string[] = [];
    for (const [dev, tpot] of [
      ['dev-a', 60],
      ['dev-<b>', 45],
    ] as const) {
      for (let i = 0; i < 4; i++) {
        dirs.push(
          await writeStoreRun(join(tmp, `${dev}-${i}`), {
            runId: `${dev}-r${i}`,
            fingerprint: dev,
            cpuBrand: dev === 'dev-a' ? 'Xeon A' : '<script>alert(1)</script>',
            commit: `c${i}`,
            createdAt: `2026-11-2${i}T08:00:00.000Z`,
            seed: i * 13,
            cells: [{ shape: 'tg64', tpotMs: i === 3 && dev === 'dev-a' ? tpot * 1.5 : tpot, requests: 12 }],
          }),
        );
      }
    }
    await backend.setup();
    const db: StoreDb = await openStore((await backend.fresh()).target);
    try {
      await publishPrepared(db, await prepareRuns(dirs, { source: 'cli', references: false }));
      const lb = await queryLeaderboard(db, { model: 'llama-3.2-1b', metric: 'decodeTokensPerS', limit: 20 });
      const h = await queryHistory(db, {
        metric: 'tpotMs',
        match: { shape: 'tg64' },
        since: null,
        noiseBand: { pct: 5, environment: 'laptop', source: 'flag' },
        alpha: 0.01,
        resamples: 1000,
        maxPoints: 50,
      });
      writeFileSync(join(tmp, 'leaderboard.html'), await leaderboardHtml(lb));
      writeFileSync(join(tmp, 'history.html'), await historyHtml(h));
    } finally {
      await db.close();
    }
    urls.leaderboard = pathToFileURL(join(tmp, 'leaderboard.html')).href;
    urls.history = pathToFileURL(join(tmp, 'history.html')).href;
    ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'eb-chromium-')), {
      executablePath: chromiumPath(),
      headless: true,
      args: ARGS,
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await ctx?.close();
    await backend.teardown();
  });

  for (const name of ['leaderboard', 'history'] as const) {
    it(`${name}.html renders its chart and tables without errors or network`, async () => {
      const page = await ctx.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('request', (r) => requests.push(r.url()));
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(urls[name]!, { waitUntil: 'load' });
      const svg = page.locator('figure svg').first();
      const box = await svg.boundingBox();
      expect(box!.width).toBeGreaterThan(200);
      expect(box!.height).toBeGreaterThan(50);
      expect(await page.getByText('<script>alert(1)</script>', { exact: false }).count()).toBeGreaterThan(0);
      expect(await page.locator('script:not([type="application/json"])').count()).toBe(0);
      if (name === 'history') {
        expect(await page.locator('tr.regressed').count()).toBe(1);
        expect(await page.locator('tr.regressed').textContent()).toContain('c3');
      } else {
        expect(await page.locator('section.group').count()).toBe(1);
        expect(await page.locator('section.group tbody tr').count()).toBe(2);
      }
      await page.screenshot({ path: join(ARTIFACTS, `store-${name}.png`), fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.reload({ waitUntil: 'load' });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      expect(errors).toEqual([]);
      expect(requests.every((r) => r.startsWith('file://'))).toBe(true);
      await page.close();
    });
  }
});
