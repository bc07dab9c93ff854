/** bench:overhead's maths (src/measure/overhead.ts) on hand-computed values, and the A B / B A order. */
import { describe, expect, it } from 'vitest';
import { interleavedPairs, medianGapMs, overheadFigures, tpotMs } from '../src/measure/overhead.ts';

describe('harness overhead figures', () => {
  it('TPOT leaves the first token out: (last − first) / (n − 1)', () => {
    expect(tpotMs([100, 110, 130, 160])).toBe(20); // (160 − 100) / 3
    expect(() => tpotMs([5])).toThrow(/at least 2/);
  });

  it('median gap ignores one stall that the mean TPOT takes in', () => {
    // gaps 10, 10, 50 (a stall), 10 → median 10; mean TPOT (140 − 60) / 4 = 20
    expect(medianGapMs([60, 70, 80, 130, 140])).toBe(10);
    expect(tpotMs([60, 70, 80, 130, 140])).toBe(20);
  });

  it('takes the median of paired differences in µs and its share of the reference TPOT', () => {
    // pairs (bare, harness) ms: diffs 0.1, 0.3, 0.2, −0.1, 0.2 ms → sorted −100, 100, 200, 200, 300 µs → median 200
    const f = overheadFigures([1.0, 1.2, 0.9, 1.1, 1.0], [1.1, 1.5, 1.1, 1.0, 1.2], 40);
    expect(f.reps).toBe(5);
    expect(f.bareMs).toBe(1.0); // sorted 0.9 1.0 1.0 1.1 1.2
    expect(f.harnessMs).toBe(1.1); // sorted 1.0 1.1 1.1 1.2 1.5
    expect(f.diffUs).toBeCloseTo(200, 9);
    expect(f.pctOfRef).toBeCloseTo(0.5, 9); // 0.2 ms of 40 ms
    expect(f.diffCiUs.lo).toBeLessThanOrEqual(200);
    expect(f.diffCiUs.hi).toBeGreaterThanOrEqual(200);
    expect(f.diffCiUs.lo).toBeGreaterThanOrEqual(-100 - 1e-9); // float rounding of 1.0 − 1.1
    expect(f.diffCiUs.hi).toBeLessThanOrEqual(300 + 1e-9);
    expect(f.pctCi!.lo).toBeCloseTo((f.diffCiUs.lo / 1000 / 40) * 100, 9);
  });

  it('a constant difference has a CI of zero width; no reference gives no percentage', () => {
    const f = overheadFigures([2, 3, 4], [2.05, 3.05, 4.05], null);
    expect(f.diffUs).toBeCloseTo(50, 6);
    expect(f.diffCiUs.hi - f.diffCiUs.lo).toBeCloseTo(0, 6);
    expect(f.pctOfRef).toBeNull();
    expect(() => overheadFigures([1], [1, 2], 1)).toThrow(/paired/);
  });

  it('alternates which path runs first: A B, B A, A B', async () => {
    const order: string[] = [];
    let k = 0;
    const r = await interleavedPairs(
      3,
      async () => (order.push('bare'), k++),
      async () => (order.push('harness'), k++),
    );
    expect(order).toEqual(['bare', 'harness', 'harness', 'bare', 'bare', 'harness']);
    expect(r).toEqual({ bare: [0, 3, 4], harness: [1, 2, 5] });
  });
});
