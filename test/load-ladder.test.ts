/**
 * The concurrency ladder for real over HTTP, against the scripted OpenAI-compatible server on
 * loopback: queueing behind a small batch, 429s counted and retried (never timed), dropped
 * connections as errored requests, Poisson arrivals, cache-busting vs a warm prefix, the network
 * split and keep-alive counts; plus the flags' bounds and the provider presets' errors.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runSuite } from '../src/measure/run-suite.ts';
import { SuiteFile } from '../src/config/suite.ts';
import type { LoadFile } from '../src/load/ladder-schema.ts';
import { startScriptServer, type ScriptOptions, type ScriptServer } from '../src/load/script-server.ts';
import { summarizeLadder } from '../src/load/goodput.ts';
import { readLoadFiles, writeLoadFile } from '../src/load/io.ts';
import { main } from '../src/cli/main.ts';

const noop = () => {};
let server: ScriptServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function ladder(
  opts: Partial<ScriptOptions>,
  load: Record<string, unknown>,
  shape = 'pp16+tg6',
  settings: Record<string, string | number | boolean> = {},
): Promise<LoadFile> {
  server = await startScriptServer({ model: 'm', ...opts });
  const suite = SuiteFile.parse({
    name: 't',
    models: ['m'],
    runners: ['openai-http'],
    shapes: [shape],
    runnerSettings: { 'openai-http': { endpoint: server.url, retryBaseMs: 5, ...settings } },
    repetitions: { warmup: 0, minCount: 1, minTimeS: 0, maxCount: 1, maxTimeS: 30 },
    load: { levelMaxTimeS: 60, ...load },
  });
  const files: LoadFile[] = [];
  await runSuite(
    {
      suite,
      done: new Set(),
      appendCell: async () => {},
      onEvent: noop,
      shouldStop: () => false,
      load: { plan: suite.load!, appendLoad: async (f) => void files.push(f) },
    },
    { environment: {} as never, checkMemory: noop, measureBandwidth: async () => null },
  );
  expect(files).toHaveLength(1);
  return files[0]!;
}

describe('concurrency ladder over HTTP (scripted server)', () => {
  it('queues behind a 2-slot batch: TTFT grows with concurrency; network split and keep-alive recorded', async () => {
    const f = await ladder(
      { ttftMs: 30, itlMs: 20, slots: 2 },
      { concurrency: [1, 4], requestsPerLevel: 8, slo: { ttftMs: 120, tpotMs: 100 } },
    );
    expect(server!.stats.maxActive).toBe(2);
    expect(server!.stats.maxInFlight).toBeGreaterThanOrEqual(3);
    const s = summarizeLadder(f);
    const [c1, c4] = s.levels;
    expect(c1).toMatchObject({ label: 'c=1', requests: 8, ok: 8, errored: 0 });
    expect(c4).toMatchObject({ label: 'c=4', requests: 8, ok: 8 });
    // at c=4 half the requests wait for a slot: a whole answer (≥ 30 + 5 × 20 ms) before their own 30 ms
    expect(c4!.ttftMs!.max).toBeGreaterThan(c1!.ttftMs!.p50 + 100);
    expect(c4!.totalOutputTokensPerS!).toBeGreaterThan(c1!.totalOutputTokensPerS!);
    // SLO verdicts are timing-dependent on a shared machine: their maths is in goodput-golden.test.ts
    expect(s.slo).toEqual({ ttftMs: 120, tpotMs: 100, attainment: 0.9 });
    const net = f.network as {
      tcpConnectMs: number[];
      modelsRoundTripMs: number[];
      rttMs: number;
      tlsHandshakeMs: null;
      modelsStatus: number;
    };
    expect(net.tcpConnectMs).toHaveLength(5);
    expect(net.tlsHandshakeMs).toBeNull();
    expect(net.modelsStatus).toBe(200);
    expect(net.rttMs).toBeGreaterThan(0);
    expect(s.levels[0]!.ttftMinusRttMs!.p50).toBeCloseTo(c1!.ttftMs!.p50 - net.rttMs, 6);
    const conn = f.levels[0]!.connections!;
    expect(conn.requests).toBe(8);
    expect(conn.reused).toBeGreaterThanOrEqual(6); // one client, one request at a time: keep-alive reuses the socket
    expect(f.parallelism).toMatch(/server decides/);
    // durable: written atomically, read back validated, re-analysed without the server
    const dir = mkdtempSync(join(tmpdir(), 'eb-load-'));
    await writeLoadFile(dir, f);
    const [back] = await readLoadFiles(dir);
    expect(summarizeLadder(back!)).toEqual(s);
  });

  it('429s are counted and retried with backoff, never timed; dropped connections are errored requests', async () => {
    const f = await ladder({ itlMs: 1, rateLimitEvery: 3, retryAfterMs: 400 }, { concurrency: [2], requestsPerLevel: 10 });
    const l = f.levels[0]!;
    expect(l.requests.every((r) => r.status === 'ok')).toBe(true);
    const retries = l.requests.reduce((a, r) => a + r.retries, 0);
    expect(retries).toBeGreaterThan(0);
    expect((l.runner as { rateLimited: number }).rateLimited).toBe(retries);
    // a 400 ms Retry-After wait is never inside a TTFT (answers take ~1 ms here)
    for (const r of l.requests) expect(r.tokenTimesMs[0]!).toBeLessThan(400);
    await server!.close();
    const d = await ladder({ itlMs: 1, dropEvery: 4 }, { concurrency: [2], requestsPerLevel: 8 });
    const dl = d.levels[0]!;
    expect(dl.requests).toHaveLength(8);
    const errs = dl.requests.filter((r) => r.status === 'errored');
    expect(errs.length).toBeGreaterThanOrEqual(1);
    expect(errs[0]!.error!.code).toBe('NETWORK');
    expect(summarizeLadder(d).levels[0]!.errors.NETWORK).toBe(errs.length);
  });

  it('open loop: Poisson arrivals at a rate, bounded in flight', async () => {
    const f = await ladder({ itlMs: 2 }, { requestRates: [40], requestsPerLevel: 12, maxInFlight: 4 });
    const l = f.levels[0]!;
    expect(l).toMatchObject({ mode: 'rate', ratePerS: 40, concurrency: null });
    expect(l.requests).toHaveLength(12);
    const due = l.requests.map((r) => r.scheduledMs).sort((a, b) => a - b);
    expect(due.at(-1)!).toBeGreaterThan(100); // 12 arrivals at 40/s ≈ 300 ms
    for (const r of l.requests) expect(r.submitMs).toBeGreaterThanOrEqual(r.scheduledMs - 2); // timers may fire up to a ms early
    expect(server!.stats.maxInFlight).toBeLessThanOrEqual(4);
  });

  it('busts a prefix cache by default; warm prefix on purpose records cached tokens', async () => {
    const bust = await ladder({ cachePrefixes: true, prefillMsPerToken: 0.5 }, { concurrency: [2], requestsPerLevel: 6 }, 'pp32+tg2@d64');
    expect(bust.levels[0]!.requests.every((r) => r.cachedTokens === 0)).toBe(true);
    expect(bust.levels[0]!.requests.every((r) => r.promptTokens >= 96)).toBe(true); // the @d64 context travels as text
    await server!.close();
    const warm = await ladder({ cachePrefixes: true, prefillMsPerToken: 0.5 }, { concurrency: [1], requestsPerLevel: 6 }, 'pp32+tg2@d64', {
      promptCache: 'warm',
    });
    expect(warm.levels[0]!.requests.every((r) => (r.cachedTokens ?? 0) >= 64)).toBe(true); // the sequential cell warmed it first
  });
});

describe('load and cloud flags', () => {
  async function cli(args: string[]): Promise<{ code: number; stderr: string }> {
    let stderr = '';
    const err = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void (stderr += `${a.join(' ')}\n`));
    try {
      return { code: await main(['node', 'edgebench', ...args]), stderr };
    } finally {
      err.mockRestore();
    }
  }

  it('refuses bad bounds, unknown providers and missing keys before any request', async () => {
    const saved = { g: process.env.GROQ_API_KEY, e: process.env.EDGEBENCH_API_KEY };
    delete process.env.GROQ_API_KEY;
    delete process.env.EDGEBENCH_API_KEY;
    try {
      const base = ['run', '--endpoint', 'http://127.0.0.1:9', '--model', 'm', '--out', join(tmpdir(), 'eb-never')];
      for (const [args, re] of [
        [[...base, '--concurrency', '0'], /--concurrency 0: '0' is not a whole number of parallel requests from 1 to 1024/],
        [[...base, '--concurrency', '1000000'], /'1000000' is not/],
        [[...base, '--request-rate', '-1'], /--request-rate -1/],
        [[...base, '--concurrency', '2', '--slo', 'ttft'], /--slo ttft/],
        [[...base, '--concurrency', '2', '--level-requests', '1e9'], /--level-requests 1e9: expected a whole number from 1 to 100000/],
        [
          ['run', '--cloud', 'nope', '--model', 'llama-3.1-8b'],
          /unknown provider 'nope'\n\s+hint: one of: openai, groq, together, fireworks, deepinfra, openrouter, cerebras, sambanova, mistral, vllm, llama-server, ollama, lm-studio/,
        ],
        [
          ['run', '--cloud', 'groq', '--model', 'llama-3.1-8b'],
          /--cloud groq needs an API key in GROQ_API_KEY, which is not set\n\s+hint: export GROQ_API_KEY=/,
        ],
      ] as [string[], RegExp][]) {
        const r = await cli(args);
        expect(r.code, args.join(' ')).toBe(1);
        expect(r.stderr).toMatch(re);
        expect(r.stderr).not.toMatch(/INTERNAL/);
      }
    } finally {
      if (saved.g !== undefined) process.env.GROQ_API_KEY = saved.g;
      if (saved.e !== undefined) process.env.EDGEBENCH_API_KEY = saved.e;
    }
  });
});
