/**
 * The statistics of `compare` on synthetic, seeded sample sets with known effects:
 * the verdict rule, direction awareness, and the two proof figures (false alarms in A/A
 * comparisons on a noisy shared runner; power to catch a 10 % slowdown).
 */
import { describe, expect, it } from 'vitest';
import { compareSamples, decideVerdict, DEFAULT_ALPHA, MIN_SAMPLES } from '../src/compare/compare-samples.ts';
import { regressionPct } from '../src/compare/direction.ts';
import { NOISE_ENVIRONMENTS, resolveNoiseBand } from '../src/compare/noise-band.ts';
import { holmAdjust, mannWhitneyU, mulberry32 } from '../src/stats/index.ts';
import { noisy } from './fixtures/compare/synthetic-run.ts';

/**
 * The simulations count regressed/improved verdicts only, which never use the bootstrap CI (see
 * compare-samples.ts), so 200 resamples instead of 10 000 keep them fast without changing a figure.
 */
const FAST = { seed: 1, resamples: 200, confidence: 0.95 };
const ALPHA = 0.05;

describe('verdict rule', () => {
  const v = (regressionPctValue: number, ci: [number, number], pAdjusted: number, band = 5, n = 30) =>
    decideVerdict(
      { nBaseline: n, nHead: n, regressionPct: regressionPctValue, regressionCi: { lo: ci[0], hi: ci[1] }, pAdjusted },
      { alpha: ALPHA, noiseBandPct: band },
    ).verdict;

  it('regressed needs significance AND a change beyond the band', () => {
    expect(v(8, [6, 10], 0.001)).toBe('regressed');
    expect(v(8, [6, 10], 0.2)).toBe('inconclusive'); // beyond the band but not significant
    expect(v(4, [3, 4.9], 0.001)).toBe('unchanged'); // significant but inside the band
    expect(v(4, [2, 7], 0.001)).toBe('inconclusive'); // inside the band, but the CI leaves it
    expect(v(-8, [-10, -6], 0.001)).toBe('improved');
    expect(v(1, [-2, 3], 0.6)).toBe('unchanged');
    expect(v(8, [6, 10], 0.001, 15)).toBe('unchanged'); // shared-CI band absorbs 8 %
  });

  it('too few samples is inconclusive, whatever the numbers', () => {
    expect(v(50, [40, 60], 0.0001, 5, MIN_SAMPLES - 1)).toBe('inconclusive');
  });

  it('is direction-aware: lower ms is better, higher tok/s is better', () => {
    expect(regressionPct(1.1, 'lower-is-better')).toBeCloseTo(10);
    expect(regressionPct(0.9, 'higher-is-better')).toBeCloseTo(10);
    expect(regressionPct(1.1, 'higher-is-better')).toBeCloseTo(-10);
    const base = noisy(10, 0.05, 30, 1);
    const slower = noisy(11, 0.05, 30, 2); // ms up 10 %
    const ms = compareSamples(base, slower, 'lower-is-better', FAST);
    expect(ms.regressionPct!).toBeGreaterThan(5);
    const tps = compareSamples(
      base.map((x) => 1000 / x),
      slower.map((x) => 1000 / x),
      'higher-is-better',
      FAST,
    );
    expect(tps.regressionPct!).toBeGreaterThan(5);
    expect(tps.pValue).toBeCloseTo(ms.pValue, 10); // rank test is invariant to the monotone 1/x
  });

  it('uses the ratio of medians, Mann–Whitney U on the raw samples, and a CI around the ratio', () => {
    const a = [10, 11, 12, 13, 14];
    const b = [20, 22, 24, 26, 28];
    const c = compareSamples(a, b, 'lower-is-better', { seed: 3, resamples: 2000, confidence: 0.95 });
    expect(c.ratio).toBe(2);
    expect(c.pValue).toBe(mannWhitneyU(b, a).pValue);
    expect(c.pValue).toBeCloseTo(2 / 252, 10); // exact: complete separation of 5 vs 5
    expect(c.ratioCi!.lo).toBeLessThanOrEqual(2);
    expect(c.ratioCi!.hi).toBeGreaterThanOrEqual(2);
    expect(compareSamples([0, 0, 0, 1, 2], [1, 2, 3, 4, 5], 'lower-is-better', FAST).ratio).toBeNull();
  });

  it('noise bands per environment, overridable', () => {
    expect(NOISE_ENVIRONMENTS).toEqual({ dedicated: 2, laptop: 5, ci: 15 });
    expect(resolveNoiseBand({}, {}).pct).toBe(5);
    expect(resolveNoiseBand({}, { CI: 'true' }).pct).toBe(15);
    expect(resolveNoiseBand({ environment: 'dedicated' }, { CI: 'true' }).pct).toBe(2);
    expect(resolveNoiseBand({ noiseBandPct: 7, environment: 'ci' }).pct).toBe(7);
    expect(() => resolveNoiseBand({ environment: 'cloud' })).toThrow(/unknown environment 'cloud'.*/);
  });
});

