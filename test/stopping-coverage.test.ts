/**
 * Optional-stopping bias of the adaptive rule, simulated: lognormal request times (σ = 0.03, true
 * median 1), stop when the 95 % CI half-width is ≤ 2 % (minimum 5 requests, cap 60). How often does
 * the final CI contain the true median, looking after every request (k = 1) versus every 5 (k = 5)?
 * README "Adaptive stopping" quotes the figures this prints.
 */
import { describe, expect, it } from 'vitest';
import { StoppingRule } from '../src/measure/stopping.ts';
import { mulberry32 } from '../src/stats/index.ts';
import type { RequestTrace } from '../src/results/schema.ts';

const SIMS = 400;
const PP = { name: 'pp8', promptTokens: 8, genTokens: 0, depth: 0 };

function coverage(k: number, seed: number): { coverage: number; meanN: number } {
  const rand = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  let hits = 0;
  let totalN = 0;
  for (let s = 0; s < SIMS; s++) {
    const rule = new StoppingRule(
      { warmup: 0, minCount: 5, minTimeS: 0, maxCount: 60, maxTimeS: 1e6, cooldownS: 0, targetCiPct: 2, checkEvery: k },
      PP,
      { seed: s, resamples: 1000 },
    );
    let i = 0;
    while (!rule.decide().stop) {
      const trace: RequestTrace = {
        index: i,
        phase: 'measured',
        promptTokens: 8,
        depth: 0,
        tokenTimesMs: [Math.exp(0.03 * normal())],
        startedAt: '',
        offsetMs: 0,
      };
      rule.observe(trace);
      i++;
    }
    const last = rule.record(0).looks.at(-1)!;
    if (last.lo <= 1 && last.hi >= 1) hits++;
    totalN += i;
  }
  return { coverage: hits / SIMS, meanN: totalN / SIMS };
}

describe('adaptive stopping: coverage of the final CI (simulation)', () => {
  it('looking every 5 requests keeps coverage near the nominal 95 %', () => {
    const every1 = coverage(1, 11);
    const every5 = coverage(5, 11);
    console.log(
      `coverage of the true median, ${SIMS} simulated cells: k = 1 → ${(every1.coverage * 100).toFixed(1)} % (mean n ${every1.meanN.toFixed(1)}); k = 5 → ${(every5.coverage * 100).toFixed(1)} % (mean n ${every5.meanN.toFixed(1)})`,
    );
    expect(every5.coverage).toBeGreaterThanOrEqual(0.88);
    expect(every5.coverage).toBeGreaterThanOrEqual(every1.coverage - 0.03);
  });
});
