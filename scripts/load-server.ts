/**
 * The scripted OpenAI-compatible server as its own process (for `npm run bench:load`, so the load
 * generator's CPU is measured apart from the server's). Loopback only; stops after --max-s.
 * Usage: tsx scripts/load-server.ts '{"itlMs":0}' [--max-s 300]
 */
import { startScriptServer } from '../src/load/script-server.ts';

const opts = JSON.parse(process.argv[2] ?? '{}') as Record<string, unknown>;
const maxS = Number(process.argv[process.argv.indexOf('--max-s') + 1] ?? 300) || 300;
const server = await startScriptServer(opts);
process.stdout.write(`${server.url}\n`);
const stop = async () => {
  process.stderr.write(`server stats ${JSON.stringify(server.stats)}\n`);
  await server.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
setTimeout(() => void stop(), Math.min(maxS, 600) * 1000).unref();
process.stdin.resume();
process.stdin.on('end', () => void stop()); // parent gone: stop
