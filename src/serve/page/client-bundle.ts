/**
 * The page's script: src/serve/page/client/main.ts bundled in memory with esbuild when the
 * server starts (no build step, nothing written to disk). The bundle contains edgebench's own
 * measurement code — measureCell (cold, warmup, measured until minCount AND minTimeS) and the
 * KvSequence greedy loop — so the browser runs exactly what Node runs. Only the clock differs:
 * src/clock.ts (process.hrtime) is swapped for client/browser-clock.ts
 * (performance.now), the one monotonic clock a page has (DESIGN §5).
 * onnxruntime-web is not bundled: the page imports the build for its EP from `ort/…`.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { EdgebenchError } from '../../errors.ts';

const ENTRY = fileURLToPath(new URL('./client/main.ts', import.meta.url));
const BROWSER_CLOCK = fileURLToPath(new URL('./client/browser-clock.ts', import.meta.url));
const NODE_CLOCK = fileURLToPath(new URL('../../clock.ts', import.meta.url));

const browserClock: Plugin = {
  name: 'edgebench-browser-clock',
  setup(b) {
    b.onResolve({ filter: /clock\.ts$/ }, (args) =>
      resolve(args.resolveDir, args.path) === NODE_CLOCK ? { path: BROWSER_CLOCK } : undefined,
    );
  },
};

let cached: Promise<string> | null = null;

export function clientBundle(): Promise<string> {
  cached ??= build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome113', 'safari17', 'firefox121'],
    minify: false,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'silent',
    plugins: [browserClock],
  })
    .then((r) => {
      const out = r.outputFiles[0];
      if (!out) throw new Error('esbuild produced no output');
      if (/\bprocess\.hrtime\b/.test(out.text)) throw new Error('the page bundle still reads process.hrtime (clock swap failed)');
      return out.text;
    })
    .catch((e: unknown) => {
      cached = null;
      throw new EdgebenchError(
        'INTERNAL',
        `cannot build the page script: ${(e as Error).message.split('\n')[0]}`,
        'this is a bug in edgebench; please report it',
      );
    });
  return cached;
}