/** One run's samples: lognormal around `center` (CV 15 %), 3 % spikes of 1.3–2×, and the whole run shifted by σ `shiftSd`. */
function run15(center: number, n: number, rand: () => number, seed: number, shiftSd: number): number[] {
  const shift = Math.exp(shiftSd * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand()));
  return noisy(center * shift, 0.15, n, seed).map((x) => (rand() < 0.03 ? x * (1.3 + 0.7 * rand()) : x));
}

function aa(trials: number, shiftSd: number, seed: number) {
  const rand = mulberry32(seed);
  let regressed = 0;
  let improved = 0;
  let naive = 0;
  for (let t = 0; t < trials; t++) {
    const n = 10 + Math.floor(rand() * 41); // 10..50 requests per cell, as the ci preset gives
    const base = run15(10, n, rand, seed + 2 * t + 1, shiftSd);
    const head = run15(10, n, rand, seed + 2 * t + 2, shiftSd);
    const c = compareSamples(base, head, 'lower-is-better', FAST);
    // a single test: no help from the Holm correction
    const { verdict } = decideVerdict({ ...c, pAdjusted: c.pValue }, { alpha: DEFAULT_ALPHA, noiseBandPct: NOISE_ENVIRONMENTS.ci });
    if (verdict === 'regressed') regressed++;
    if (verdict === 'improved') improved++;
    if (c.pValue < DEFAULT_ALPHA && c.regressionPct! > 0) naive++;
  }
  return { rate: regressed / trials, regressed, improved, naiveRate: naive / trials };
}

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

describe('proof on synthetic sample sets (seeded)', () => {
  it('A/A at 15 % noise (shared CI, band ±15 %): false-alarm rate ≤ 1 %', () => {
    const trials = 2000;
    const iid = aa(trials, 0, 20261123);
    console.log(
      `[compare proof] A/A false-alarm rate, 15 % noise + 3 % spikes, n 10–50, band ±15 %, α ${DEFAULT_ALPHA}: ${pct(iid.rate)} ` +
        `(${iid.regressed}/${trials} regressed, ${iid.improved} false improvements; significance alone: ${pct(iid.naiveRate)})`,
    );
    expect(trials).toBeGreaterThanOrEqual(200);
    expect(iid.rate).toBeLessThanOrEqual(0.01);
    // between-run shifts are what the band is for; they are invisible to the rank test
    const shifted = aa(1000, 0.03, 99);
    console.log(
      `[compare proof] A/A with each run also shifted by σ 3 % (baseline from another job): ${pct(shifted.rate)} ` +
        `(${shifted.regressed}/1000; significance alone: ${pct(shifted.naiveRate)})`,
    );
    expect(shifted.rate).toBeLessThanOrEqual(0.025);
    expect(shifted.naiveRate).toBeGreaterThan(shifted.rate); // the band is doing work
  });

  it('a 10 % slowdown at n = 30, 5 % noise (band ±5 %, Holm over 10 tests): power ≥ 95 %', () => {
    const trials = 1000;
    const rand = mulberry32(7);
    let detected = 0;
    let detectedTps = 0;
    let falseAlarms = 0;
    const laptop = { alpha: DEFAULT_ALPHA, noiseBandPct: NOISE_ENVIRONMENTS.laptop };
    for (let t = 0; t < trials; t++) {
      // one slowed cell among ten, as in a suite: Holm over the whole family
      const pairs = Array.from({ length: 10 }, (_, i) => {
        const seed = Math.floor(rand() * 2 ** 31);
        return [noisy(10, 0.05, 30, seed), noisy(i === 0 ? 11 : 10, 0.05, 30, seed + 1)] as const;
      });
      const cs = pairs.map(([b, h]) => compareSamples(b, h, 'lower-is-better', FAST));
      const adj = holmAdjust(cs.map((c) => c.pValue));
      const verdicts = cs.map((c, i) => decideVerdict({ ...c, pAdjusted: adj[i]! }, laptop).verdict);
      if (verdicts[0] === 'regressed') detected++;
      falseAlarms += verdicts.slice(1).filter((v) => v === 'regressed').length;
      // the same slowdown seen as decode tok/s (higher is better)
      const [b0, h0] = pairs[0]!;
      const tps = compareSamples(
        b0.map((x) => 1000 / x),
        h0.map((x) => 1000 / x),
        'higher-is-better',
        FAST,
      );
      if (decideVerdict({ ...tps, pAdjusted: adj[0]! }, laptop).verdict === 'regressed') detectedTps++;
    }
    const power = detected / trials;
    console.log(
      `[compare proof] power to detect a 10 % slowdown, n = 30, 5 % noise, band ±5 %, α ${DEFAULT_ALPHA}, Holm over 10 tests: ${pct(power)} ` +
        `(${detected}/${trials}; seen as decode tok/s: ${pct(detectedTps / trials)}; false alarms in the 9 unchanged cells: ${falseAlarms}/${trials * 9})`,
    );
    expect(power).toBeGreaterThanOrEqual(0.95);
    expect(detectedTps / trials).toBeGreaterThanOrEqual(0.95);
    expect(falseAlarms / (trials * 9)).toBeLessThanOrEqual(0.01);
  });
});
