import type { TestProject } from 'vitest/node';
import { ENABLE_BROWSER_HINT, skipBrowserTests } from './helpers/browser.ts';

// Shared one-time setup per project. The integration project (where the browser tests are) says
// once, up front, which tests this machine skips and how to enable them.
export default async function setup(project: TestProject): Promise<void> {
  if (project.name === 'integration' && skipBrowserTests()) {
    console.log(
      `skipping the browser tests (report, serve page, WebGPU via SwiftShader): no Chromium here — enable with: ${ENABLE_BROWSER_HINT}`,
    );
  }
}
