#!/usr/bin/env node
// Runs the TypeScript sources directly (no build step): tsx registers an ESM loader in-process.
import { register } from 'tsx/esm/api';

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
