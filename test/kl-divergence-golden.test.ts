/**
 * Quality maths against values computed by hand (DESIGN §11): KL(P_ref ‖ P_test) in nats, same-top
 * rate, Δp of the reference's top token, nearest-rank p99, perplexity from the real next token.
 */
import { describe, expect, it } from 'vitest';
import { QualityAccumulator } from '../src/quality/accumulator.ts';
import { compareRows, logSoftmax } from '../src/quality/divergence.ts';

const logits = (p: number[], shift = 0) => p.map((x) => Math.log(x) + shift);

describe('per-position comparison', () => {
  it('swapped top tokens: KL = 0.5·ln(0.5/0.25) + 0.25·ln(0.25/0.5) = 0.25·ln 2', () => {
    // the test logits are shifted by +3: a softmax does not change, and neither may any figure
    const r = compareRows(logits([0.5, 0.25, 0.25]), logits([0.25, 0.5, 0.25], 3), 2);
    expect(r.klNats).toBeCloseTo(0.25 * Math.LN2, 12); // 0.173286795…
    expect(r.sameTop).toBe(false);
    expect(r.deltaP).toBeCloseTo(0.25, 12); // p_ref(0) − p_test(0) = 0.5 − 0.25
    expect(r.refNll).toBeCloseTo(Math.log(4), 12); // −ln 0.25
    expect(r.testNll).toBeCloseTo(Math.log(4), 12);
  });

  it('identical distributions: KL 0, same top, Δp 0', () => {
    const r = compareRows(logits([0.2, 0.3, 0.5]), logits([0.2, 0.3, 0.5]), null);
    expect(r).toEqual({ klNats: 0, sameTop: true, deltaP: 0, refNll: null, testNll: null });
  });

  it('same top, small shift: KL = 0.7·ln(7/6) + 0.2·ln(2/3) = 0.026812454', () => {
    const r = compareRows(logits([0.7, 0.2, 0.1]), logits([0.6, 0.3, 0.1]), 0);
    expect(r.klNats).toBeCloseTo(0.026812454257, 11);
    expect(r.sameTop).toBe(true);
    expect(r.deltaP).toBeCloseTo(0.1, 12);
    expect(r.refNll).toBeCloseTo(-Math.log(0.7), 12);
    expect(r.testNll).toBeCloseTo(-Math.log(0.6), 12);
  });

  it('log-softmax does not overflow on large logits and refuses mismatched vocabularies', () => {
    const ls = logSoftmax([1000, 1000]);
    expect(ls[0]).toBeCloseTo(-Math.LN2, 12);
    expect(() => compareRows([0, 1], [0, 1, 2], null)).toThrow(/vocabulary sizes differ/);
  });
});

describe('accumulated figures', () => {
  it('three positions: rates, means, nearest-rank p99 and perplexity by hand', () => {
    const acc = new QualityAccumulator();
    acc.add(compareRows(logits([0.5, 0.25, 0.25]), logits([0.25, 0.5, 0.25]), 2));
    acc.add(compareRows(logits([0.2, 0.3, 0.5]), logits([0.2, 0.3, 0.5]), 1));
    acc.add(compareRows(logits([0.7, 0.2, 0.1]), logits([0.6, 0.3, 0.1]), 0));
    const f = acc.figures();
    expect(f.positions).toBe(3);
    expect(f.sameTopRate).toBeCloseTo(2 / 3, 12);
    expect(f.klMeanNats).toBeCloseTo((0.25 * Math.LN2 + 0 + 0.026812454257) / 3, 11); // 0.066699750
    expect(f.klP99Nats).toBeCloseTo(0.25 * Math.LN2, 12); // rank ⌈0.99·3⌉ = 3: the largest
    expect(f.klMaxNats).toBeCloseTo(0.25 * Math.LN2, 12);
    expect(f.deltaPMean).toBeCloseTo((0.25 + 0 + 0.1) / 3, 12);
    // perplexity = (Π 1/p(next))^(1/3): reference (4 · 1/0.3 · 1/0.7)^(1/3), test (4 · 1/0.3 · 1/0.6)^(1/3)
    expect(f.perplexityRef).toBeCloseTo(2.670629030097, 10);
    expect(f.perplexityTest).toBeCloseTo(2.811442217672, 10);
  });

  it('refuses to summarise nothing', () => {
    expect(() => new QualityAccumulator().figures()).toThrow(/no positions/);
  });
});
