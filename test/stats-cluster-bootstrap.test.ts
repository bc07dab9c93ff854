/**
 * Cluster bootstrap of the median of pooled values, against distributions worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { bootstrapMedianCI, clusterBootstrapMedianCI, clusterBootstrapMedians } from '../src/stats/index.ts';

describe('clusterBootstrapMedianCI', () => {
  it('three requests of constant gaps 1, 2, 3 (10 each): the pooled median is the middle request value', () => {
    // a resample draws 3 requests; the pooled 30 gaps have ranks 15 and 16 inside the middle request's block,
    // so the median is the median of the 3 drawn values: P(1) = P(≥ 2 of 3 draws are "1") = 3·(1/3)²·(2/3) + (1/3)³ = 7/27,
    // P(3) = 7/27, P(2) = 13/27 — both tails far above 2.5 %, so the 95 % CI is [1, 3]
    const clusters = [Array(10).fill(1), Array(10).fill(2), Array(10).fill(3)];
    const ci = clusterBootstrapMedianCI(clusters, { seed: 42 });
    expect(ci).toEqual({ lo: 1, hi: 3, method: 'cluster-bootstrap-percentile', resamples: 10_000, seed: 42 });
    const meds = Array.from(clusterBootstrapMedians(clusters, { seed: 1, resamples: 27_000 }));
    expect(meds.filter((m) => m === 1).length / 27_000).toBeCloseTo(7 / 27, 1);
    expect(meds.filter((m) => m === 2).length / 27_000).toBeCloseTo(13 / 27, 1);
    // pooling the 30 gaps as if independent gives a narrower interval (P(median ≤ 1.5) = P(Bin(30, 1/3) ≥ 15) < 4 %)
    const naive = bootstrapMedianCI(clusters.flat(), { seed: 42 });
    expect(naive.hi - naive.lo).toBeLessThan(ci.hi - ci.lo);
  });

  it('an even pool takes the mean of the two middle values', () => {
    // two requests [1, 1] and [3, 3]: resample AA → 1, BB → 3, AB → (1 + 3)/2 = 2 with P = 1/4, 1/4, 1/2
    const meds = Array.from(
      clusterBootstrapMedians(
        [
          [1, 1],
          [3, 3],
        ],
        { seed: 3, resamples: 4000 },
      ),
    );
    expect(new Set(meds)).toEqual(new Set([1, 2, 3]));
    expect(meds.filter((m) => m === 2).length / 4000).toBeCloseTo(0.5, 1);
  });

  it('is reproducible from its seed, ignores empty clusters, rejects empty input', () => {
    const c = [[5, 6, 7], [], [6, 8, 9], [4, 4, 5]];
    expect(clusterBootstrapMedianCI(c, { seed: 9 })).toEqual(clusterBootstrapMedianCI(c, { seed: 9 }));
    expect(() => clusterBootstrapMedianCI([[], []], { seed: 1 })).toThrow(/no values/);
  });

  it('lowers the resample count for very large pools and says so', () => {
    const big = Array.from({ length: 20 }, (_, i) => Array.from({ length: 2000 }, (_, j) => i + j / 1e5));
    const ci = clusterBootstrapMedianCI(big, { seed: 1 });
    expect(ci.resamples).toBe(Math.floor(1e8 / 40_000)); // 2500 < 10 000 asked
    expect(ci.lo).toBeLessThan(ci.hi);
  });
});
