/**
 * The assumptions behind the edge cost, each with where it came from, so every figure can be
 * printed beside them: device price (user / recorded with the run / the claim's $1,200 laptop),
 * lifetime and duty cycle (defaults 3 years, 10 %), tariff (user, else a dated official statistic
 * from the references), network round trip (user, else the published round trips).
 */
import type { ClaimsConfig } from '../claims/config.ts';
import type { Figure } from '../references/schema.ts';
import { numericValue } from '../references/value.ts';
import type { CostAssumptions } from './cost.ts';

/** The most recent US residential average in the references (EIA data for November 2025). */
export const DEFAULT_TARIFF_FIGURE = 'price-eia-us-residential-electricity-2025-11';
/** The claims' "~$1,200 gaming laptop". */
export const DEFAULT_DEVICE_PRICE_USD = 1200;

export interface ResolvedAssumptions extends CostAssumptions {
  devicePriceSource: string;
  tariffSource: string;
  lifetimeSource: string;
  dutySource: string;
  /** round trip to the cloud: the user's value, or the published range */
  network: { lo: number; hi: number; source: string; figures: Figure[] } | null;
}

/** USD/kWh of a tariff figure; null for currencies not converted (EUR). */
export function tariffUsdPerKwh(f: Figure): number | null {
  const v = numericValue(f.value)?.value;
  if (v === undefined) return null;
  if (/^US cents\/kWh/.test(f.unit)) return v / 100;
  if (/^USD\/kWh/.test(f.unit)) return v;
  return null;
}

export function resolveAssumptions(
  c6: ClaimsConfig['C6'],
  figures: readonly Figure[],
  recordedPriceUsd: number | null,
): ResolvedAssumptions {
  const tariffFig = figures.find((f) => f.id === DEFAULT_TARIFF_FIGURE);
  const tariffRef = tariffFig ? tariffUsdPerKwh(tariffFig) : null;
  const electricity = c6.electricityUsdPerKwh ?? tariffRef;
  const price = c6.devicePriceUsd ?? recordedPriceUsd ?? DEFAULT_DEVICE_PRICE_USD;
  const rtts = figures.filter((f) => f.metric === 'network_rtt_ms' && (f.audit === 'confirmed' || f.audit === 'corrected'));
  const rttValues = rtts.map((f) => numericValue(f.value)?.value).filter((x): x is number => x !== undefined);
  const network =
    c6.networkRttMs !== undefined
      ? { lo: c6.networkRttMs, hi: c6.networkRttMs, source: '--network-rtt-ms', figures: [] }
      : rttValues.length
        ? {
            lo: Math.min(...rttValues),
            hi: Math.max(...rttValues),
            source: `published round trips (${rtts.length}: intra-region to intercontinental)`,
            figures: rtts,
          }
        : null;
  return {
    devicePriceUsd: price,
    devicePriceSource:
      c6.devicePriceUsd !== undefined
        ? 'given'
        : recordedPriceUsd !== null
          ? 'recorded with the run'
          : "ASSUMED: the claim's ~$1,200 laptop; set --device-price-usd",
    lifetimeYears: c6.lifetimeYears,
    lifetimeSource: c6.lifetimeYears === 3 ? 'default, --lifetime-years' : 'given',
    dutyCycle: c6.dutyCycle,
    dutySource: c6.dutyCycle === 0.1 ? 'default, --duty-cycle' : 'given',
    // no tariff at all only when the references lack the figure and the user gave none: energy cost then stays unknown
    electricityUsdPerKwh: electricity ?? 0,
    tariffSource:
      c6.electricityUsdPerKwh !== undefined
        ? 'given'
        : tariffFig
          ? `reference ${tariffFig.id}`
          : 'none in the references: set --electricity-usd-per-kwh',
    network,
  };
}

/** The assumptions in one line, printed beside every cost figure. */
export function assumptionsText(a: ResolvedAssumptions): string {
  return [
    `device $${a.devicePriceUsd} (${a.devicePriceSource})`,
    `lifetime ${a.lifetimeYears} years (${a.lifetimeSource})`,
    `duty cycle ${Math.round(a.dutyCycle * 1000) / 10} % (${a.dutySource})`,
    `electricity $${a.electricityUsdPerKwh}/kWh (${a.tariffSource})`,
  ].join(' · ');
}
