/**
 * Ladder maths against hand-computed values: TTFT/TPOT per request, total and per-user tok/s,
 * goodput and attainment under an objective, the highest level meeting it; Poisson gaps; the
 * bounds of the load flags.
 */
import { describe, expect, it } from 'vitest';
import { summarizeLadder, summarizeLevel, meets } from '../src/load/goodput.ts';
import type { LoadFile, LoadLevel, LoadRequest } from '../src/load/ladder-schema.ts';
import { poissonArrivalsMs } from '../src/load/poisson.ts';
import { LoadPlan, parseConcurrency, parseRequestRates, parseSlo } from '../src/load/plan.ts';

const req = (submitMs: number, times: number[], status: 'ok' | 'errored' = 'ok', retries = 0): LoadRequest => ({
  scheduledMs: submitMs,
  submitMs,
  tokenTimesMs: times,
  promptTokens: 10,
  cachedTokens: null,
  retries,
  status,
  ...(status === 'errored' && { error: { code: 'NETWORK', message: 'cut' } }),
});

const level = (concurrency: number, requests: LoadRequest[], wallMs: number): LoadLevel => ({
  mode: 'concurrency',
  concurrency,
  ratePerS: null,
  startedAt: '2026-12-06T00:00:00Z',
  wallMs,
  truncated: false,
  requests,
  runner: null,
  connections: null,
});

const slo = { ttftMs: 100, tpotMs: 20, attainment: 0.75 };

describe('goodput (hand-computed)', () => {
  // four requests over 2 s of level time:
  //  A: ttft 50, tokens at 50,60,70,80 → tpot (80−50)/3 = 10, decode (3)/(0.030 s) = 100 tok/s → meets
  //  B: ttft 150 → misses (TTFT)
  //  C: ttft 80, tokens 80,130,180,230 → tpot 50 → misses (TPOT); decode 3/0.150 = 20 tok/s
  //  D: errored → misses, no tokens counted
  const l = level(
    2,
    [req(0, [50, 60, 70, 80]), req(100, [150, 160, 170, 180], 'ok', 1), req(200, [80, 130, 180, 230]), req(300, [10, 20], 'errored')],
    2000,
  );
  const s = summarizeLevel(l, slo, 30);

  it('counts, throughput and per-user speed', () => {
    expect(s).toMatchObject({ label: 'c=2', requests: 4, ok: 3, errored: 1, retries: 1, durationS: 2 });
    expect(s.totalOutputTokensPerS).toBe(6); // 12 tokens of ok requests / 2 s
    expect(s.requestsPerS).toBe(1.5); // 3 ok / 2 s
    // decode rates: A 100, B 3/0.030 = 100, C 20 → median 100
    expect(s.perUserTokensPerS).toBeCloseTo(100, 9);
    expect(s.ttftMs).toMatchObject({ n: 3, p50: 80, min: 50, max: 150 });
    expect(s.tpotMs).toMatchObject({ n: 3, p50: 10, max: 50 });
    expect(s.itlMs).toMatchObject({ n: 9, p50: 10, max: 50 });
    expect(s.ttftMinusRttMs).toMatchObject({ p50: 50, min: 20 }); // 80 − 30, 50 − 30
    expect(s.errors).toEqual({ NETWORK: 1 });
  });

  it('goodput, attainment and the level verdict', () => {
    expect(meets(l.requests[0]!, slo)).toBe(true);
    expect(meets(l.requests[1]!, slo)).toBe(false);
    expect(meets(l.requests[2]!, slo)).toBe(false);
    expect(meets(l.requests[3]!, slo)).toBe(false);
    expect(s.goodputRequestsPerS).toBe(0.5); // 1 request met / 2 s
    expect(s.sloAttainment).toBe(0.25);
    expect(s.meetsSlo).toBe(false);
  });

  it('the highest level that meets the objective', () => {
    const good = level(1, [req(0, [50, 60]), req(100, [40, 50])], 1000);
    const alsoGood = level(4, [req(0, [90, 100]), req(0, [95, 105]), req(0, [99, 110]), req(0, [300, 310])], 1000); // 3 of 4 = 75 % ≥ 75 %
    const f: LoadFile = {
      schemaVersion: 1,
      kind: 'load-ladder',
      cellIndex: 0,
      key: {
        model: 'm',
        dtype: 'q4',
        runner: 'openai-http',
        ep: 'cpu',
        threads: null,
        shape: { name: 'tg2', promptTokens: 0, genTokens: 2, depth: 0 },
      },
      boundary: 'http-client',
      resolved: null,
      parallelism: 'x',
      slo,
      seed: 1,
      levels: [good, l, alsoGood],
      network: { rttMs: 5 },
    };
    const sum = summarizeLadder(f);
    expect(sum.levels.map((x) => x.meetsSlo)).toEqual([true, false, true]);
    expect(sum.highestMeeting).toBe('c=4');
    expect(sum.rttMs).toBe(5);
    expect(summarizeLadder(f, { ...slo, attainment: 1 }).highestMeeting).toBe('c=1');
  });
});

describe('Poisson arrivals and load bounds', () => {
  it('arrivals are seeded, increasing, with mean gap 1/rate', () => {
    const a = poissonArrivalsMs(20_000, 50, 7);
    expect(poissonArrivalsMs(20_000, 50, 7)).toEqual(a);
    expect(a.every((t, i) => i === 0 || t > a[i - 1]!)).toBe(true);
    expect(a.at(-1)! / a.length).toBeGreaterThan(19); // mean gap 20 ms ± 5 %
    expect(a.at(-1)! / a.length).toBeLessThan(21);
  });

  it('refuses concurrency 0, 10^6 and fractions; rates ≤ 0; malformed objectives', () => {
    expect(parseConcurrency('1,2,4')).toEqual([1, 2, 4]);
    expect(() => parseConcurrency('0')).toThrow(/'0' is not a whole number of parallel requests from 1 to 1024/);
    expect(() => parseConcurrency('1000000')).toThrow(/'1000000' is not .* 1 to 1024/);
    expect(() => parseConcurrency('2.5')).toThrow(/'2\.5'/);
    expect(() => parseRequestRates('0')).toThrow(/above 0 and at most 10000/);
    expect(parseSlo('ttft=500,tpot=50')).toEqual({ ttftMs: 500, tpotMs: 50 });
    expect(() => parseSlo('ttft=fast')).toThrow(/'ttft=fast' is not name=positive number/);
    expect(() => parseSlo('attainment=2')).toThrow(/attainment/);
    expect(LoadPlan.parse({ concurrency: [1] }).slo).toEqual({ ttftMs: 40, tpotMs: 40, attainment: 0.9 }); // the C1 claim
    expect(LoadPlan.safeParse({}).success).toBe(false);
  });
});
