/**
 * The adaptive stopping rule (src/measure/stopping.ts) against values worked out by hand.
 *
 * For an odd number n of samples the bootstrap median is always a sample order statistic x_(j),
 * and P(resampled median ≤ x_(j)) = P(Bin(n, j/n) ≥ (n + 1)/2) — so the 2.5 % and 97.5 %
 * percentiles of 10 000 resampled medians are the order statistics where that cumulative
 * probability crosses 0.025 and 0.975 (far enough from them that Monte Carlo error cannot move them):
 *   n = 5, samples 100..104:  P(med = x_(1)) = P(Bin(5, 0.2) ≥ 3) = 0.0512 + 0.0064 + 0.00032 = 0.05792 ≥ 0.025
 *          → CI [100, 104], half-width 2 = 1.961 % of the median 102
 *   n = 7, samples 100, 101, 102, 102, 102, 103, 104:
 *          P(med ≤ 100) = P(Bin(7, 1/7) ≥ 4) = 0.00918 + 0.00092 + 0.00005 + 0.000001 = 0.0102 < 0.025
 *          P(med ≤ 101) = P(Bin(7, 2/7) ≥ 4) = 0.0850 + 0.0204 + 0.0027 + 0.0002 = 0.1083 ≥ 0.025
 *          → CI [101, 103] (symmetric), half-width 1 = 0.980 % of 102
 * Samples are TTFT (a pp shape's headline metric) so they are exact integers.
 */
import { describe, expect, it } from 'vitest';
import { describeRule, headlineMetric, StoppingRule } from '../src/measure/stopping.ts';
import { measureCellStopping } from '../src/measure/measure-cell.ts';
import { fakeRunner } from '../src/runners/fake/fake-runner.ts';
import type { RequestTrace } from '../src/results/schema.ts';
import type { RepetitionPolicy } from '../src/config/policy.ts';

const PP = { name: 'pp8', promptTokens: 8, genTokens: 0, depth: 0 };
const SAMPLES = [100, 101, 102, 103, 104, 102, 102, 102, 102];
const trace = (ttft: number, i: number): RequestTrace => ({
  index: i,
  phase: 'measured',
  promptTokens: 8,
  depth: 0,
  tokenTimesMs: [ttft],
  startedAt: '2026-01-01T00:00:00Z',
  offsetMs: 0,
});
const policy = (p: Partial<RepetitionPolicy>): RepetitionPolicy => ({
  warmup: 0,
  minCount: 5,
  minTimeS: 0,
  maxCount: 100,
  maxTimeS: 1000,
  cooldownS: 0,
  ...p,
});

/** Feed samples until the rule stops; returns the count at the stop and the rule. */
function run(p: RepetitionPolicy, samples = SAMPLES) {
  const rule = new StoppingRule(p, PP, { seed: 42 });
  let i = 0;
  for (;;) {
    const d = rule.decide();
    if (d.stop) return { at: i, reason: d.reason, rule };
    if (i >= samples.length) throw new Error('ran out of samples');
    rule.observe(trace(samples[i]!, i));
    i++;
  }
}

