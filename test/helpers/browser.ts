/**
 * Where the browser tests find Chromium, and whether they may skip without it. `npm test` on a
 * machine without Chromium skips them (global-setup prints one line saying how to enable them);
 * `.ci/run` sets EDGEBENCH_REQUIRE_BROWSER=1 so CI fails instead of skipping.
 */
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export const CHROMIUM: string | undefined = process.env.EDGEBENCH_CHROMIUM ?? CANDIDATES.find((p) => existsSync(p));

/** Headless Chromium without GPU, QUIC or background traffic: what the report and store pages are opened with. */
export const HEADLESS_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const BROWSER_REQUIRED = process.env.EDGEBENCH_REQUIRE_BROWSER === '1';

export const ENABLE_BROWSER_HINT = 'apt-get install chromium libvulkan1 (or set EDGEBENCH_CHROMIUM=/path/to/chromium)';

/** True when the browser tests must be skipped here (never when they are required). */
export function skipBrowserTests(): boolean {
  const found = CHROMIUM !== undefined && existsSync(CHROMIUM);
  if (!found && BROWSER_REQUIRED) {
    throw new Error(`EDGEBENCH_REQUIRE_BROWSER=1 but no Chromium at ${CHROMIUM ?? CANDIDATES.join(', ')}: ${ENABLE_BROWSER_HINT}`);
  }
  return !found;
}

/** The Chromium path for a test that did not skip. */
export function chromiumPath(): string {
  if (CHROMIUM === undefined) throw new Error(`no Chromium: ${ENABLE_BROWSER_HINT}`);
  return CHROMIUM;
}
