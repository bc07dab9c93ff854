import { describe, expect, it } from 'vitest';
import {
  averageRanks,
  exactUCounts,
  holmAdjust,
  incompleteBeta,
  linearSlope,
  mannWhitneyU,
  normalCdf,
  studentTSf,
} from '../src/stats/index.ts';

describe('distributions', () => {
  it('normal CDF at known points', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021, 6);
    expect(normalCdf(-1.96)).toBeCloseTo(0.0249979, 6);
  });
  it('Student t upper tail in closed form', () => {
    // df = 1 (Cauchy): P(T ≥ 1) = ½ − arctan(1)/π = 0.25
    expect(studentTSf(1, 1)).toBeCloseTo(0.25, 10);
    // df = 2: P(T ≥ t) = ½ − t/(2√(t² + 2)); t = 2 → ½ − 2/(2√6) = 0.0917517
    expect(studentTSf(2, 2)).toBeCloseTo(0.5 - 1 / Math.sqrt(6), 10);
    expect(studentTSf(-2, 2)).toBeCloseTo(0.5 + 1 / Math.sqrt(6), 10);
    expect(studentTSf(2, 10)).toBeCloseTo(0.036694017, 8); // table value
    // I_x(1, 1) = x
    expect(incompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12);
  });
});

describe('linearSlope', () => {
  it('exact line', () => {
    // y = 1 + 2x through (0,1), (1,3), (2,5): residuals 0 → t = +∞, p = 0
    const f = linearSlope([0, 1, 2], [1, 3, 5]);
    expect(f).toMatchObject({ n: 3, slope: 2, intercept: 1, slopeStdErr: 0, t: Infinity, pPositive: 0 });
  });
  it('noisy points, computed by hand', () => {
    // x̄ = 1.5, ȳ = 2.25, Sxx = 5, Sxy = 4.5 → slope 0.9, intercept 0.9
    // residuals .1 .2 −.7 .4 → SSE 0.70; se = √(0.70/2/5) = √0.07 = 0.264575; t = 3.40168
    // one-sided p (df 2) = ½ − t/(2√(t² + 2)) = 0.038310
    const f = linearSlope([0, 1, 2, 3], [1, 2, 2, 4])!;
    expect(f.slope).toBeCloseTo(0.9, 12);
    expect(f.intercept).toBeCloseTo(0.9, 12);
    expect(f.slopeStdErr).toBeCloseTo(Math.sqrt(0.07), 12);
    expect(f.t).toBeCloseTo(0.9 / Math.sqrt(0.07), 10);
    expect(f.pPositive).toBeCloseTo(0.03831, 5);
  });
  it('null when x does not vary; no t for two points', () => {
    expect(linearSlope([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(linearSlope([1], [1])).toBeNull();
    expect(linearSlope([0, 2], [1, 2])).toMatchObject({ slope: 0.5, t: null, pPositive: null });
    expect(() => linearSlope([1, 2], [1])).toThrow(RangeError);
  });
});

describe('Mann–Whitney U', () => {
  it('average ranks with ties', () => {
    expect(averageRanks([10, 20, 20, 30])).toEqual({ ranks: [1, 2.5, 2.5, 4], tieSizes: [2] });
  });
  it('exact null distribution for 2 vs 2: C(4,2) = 6 orderings, U = 0,1,2,2,3,4', () => {
    expect(Array.from(exactUCounts(2, 2))).toEqual([1, 1, 2, 1, 1]);
  });
  it('exact p for a = [1,2], b = [3,4]: U_a = 0; P(U ≤ 0) = 1/6; two-sided 1/3', () => {
    const r = mannWhitneyU([1, 2], [3, 4]);
    expect(r).toMatchObject({ uA: 0, uB: 4, method: 'exact', z: null, probabilityAGreater: 0 });
    expect(r.pValue).toBeCloseTo(1 / 3, 12);
    expect(mannWhitneyU([1, 2], [3, 4], { alternative: 'less' }).pValue).toBeCloseTo(1 / 6, 12);
    expect(mannWhitneyU([1, 2], [3, 4], { alternative: 'greater' }).pValue).toBe(1);
  });
  it('exact 5 vs 5 agrees with scipy (U = 17, p = 0.420635)', () => {
    const r = mannWhitneyU([1, 5, 7, 9, 10], [2, 3, 4, 6, 8]);
    expect(r.uA).toBe(17);
    expect(r.pValue).toBeCloseTo(0.4206349, 6);
  });
  it('normal approximation with a tie correction, computed by hand', () => {
    // pooled 1a 2a 2a 2b 3b 4a 5b 6b → ranks 1, 3, 3, 3, 5, 6, 7, 8; R_a = 1+3+3+6 = 13
    // U_a = 13 − 4·5/2 = 3, U_b = 13; μ = 8; one tie group of 3 → Σ(t³ − t) = 24
    // σ² = 16/12 · (9 − 24/56) = 11.428571; z = (13 − 8 − 0.5)/3.380617 = 1.331119
    // p = 2·(1 − Φ(1.331119)) = 0.183150 (scipy method='asymptotic' gives 0.183150203)
    const r = mannWhitneyU([1, 2, 2, 4], [2, 3, 5, 6]);
    expect(r.method).toBe('normal');
    expect(r.uA).toBe(3);
    expect(r.z).toBeCloseTo(4.5 / Math.sqrt(80 / 7), 10);
    expect(r.pValue).toBeCloseTo(0.1831502, 6);
  });
  it('all values tied → p = 1; rejects an exact request with ties', () => {
    expect(mannWhitneyU([1, 1], [1, 1]).pValue).toBe(1);
    expect(() => mannWhitneyU([1, 2], [2, 3], { method: 'exact' })).toThrow(RangeError);
  });
  it('detects a real shift with a tiny p', () => {
    const a = Array.from({ length: 30 }, (_, i) => 100 + i);
    const b = Array.from({ length: 30 }, (_, i) => 120 + i);
    expect(mannWhitneyU(a, b, { alternative: 'less' }).pValue).toBeLessThan(1e-4);
  });
});

describe('Holm adjustment', () => {
  it('step-down by hand', () => {
    // sorted 0.01·3 = 0.03; 0.03·2 = 0.06; 0.04·1 = 0.04 → max(0.06, 0.04) = 0.06
    const adj = holmAdjust([0.01, 0.04, 0.03]);
    expect(adj[0]).toBeCloseTo(0.03, 12);
    expect(adj[1]).toBeCloseTo(0.06, 12);
    expect(adj[2]).toBeCloseTo(0.06, 12);
    expect(holmAdjust([0.5, 0.9])).toEqual([1, 1]); // capped at 1
    expect(holmAdjust([])).toEqual([]);
    expect(() => holmAdjust([1.2])).toThrow(RangeError);
  });
});
