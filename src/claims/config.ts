/**
 * Claim thresholds. Defaults come from shared/claims.md; a YAML file given with
 * `--claims-config` overrides any of them, e.g.
 *   C1: { ttftMaxMs: 30 }
 *   C6: { devicePriceUsd: 900, dutyCycle: 0.2 }
 */
import { z } from 'zod';
import { zodToError } from '../errors.ts';
import { parseYamlWith, readYamlText } from '../config/yaml-doc.ts';

const pos = z.number().positive();
const latency = (ms: number) =>
  z.strictObject({
    ttftMaxMs: pos.default(ms),
    tpotMaxMs: pos.default(ms),
    /** a "short prompt" for the TTFT test */
    maxPromptTokens: z.number().int().positive().default(128),
  });

export const ClaimsConfig = z.strictObject({
  C1: latency(40).prefault({}),
  C2: latency(50).prefault({}),
  C3: z
    .strictObject({
      minDecodeTokensPerS: pos.default(5),
      /** count only NPU runs (the claim is about NPUs); false lets CPU/GPU runs of this device count */
      requireNpu: z.boolean().default(true),
    })
    .prefault({}),
  C4: z.strictObject({ minEfficiencyRatio: pos.default(10) }).prefault({}),
  C5: z.strictObject({ chipPowerW: pos.default(3) }).prefault({}),
  // edge-vs-cloud assumptions (DESIGN §11); unset ones come from the run or the references, and are printed
  C6: z
    .strictObject({
      /** the user's round trip to the cloud (ms); unset: the published round trips */
      networkRttMs: z.number().nonnegative().max(10_000).optional(),
      /** unset: the price recorded with the run (--device-price-usd), else the claim's $1,200 laptop, labelled assumed */
      devicePriceUsd: pos.max(1e6).optional(),
      lifetimeYears: pos.max(30).default(3),
      /** share of the lifetime spent generating tokens */
      dutyCycle: pos.max(1).default(0.1),
      /** unset: the latest US residential tariff in the references */
      electricityUsdPerKwh: z.number().nonnegative().max(10).optional(),
    })
    .prefault({}),
  C7: z
    .strictObject({
      priceLowUsd: pos.default(30000),
      priceHighUsd: pos.default(40000),
      powerW: pos.default(700),
      /** relative tolerance on the power figure (0.1 = ±10 %) */
      powerTolerance: z.number().min(0).max(1).default(0.1),
    })
    .prefault({}),
  C8: z.strictObject({ maxLatencyMs: pos.default(10) }).prefault({}),
});
export type ClaimsConfig = z.infer<typeof ClaimsConfig>;

const CLAIMS_HINT = 'see src/claims/config.ts for the thresholds each claim takes (e.g. C1: { ttftMaxMs: 40 })';

export function defaultClaimsConfig(): ClaimsConfig {
  return ClaimsConfig.parse({});
}

export function parseClaimsConfig(raw: unknown, where = 'claims config'): ClaimsConfig {
  const r = ClaimsConfig.safeParse(raw ?? {});
  if (!r.success) throw zodToError('CONFIG_INVALID', where, r.error, CLAIMS_HINT);
  return r.data;
}

export function loadClaimsConfig(file: string | undefined): ClaimsConfig {
  if (!file) return defaultClaimsConfig();
  return parseYamlWith(ClaimsConfig, readYamlText(file, 'claims config', 'check the path given to --claims-config'), file, {
    hint: CLAIMS_HINT,
  });
}
