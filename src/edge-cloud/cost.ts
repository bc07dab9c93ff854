/**
 * Cost per million tokens, edge vs cloud, and the break-even daily volume (DESIGN §11). Pure
 * arithmetic, checked by a golden test with hand-computed values (test/edge-cloud-cost.test.ts).
 *
 *   edge $/Mtok   = J/token × tariff ($/kWh) / 3.6e6 (J/kWh) × 1e6                      (energy)
 *                 + price / (lifetime h × duty cycle × 3600 × tokens/s) × 1e6              (device)
 *   break-even    = device cost per day / (cloud $/token − edge energy $/token)   tokens/day
 * where device cost per day = price / (lifetime years × 365).
 */

export interface CostAssumptions {
  devicePriceUsd: number;
  lifetimeYears: number;
  /** share of the lifetime spent generating (0–1] */
  dutyCycle: number;
  electricityUsdPerKwh: number;
}

export interface EdgeCost {
  /** USD per 1M tokens from electricity; null when J/token is unknown */
  energyUsdPerMtok: number | null;
  /** USD per 1M tokens from amortising the device at the duty cycle */
  deviceUsdPerMtok: number;
  /** energy + device; a lower bound when energy is unknown */
  totalUsdPerMtok: number;
}

const J_PER_KWH = 3.6e6;
const HOURS_PER_YEAR = 365 * 24;

export function energyUsdPerMtok(joulesPerToken: number, usdPerKwh: number): number {
  return ((joulesPerToken * usdPerKwh) / J_PER_KWH) * 1e6;
}

export function deviceUsdPerMtok(tokensPerS: number, a: CostAssumptions): number {
  const seconds = a.lifetimeYears * HOURS_PER_YEAR * a.dutyCycle * 3600;
  return (a.devicePriceUsd / (seconds * tokensPerS)) * 1e6;
}

export function edgeCost(tokensPerS: number, joulesPerToken: number | null, a: CostAssumptions): EdgeCost {
  const energy = joulesPerToken === null ? null : energyUsdPerMtok(joulesPerToken, a.electricityUsdPerKwh);
  const device = deviceUsdPerMtok(tokensPerS, a);
  return { energyUsdPerMtok: energy, deviceUsdPerMtok: device, totalUsdPerMtok: device + (energy ?? 0) };
}

export function deviceUsdPerDay(a: CostAssumptions): number {
  return a.devicePriceUsd / (a.lifetimeYears * 365);
}

export interface BreakEven {
  /** tokens per day above which owning the device is cheaper than the API; null when never */
  tokensPerDay: number | null;
  /** the most this device can generate in a day (24 h at the measured speed) */
  capacityTokensPerDay: number;
  /** why there is no break-even, or why it is out of reach */
  note: string | null;
}

export function breakEven(cloudUsdPerMtok: number, edgeEnergyUsdPerMtok: number, tokensPerS: number, a: CostAssumptions): BreakEven {
  const capacity = tokensPerS * 86_400;
  const saved = (cloudUsdPerMtok - edgeEnergyUsdPerMtok) / 1e6;
  if (saved <= 0)
    return {
      tokensPerDay: null,
      capacityTokensPerDay: capacity,
      note: 'the API costs no more per token than the electricity: the device never pays for itself',
    };
  const v = deviceUsdPerDay(a) / saved;
  return {
    tokensPerDay: v,
    capacityTokensPerDay: capacity,
    note:
      v > capacity ? 'above what this device can generate in 24 h at the measured speed: it never pays for itself at these prices' : null,
  };
}

/** Cost per day of each option at a daily volume (for the cost-vs-volume chart). */
export function costPerDay(
  tokensPerDay: number,
  cloudUsdPerMtok: number,
  edgeEnergyUsdPerMtok: number,
  a: CostAssumptions,
): { edge: number; cloud: number } {
  return { edge: deviceUsdPerDay(a) + (edgeEnergyUsdPerMtok * tokensPerDay) / 1e6, cloud: (cloudUsdPerMtok * tokensPerDay) / 1e6 };
}
