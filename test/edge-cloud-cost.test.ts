/**
 * Golden values for the edge cost model (DESIGN §11), computed by hand:
 *   price $1,200, lifetime 3 years, duty cycle 10 %, tariff $0.15/kWh, 25 tok/s, 0.9 J/token.
 *   energy  = 0.9 J × 0.15 $/kWh / 3.6e6 J/kWh × 1e6            = 0.0375 $/Mtok
 *   seconds = 3 × 8,760 h × 0.1 × 3,600 s                         = 9,460,800 s
 *   tokens  = 9,460,800 s × 25 tok/s                              = 236,520,000
 *   device  = 1,200 / 236.52 Mtok                                 = 5.073567… $/Mtok
 *   per day = 1,200 / (3 × 365)                                   = 1.0958904 $/day
 *   break-even at $0.60/Mtok: 1.0958904 / ((0.60 − 0.0375)/1e6)   = 1,948,249.6 tokens/day (capacity 25 × 86,400 = 2,160,000)
 *   break-even at $0.10/Mtok: 1.0958904 / ((0.10 − 0.0375)/1e6)   = 17,534,246.6 tokens/day > capacity: never pays
 */
import { describe, expect, it } from 'vitest';
import {
  breakEven,
  costPerDay,
  deviceUsdPerDay,
  deviceUsdPerMtok,
  edgeCost,
  energyUsdPerMtok,
  type CostAssumptions,
} from '../src/edge-cloud/cost.ts';
import { applyCostFlags } from '../src/edge-cloud/options.ts';
import { resolveAssumptions } from '../src/edge-cloud/assumptions.ts';
import { defaultClaimsConfig } from '../src/claims/config.ts';
import { loadReferences } from '../src/references/load.ts';
import { isEdgebenchError } from '../src/errors.ts';

const A: CostAssumptions = { devicePriceUsd: 1200, lifetimeYears: 3, dutyCycle: 0.1, electricityUsdPerKwh: 0.15 };

describe('edge cost per Mtok (golden, hand-computed)', () => {
  it('energy and device parts', () => {
    expect(energyUsdPerMtok(0.9, 0.15)).toBeCloseTo(0.0375, 12);
    expect(deviceUsdPerMtok(25, A)).toBeCloseTo(5.073567, 5);
    expect(edgeCost(25, 0.9, A)).toEqual({
      energyUsdPerMtok: expect.closeTo(0.0375, 12),
      deviceUsdPerMtok: expect.closeTo(5.073567, 5),
      totalUsdPerMtok: expect.closeTo(5.111067, 5),
    });
    expect(edgeCost(25, null, A)).toMatchObject({ energyUsdPerMtok: null, totalUsdPerMtok: expect.closeTo(5.073567, 5) });
    expect(deviceUsdPerDay(A)).toBeCloseTo(1.0958904, 6);
  });

  it('break-even daily volume, within and beyond what the device can generate', () => {
    const within = breakEven(0.6, 0.0375, 25, A);
    expect(within.tokensPerDay).toBeCloseTo(1_948_249.6, 0);
    expect(within.capacityTokensPerDay).toBe(2_160_000);
    expect(within.note).toBeNull();
    const beyond = breakEven(0.1, 0.0375, 25, A);
    expect(beyond.tokensPerDay).toBeCloseTo(17_534_246.6, 0);
    expect(beyond.note).toContain('never pays for itself');
    expect(breakEven(0.03, 0.0375, 25, A)).toMatchObject({ tokensPerDay: null });
  });

  it('cost per day at a volume (the chart): the lines cross at the break-even', () => {
    expect(costPerDay(1e6, 0.6, 0.0375, A)).toEqual({ edge: expect.closeTo(1.1333904, 6), cloud: expect.closeTo(0.6, 12) });
    const at = costPerDay(1_948_249.6, 0.6, 0.0375, A);
    expect(at.edge).toBeCloseTo(at.cloud, 5);
  });
});

describe('assumptions: defaults stated, overridable, bounded', () => {
  const figures = loadReferences().figures;

  it('defaults: $1,200 assumed, 3 years, 10 %, the EIA Nov-2025 tariff (17.78 ¢/kWh), published round trips', () => {
    const a = resolveAssumptions(defaultClaimsConfig().C6, figures, null);
    expect(a).toMatchObject({ devicePriceUsd: 1200, lifetimeYears: 3, dutyCycle: 0.1, electricityUsdPerKwh: 0.1778 });
    expect(a.devicePriceSource).toContain('ASSUMED');
    expect(a.network).toMatchObject({ lo: 1.08, hi: 202.47 });
    expect(resolveAssumptions(defaultClaimsConfig().C6, figures, 900).devicePriceUsd).toBe(900);
  });

  it('flags override them; a negative tariff or price, a lifetime of 0 or a duty cycle above 1 are one-line usage errors', () => {
    const cfg = applyCostFlags(defaultClaimsConfig(), {
      electricityUsdPerKwh: '0.3',
      lifetimeYears: '5',
      dutyCycle: '0.25',
      networkRttMs: '40',
      devicePriceUsd: '1500',
    });
    const a = resolveAssumptions(cfg.C6, figures, 900);
    expect(a).toMatchObject({
      electricityUsdPerKwh: 0.3,
      lifetimeYears: 5,
      dutyCycle: 0.25,
      devicePriceUsd: 1500,
      network: { lo: 40, hi: 40, source: '--network-rtt-ms' },
    });
    const err = (f: Parameters<typeof applyCostFlags>[1]) => {
      try {
        applyCostFlags(defaultClaimsConfig(), f);
      } catch (e) {
        if (isEdgebenchError(e)) return `${e.code}: ${e.message}`;
        throw e;
      }
      return 'no error';
    };
    expect(err({ electricityUsdPerKwh: '-0.1' })).toBe(
      'USAGE: --electricity-usd-per-kwh -0.1: expected a tariff in USD/kWh from 0 and at most 10',
    );
    expect(err({ lifetimeYears: '0' })).toBe('USAGE: --lifetime-years 0: expected years above 0 and at most 30');
    expect(err({ dutyCycle: '1.5' })).toBe('USAGE: --duty-cycle 1.5: expected a fraction above 0 and at most 1');
    expect(err({ devicePriceUsd: '-5' })).toBe('USAGE: --device-price-usd -5: expected a price in USD above 0 and at most 1000000');
    expect(err({ networkRttMs: 'fast' })).toBe('USAGE: --network-rtt-ms fast: expected milliseconds from 0 and at most 10000');
  });
});
