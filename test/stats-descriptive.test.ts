import { describe, expect, it } from 'vitest';
import {
  bootstrapMedianCI,
  bootstrapMedians,
  median,
  minSamplesForPercentile,
  modifiedZScores,
  mulberry32,
  nearestRank,
  outlierIndices,
  percentile,
  percentileOrNull,
  summarize,
} from '../src/stats/index.ts';

describe('mulberry32', () => {
  it('matches the reference implementation (values from the original mulberry32 JS, seed 42)', () => {
    const r = mulberry32(42);
    expect([r(), r(), r()]).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
    expect(mulberry32(0)()).toBe(0.26642920868471265);
  });
  it('is deterministic, in [0,1), roughly uniform, and rejects non-integer seeds', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const xs = Array.from({ length: 10_000 }, () => a());
    expect(xs.every((x, i) => x === b() && x >= 0 && x < 1 && i >= 0)).toBe(true);
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(m - 0.5)).toBeLessThan(0.01);
    expect(() => mulberry32(1.5)).toThrow(RangeError);
  });
});

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones; NaN for none', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });
});

describe('nearest-rank percentile', () => {
  // Wikipedia's example: [15, 20, 35, 40, 50]; rank = ceil(p/100 · 5)
  const xs = [40, 15, 50, 35, 20];
  it('picks the value at rank ceil(p·n/100)', () => {
    expect(percentile(xs, 5)).toBe(15); // ceil(0.25) = 1
    expect(percentile(xs, 30)).toBe(20); // ceil(1.5) = 2
    expect(percentile(xs, 40)).toBe(20); // ceil(2.0) = 2 (exact rank, no interpolation)
    expect(percentile(xs, 50)).toBe(35); // ceil(2.5) = 3
    expect(percentile(xs, 100)).toBe(50); // rank 5
    expect(percentile(xs, 0)).toBe(15); // defined as the minimum
  });
  it('is not fooled by float noise (0.29·100 = 28.999…)', () => {
    expect(nearestRank(29, 100)).toBe(29);
    expect(nearestRank(99, 100)).toBe(99);
  });
  it('reports p90/p99 only when distinct from the max: n ≥ 10 and n ≥ 100', () => {
    expect(minSamplesForPercentile(90)).toBe(10); // ceil(0.9·9)=9=n → max; ceil(0.9·10)=9<10
    expect(minSamplesForPercentile(99)).toBe(100); // ceil(0.99·99)=99=n; ceil(0.99·100)=99<100
    expect(minSamplesForPercentile(50)).toBe(2);
    const one9 = Array.from({ length: 9 }, (_, i) => i + 1);
    expect(percentileOrNull(one9, 90)).toBeNull();
    const one100 = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentileOrNull(one100, 99)).toBe(99);
    expect(percentileOrNull(one100, 90)).toBe(90);
  });
  it('rejects bad input', () => {
    expect(() => percentile([], 50)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('modified z-score outliers', () => {
  it('flags |0.6745·(x − median)/MAD| > 3.5', () => {
    // [2,4,4,4,5,5,7,9]: median 4.5; |x − 4.5| = 2.5,.5,.5,.5,.5,.5,2.5,4.5 → MAD = 0.5
    // z(9) = 0.6745·4.5/0.5 = 6.0705 (outlier); z(2) = −3.3725, z(7) = 3.3725 (not)
    const z = modifiedZScores([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(z[7]).toBeCloseTo(6.0705, 4);
    expect(z[0]).toBeCloseTo(-3.3725, 4);
    expect(outlierIndices([2, 4, 4, 4, 5, 5, 7, 9])).toEqual([7]);
  });
  it('falls back to the mean absolute deviation when MAD = 0', () => {
    // [5×6, 100]: median 5, MAD 0; meanAD = 95/7 = 13.5714; z(100) = 95/(1.253314·13.5714) = 5.5852
    const xs = [5, 5, 5, 5, 5, 5, 100];
    expect(modifiedZScores(xs)[6]).toBeCloseTo(5.5852, 3);
    expect(outlierIndices(xs)).toEqual([6]);
    expect(outlierIndices([3, 3, 3])).toEqual([]);
  });
});

describe('bootstrap CI of the median', () => {
  it('n = 2: resampled medians are 10 (¼), 15 (½), 20 (¼) → 2.5 % and 97.5 % ranks give [10, 20]', () => {
    const ci = bootstrapMedianCI([10, 20], { seed: 1 });
    expect(ci).toEqual({ lo: 10, hi: 20, method: 'bootstrap-percentile', resamples: 10_000, seed: 1 });
  });
  it('n = 1 or all-equal samples give a zero-width interval', () => {
    expect(bootstrapMedianCI([3], { seed: 1 })).toMatchObject({ lo: 3, hi: 3 });
    expect(bootstrapMedianCI([4, 4, 4, 4], { seed: 9, resamples: 50 })).toMatchObject({ lo: 4, hi: 4, resamples: 50 });
  });
  it('is deterministic per seed and depends on it (20 resamples: with thousands the bounds settle on the same order statistic)', () => {
    const gen = mulberry32(3);
    const xs = Array.from({ length: 41 }, () => gen() * 40);
    const a = bootstrapMedianCI(xs, { seed: 123, resamples: 20 });
    expect(bootstrapMedianCI(xs, { seed: 123, resamples: 20 })).toEqual(a);
    const others = [1, 2, 3, 4, 5].map((s) => bootstrapMedianCI(xs, { seed: s, resamples: 20 }));
    expect(others.some((o) => o.lo !== a.lo || o.hi !== a.hi)).toBe(true);
    const med = [...xs].sort((x, y) => x - y)[20]!;
    expect(a.lo).toBeLessThanOrEqual(med);
    expect(a.hi).toBeGreaterThanOrEqual(med);
  });
  it('draws resample medians with the same distribution as naive resampling (n = 7 and n = 8)', () => {
    // naive bootstrap: draw n values with replacement, take the median; compare the frequency of
    // every possible median value over 40 000 resamples each (3σ of a frequency ≤ 0.0075)
    for (const xs of [
      [1, 2, 4, 8, 16, 32, 64],
      [1, 2, 4, 8, 16, 32, 64, 128],
    ]) {
      const n = xs.length;
      const R = 40_000;
      const rand = mulberry32(99);
      const naive = new Map<number, number>();
      for (let r = 0; r < R; r++) {
        const s = Array.from({ length: n }, () => xs[Math.floor(rand() * n)]!).sort((a, b) => a - b);
        const m = n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
        naive.set(m, (naive.get(m) ?? 0) + 1);
      }
      const fast = new Map<number, number>();
      for (const m of bootstrapMedians(xs, { seed: 5, resamples: R })) fast.set(m, (fast.get(m) ?? 0) + 1);
      for (const v of new Set([...naive.keys(), ...fast.keys()])) {
        expect(Math.abs((naive.get(v) ?? 0) / R - (fast.get(v) ?? 0) / R), `n=${n} median ${v}`).toBeLessThan(0.0075);
      }
    }
  });

  it('covers the true median of U(0,1) about 95 % of the time', () => {
    const gen = mulberry32(2024);
    let covered = 0;
    const trials = 200;
    for (let t = 0; t < trials; t++) {
      const xs = Array.from({ length: 41 }, () => gen());
      const ci = bootstrapMedianCI(xs, { seed: t, resamples: 1000 });
      if (ci.lo <= 0.5 && 0.5 <= ci.hi) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.88);
    expect(covered / trials).toBeLessThanOrEqual(1);
  });
});

describe('summarize', () => {
  it('computes every field by hand for [2,4,4,4,5,5,7,9]', () => {
    const s = summarize([9, 4, 4, 4, 5, 5, 7, 2], { seed: 5 });
    // mean 40/8 = 5; Σ(x − 5)² = 9+1+1+1+0+0+4+16 = 32; sample var 32/7; sd 2.138090; cv sd/5
    expect(s.n).toBe(8);
    expect(s.mean).toBe(5);
    expect(s.median).toBe(4.5);
    expect(s.sd).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(s.cv).toBeCloseTo(Math.sqrt(32 / 7) / 5, 12);
    expect(s.min).toBe(2);
    expect(s.max).toBe(9);
    expect(s.p90).toBeNull(); // n = 8 < 10
    expect(s.p99).toBeNull();
    expect(s.mad).toBe(0.5);
    expect(s.outliers).toEqual([0]); // the 9, at input index 0
    expect(s.ci95.method).toBe('bootstrap-percentile');
    expect(s.ci95.seed).toBe(5);
    expect(s.ci95.lo).toBeLessThanOrEqual(4.5);
    expect(s.ci95.hi).toBeGreaterThanOrEqual(4.5);
  });
  it('n = 1: sd and cv are null, never 0', () => {
    const s = summarize([12.5], { seed: 1 });
    expect(s).toMatchObject({ n: 1, median: 12.5, mean: 12.5, sd: null, cv: null, min: 12.5, max: 12.5, mad: 0 });
  });
  it('p90 = 9 and p99 = null for 1..10; p99 = 99 for 1..100', () => {
    const ten = summarize(
      Array.from({ length: 10 }, (_, i) => i + 1),
      { seed: 1, resamples: 100 },
    );
    expect(ten.p90).toBe(9);
    expect(ten.p99).toBeNull();
    const hundred = summarize(
      Array.from({ length: 100 }, (_, i) => 100 - i),
      { seed: 1, resamples: 100 },
    );
    expect(hundred.p99).toBe(99);
  });
  it('rejects empty and non-finite input', () => {
    expect(() => summarize([], { seed: 1 })).toThrow(/no samples/);
    expect(() => summarize([1, Number.NaN], { seed: 1 })).toThrow(/sample 1/);
  });
});
