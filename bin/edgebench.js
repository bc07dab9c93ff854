#!/usr/bin/env node
// Runs the TypeScript sources directly (no build step): tsx registers an ESM loader in-process.
import { readFileSync } from 'node:fs';

// `edgebench --version` needs no sources: skip loading tsx and the CLI (npm run bench:cli).
if (process.argv.length === 3 && (process.argv[2] === '--version' || process.argv[2] === '-V')) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
  process.exit(0);
}
const { register } = await import('tsx/esm/api');

// `edgebench … | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