describe('adaptive stopping decision (hand-computed CIs)', () => {
  it('headline metric: decode tok/s when ≥ 2 tokens are decoded, else TTFT', () => {
    expect(headlineMetric(PP)).toBe('ttftMs');
    expect(headlineMetric({ name: 'tg1', promptTokens: 0, genTokens: 1, depth: 0 })).toBe('ttftMs');
    expect(headlineMetric({ name: 'tg32', promptTokens: 0, genTokens: 32, depth: 0 })).toBe('decodeTokensPerS');
  });

  it('stops at the first look when n = 5 gives ±1.961 % ≤ 2 %', () => {
    const r = run(policy({ targetCiPct: 2 }));
    expect(r).toMatchObject({ at: 5, reason: 'ci-reached' });
    const rec = r.rule.record(1);
    expect(rec.looks).toHaveLength(1);
    expect(rec.looks[0]).toMatchObject({ n: 5, median: 102, lo: 100, hi: 104 });
    expect(rec.halfWidthPct).toBeCloseTo((2 / 102) * 100, 10);
    expect(rec).toMatchObject({
      rule: 'ci-half-width',
      reached: true,
      metric: 'ttftMs',
      checkEvery: 5,
      timeBasis: 'timed-windows',
      measured: 5,
    });
  });

  it('target 1.5 %: n = 5 is too wide (1.961 %), no look at n = 6, n = 7 gives ±0.980 % → stop', () => {
    const r = run(policy({ targetCiPct: 1.5, checkEvery: 2 }));
    expect(r).toMatchObject({ at: 7, reason: 'ci-reached' });
    const rec = r.rule.record(1);
    expect(rec.looks.map((l) => l.n)).toEqual([5, 7]);
    expect(rec.looks[1]).toMatchObject({ median: 102, lo: 101, hi: 103 });
    expect(rec.looks[1]!.halfWidthPct).toBeCloseTo((1 / 102) * 100, 10);
  });

  it('looks only every checkEvery requests: with k = 5 the second look is at n = 10', () => {
    const r = run(policy({ targetCiPct: 1.5, checkEvery: 5 }), [...SAMPLES, 102]);
    expect(r.rule.record(1).looks.map((l) => l.n)).toEqual([5, 10]);
  });

  it('never stops before the minimum timed time, even with a tight CI (100 ms per request, minTimeS 0.7 → first look at n = 7)', () => {
    const r = run(policy({ targetCiPct: 1.5, minTimeS: 0.7, checkEvery: 2 }));
    expect(r).toMatchObject({ at: 7, reason: 'ci-reached' });
    const rec = r.rule.record(99);
    expect(rec.looks.map((l) => l.n)).toEqual([7]);
    expect(rec.timedS).toBeCloseTo(0.714, 10); // Σ of the 7 timed windows (ms) / 1000, not the wall time (99 s)
    expect(rec.wallS).toBe(99);
  });

  it('a cap hit first ends the cell unreached, with the width it got to', () => {
    const r = run(policy({ targetCiPct: 0.5, checkEvery: 2, maxCount: 7 }));
    expect(r).toMatchObject({ at: 7, reason: 'max-count' });
    const rec = r.rule.record(1);
    expect(rec.reached).toBe(false);
    expect(rec.halfWidthPct).toBeCloseTo((1 / 102) * 100, 10);
    const t = run(policy({ targetCiPct: 0.1, maxTimeS: 0.3, minTimeS: 0.1, minCount: 1 }));
    expect(t).toMatchObject({ at: 3, reason: 'max-time' }); // 3 × ~0.1 s ≥ 0.3 s
  });

  it('a cap between two looks takes one more look: n = 5 misses 1.5 % (1.961 %), the cap at 7 meets it (0.980 %) → reached, not CI_NOT_REACHED', () => {
    const r = run(policy({ targetCiPct: 1.5, checkEvery: 5, maxCount: 7 }));
    expect(r).toMatchObject({ at: 7, reason: 'ci-reached' });
    const rec = r.rule.record(1);
    expect(rec.looks.map((l) => l.n)).toEqual([5, 7]);
    expect(rec).toMatchObject({ reached: true, reason: 'ci-reached' });
    expect(rec.halfWidthPct).toBeCloseTo((1 / 102) * 100, 10);
  });

  it('fixed rule (no targetCiPct) stops as soon as both minimums are met, and records the final CI for information', () => {
    const r = run(policy({ minCount: 5 }));
    expect(r).toMatchObject({ at: 5, reason: 'min-reached' });
    const rec = r.rule.record(1);
    expect(rec).toMatchObject({ rule: 'fixed', reached: null, targetCiPct: null });
    expect(rec.halfWidthPct).toBeCloseTo((2 / 102) * 100, 10);
  });

  it('the rule is stated in words', () => {
    expect(describeRule(policy({ targetCiPct: 3 }), 'decodeTokensPerS')).toMatch(
      /half-width ≤ 3 % of the median, looked at every 5 requests and once more where a cap falls/,
    );
    expect(describeRule(policy({}), 'ttftMs')).toMatch(/^fixed: stop once ≥ 5 requests and ≥ 0 s of timed windows/);
  });
});

describe('measureCellStopping on the fake runner', () => {
  it('records the stopping rule with the cell; time counts timed windows', async () => {
    const model = await fakeRunner.load({ id: 'fake', dtype: 'q4', dir: null, file: null } as never, {
      ep: 'cpu',
      threads: 1,
      settings: { decodeMs: 2, prefillMsPerToken: 0.01, loadMs: 0 },
    });
    const r = await measureCellStopping(
      model,
      { shape: { name: 'tg4', promptTokens: 0, genTokens: 4, depth: 0 }, vocabSize: 100, seed: 42 },
      policy({ minCount: 3, maxCount: 40, targetCiPct: 50 }),
    );
    const measured = r.requests.filter((t) => t.phase === 'measured');
    expect(r.stopping.measured).toBe(measured.length);
    expect(r.stopping.timedS).toBeCloseTo(measured.reduce((s, t) => s + t.tokenTimesMs.at(-1)!, 0) / 1000, 9);
    expect(r.stopping.metric).toBe('decodeTokensPerS');
    expect(r.stopping.wallS).toBeGreaterThanOrEqual(r.stopping.timedS);
  });
});
