/**
 * npm run bench:load — can one Node process (the load generator) drive ≥ 256 concurrent streams
 * and ≥ 2,000 SSE chunks/s? The scripted server runs in a child process with zero added latency;
 * this process drives it through the real openai-http runner and the ladder's level driver, and
 * reports chunks/s, its own CPU time per chunk (client-side overhead), event-loop delay, and the
 * machine's load average (the machine may be shared).
 * Usage: tsx scripts/bench-load.ts [--concurrency 256] [--requests 1024] [--tg 64]
 */
import { spawn } from 'node:child_process';
import { loadavg, cpus } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { openAiHttpRunner } from '../src/runners/openai-http/openai-http-runner.ts';
import { driveLevel } from '../src/load/drive-level.ts';
import { summarizeLevel } from '../src/load/goodput.ts';
import { parseShape } from '../src/config/shapes.ts';
import { nowMs } from '../src/clock.ts';

const { values } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '256' },
    requests: { type: 'string', default: '1024' },
    tg: { type: 'string', default: '64' },
  },
});
const concurrency = Number(values.concurrency);
const requests = Number(values.requests);
const tg = Number(values.tg);
if (!(concurrency >= 1 && concurrency <= 1024 && requests >= 1 && requests <= 100_000 && tg >= 2 && tg <= 4096)) {
  console.error('bounds: --concurrency 1..1024, --requests 1..100000, --tg 2..4096');
  process.exit(1);
}

const child = spawn(
  process.execPath,
  ['--import', 'tsx', join(import.meta.dirname, 'load-server.ts'), JSON.stringify({ model: 'bench', itlMs: 0 }), '--max-s', '300'],
  { stdio: ['pipe', 'pipe', 'inherit'] },
);
const url = await new Promise<string>((resolve, reject) => {
  let out = '';
  child.stdout.on('data', (d) => {
    out += String(d);
    if (out.includes('\n')) resolve(out.trim());
  });
  child.once('exit', (c) => reject(new Error(`server exited ${c}`)));
});

try {
  const loaded = await openAiHttpRunner.load(
    { id: 'bench', dir: null, file: null, dtype: 'remote', arch: null },
    { ep: 'cpu', threads: null, settings: { endpoint: url, maxRetries: 0, timeoutS: 120 } },
  );
  const shape = parseShape(`pp8+tg${tg}`);
  // warm the sockets and JIT a little (not counted)
  await driveLevel({
    model: loaded,
    workload: { shape, vocabSize: 32000, seed: 1 },
    spec: { mode: 'concurrency', concurrency },
    count: concurrency,
    maxTimeS: 120,
    seed: 1,
    shouldStop: () => false,
  });
  loaded.takeCellExtra?.();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const t0 = nowMs();
  const level = await driveLevel({
    model: loaded,
    workload: { shape, vocabSize: 32000, seed: 2 },
    spec: { mode: 'concurrency', concurrency },
    count: requests,
    maxTimeS: 240,
    seed: 2,
    shouldStop: () => false,
  });
  const wallS = (nowMs() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  loop.disable();
  const extra = loaded.takeCellExtra?.() as { chunks: number } | undefined;
  const chunks = extra?.chunks ?? 0;
  const s = summarizeLevel(
    {
      mode: 'concurrency',
      concurrency,
      ratePerS: null,
      startedAt: level.startedAt,
      wallMs: level.wallMs,
      truncated: level.truncated,
      requests: level.requests,
      runner: null,
      connections: null,
    },
    { ttftMs: 1e6, tpotMs: 1e6, attainment: 1 },
    null,
  );
  const cpuUs = cpu.user + cpu.system;
  console.log(
    `bench:load — ${concurrency} concurrent streams, ${requests} requests × tg${tg}, scripted server (zero added latency) in a child process`,
  );
  console.log(
    `machine: ${cpus().length} logical CPUs, load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ')} (1/5/15 min) — shared with other jobs`,
  );
  console.log(`requests: ${s.ok} ok, ${s.errored} errored, ${s.retries} retries; max in flight ${concurrency}`);
  const firstErr = level.requests.find((r) => r.status === 'errored')?.error;
  if (firstErr) console.log(`errors: ${JSON.stringify(s.errors)}; first: ${firstErr.message}`);
  console.log(
    `SSE chunks: ${chunks} in ${wallS.toFixed(2)} s = ${(chunks / wallS).toFixed(0)} chunks/s (target ≥ 2000); output ${s.totalOutputTokensPerS?.toFixed(0)} tok/s`,
  );
  console.log(
    `client overhead: ${(cpuUs / Math.max(1, chunks)).toFixed(1)} µs CPU per chunk (user+system of this process over the level: ${(cpuUs / 1e6).toFixed(2)} s = ${((cpuUs / 1e6 / wallS) * 100).toFixed(0)} % of one core)`,
  );
  console.log(
    `event-loop delay: p50 ${(loop.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, max ${(loop.max / 1e6).toFixed(1)} ms`,
  );
  console.log(
    `per request: ttft p50 ${s.ttftMs?.p50.toFixed(1)} ms, itl p50 ${s.itlMs?.p50.toFixed(2)} ms (the generator's timing under this load)`,
  );
  const ok = concurrency >= 256 && chunks / wallS >= 2000 && s.errored === 0;
  console.log(
    ok ? 'PASS: ≥ 256 streams and ≥ 2000 chunks/s from one process' : 'BELOW TARGET (see the load average above: the machine may be busy)',
  );
  await loaded[Symbol.asyncDispose]();
} finally {
  child.kill('SIGTERM');
}
