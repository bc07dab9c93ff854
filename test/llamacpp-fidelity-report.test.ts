/** The fidelity bench's verdict against the ±3 % target and its sampling-step arithmetic (hand-computed). */
import { describe, expect, it } from 'vitest';
import { fidelityVerdict, samplingCostMs, samplingStepText, type FidelityRow } from '../scripts/llamacpp-fidelity/report.ts';

describe('llama.cpp fidelity report', () => {
  it('judges the whole 95 % CI against ±3 %', () => {
    expect(fidelityVerdict({ lo: 0.975, hi: 1.02 })).toBe('within ±3 %');
    expect(fidelityVerdict({ lo: 0.97, hi: 1.03 })).toBe('within ±3 %'); // the bounds count as inside
    expect(fidelityVerdict({ lo: 0.9, hi: 0.969 })).toBe('slower by > 3 %');
    expect(fidelityVerdict({ lo: 1.031, hi: 1.2 })).toBe('faster by > 3 %');
    expect(fidelityVerdict({ lo: 0.933, hi: 1.001 })).toBe('holds 1, CI wider than ±3 %');
    expect(fidelityVerdict({ lo: 0.9, hi: 0.99 })).toBe('not resolved (CI wider than ±3 %)');
    expect(fidelityVerdict(null)).toBe('n/a');
  });

  it('sizes the sampling step from the medians: per token for tg, once for pp', () => {
    const row = (genTokens: number, promptTokens: number, eb: number[], d: number[]): FidelityRow => ({
      model: 'm',
      threads: 2,
      shape: 's',
      promptTokens,
      genTokens,
      lb: [1],
      eb,
      decodeOnly: d,
    });
    // tg: 1000/40 − 1000/50 = 25 − 20 = 5 ms per token (medians 40 and 50 of three each)
    expect(samplingCostMs(row(128, 0, [39, 40, 45], [50, 49, 60]))).toBeCloseTo(5, 10);
    // pp512: 512/256 − 512/512 s = 2 − 1 = 1 s = 1000 ms once
    expect(samplingCostMs(row(0, 512, [256], [512]))).toBeCloseTo(1000, 10);
    // shown only where edgebench and decode-only differ beyond noise
    expect(samplingStepText(row(128, 0, [40, 40, 40, 40, 40], [50, 50, 50, 50, 50]))).toBe('5.00 ms/token');
    expect(samplingStepText(row(128, 0, [40, 52, 45, 50, 47], [50, 44, 49, 41, 46]))).toMatch(
      /^within noise \(edgebench ÷ decode-only \[.*\] holds 1\)$/,
    );
  });
});
