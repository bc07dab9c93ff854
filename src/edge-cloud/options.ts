/**
 * Command-line options of the edge-vs-cloud comparison: the device's class and price (recorded by
 * `run`), and the cost assumptions (`run`, `report`, `claims`). Every number is bounded before
 * any work starts; a bad one is a one-line usage error.
 */
import type { Command } from 'commander';
import type { ClaimsConfig } from '../claims/config.ts';
import { EdgebenchError } from '../errors.ts';
import { parseDeviceClass, type DeviceClassName } from './device-class.ts';

export interface DeviceFlags {
  deviceClass?: string;
  devicePriceUsd?: string;
}

export interface CostFlags {
  electricityUsdPerKwh?: string;
  networkRttMs?: string;
  lifetimeYears?: string;
  dutyCycle?: string;
}

function bounded(flag: string, v: string, lo: number, hi: number, what: string, loOpen = false): number {
  const n = Number(v);
  const okLo = loOpen ? n > lo : n >= lo;
  if (v.trim() === '' || !Number.isFinite(n) || !okLo || n > hi) {
    throw new EdgebenchError(
      'USAGE',
      `--${flag} ${v}: expected ${what} ${loOpen ? 'above' : 'from'} ${lo} and at most ${hi}`,
      `e.g. --${flag} ${flag === 'duty-cycle' ? '0.1' : flag === 'lifetime-years' ? '3' : flag === 'electricity-usd-per-kwh' ? '0.17' : flag === 'network-rtt-ms' ? '40' : '1200'}`,
    );
  }
  return n;
}

export function addDeviceOptions(cmd: Command): Command {
  return cmd
    .option(
      '--device-class <class>',
      "this device's class instead of the detected one: laptop, desktop, phone, tablet, server-or-VM, ci-runner",
    )
    .option(
      '--device-price-usd <usd>',
      "what this device cost (USD), for the edge cost per token (default: the claim's $1,200 laptop, labelled assumed)",
    );
}

export function addCostOptions(cmd: Command): Command {
  return cmd
    .option('--electricity-usd-per-kwh <usd>', 'electricity tariff (default: the latest US residential average in the references)')
    .option(
      '--network-rtt-ms <ms>',
      'your round trip to the cloud API, shown as the network part of cloud TTFT (default: the published round trips)',
    )
    .option('--lifetime-years <years>', 'device lifetime for amortising its price (default 3)')
    .option('--duty-cycle <fraction>', 'share of the lifetime the device spends generating tokens, 0–1 (default 0.1)');
}

export function parseDeviceFlags(f: DeviceFlags): { deviceClass?: DeviceClassName; devicePriceUsd?: number } {
  return {
    ...(f.deviceClass !== undefined && { deviceClass: parseDeviceClass(f.deviceClass) }),
    ...(f.devicePriceUsd !== undefined && {
      devicePriceUsd: bounded('device-price-usd', f.devicePriceUsd, 0, 1e6, 'a price in USD', true),
    }),
  };
}

/** The cost flags applied over the C6 assumptions of the claims config. */
export function applyCostFlags(config: ClaimsConfig, f: CostFlags & Pick<DeviceFlags, 'devicePriceUsd'>): ClaimsConfig {
  const c6 = { ...config.C6 };
  if (f.electricityUsdPerKwh !== undefined)
    c6.electricityUsdPerKwh = bounded('electricity-usd-per-kwh', f.electricityUsdPerKwh, 0, 10, 'a tariff in USD/kWh');
  if (f.networkRttMs !== undefined) c6.networkRttMs = bounded('network-rtt-ms', f.networkRttMs, 0, 10_000, 'milliseconds');
  if (f.lifetimeYears !== undefined) c6.lifetimeYears = bounded('lifetime-years', f.lifetimeYears, 0, 30, 'years', true);
  if (f.dutyCycle !== undefined) c6.dutyCycle = bounded('duty-cycle', f.dutyCycle, 0, 1, 'a fraction', true);
  if (f.devicePriceUsd !== undefined) c6.devicePriceUsd = bounded('device-price-usd', f.devicePriceUsd, 0, 1e6, 'a price in USD', true);
  return { ...config, C6: c6 };
}
