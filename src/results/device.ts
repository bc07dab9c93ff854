/** Who measured a run, in words: the device label every output uses, and its device class. */
import type { DeviceClass } from '../references/schema.ts';
import type { Environment } from './schema.ts';

/** "Intel Core i7 + NVIDIA RTX 4060 (linux x64)"; browsers show the platform only ("(browser, android)"). */
export function deviceLabel(env: Environment): string {
  const cpu = `${env.cpu.manufacturer} ${env.cpu.brand}`.trim();
  const gpu = env.gpus[0] ? ` + ${env.gpus[0].model}` : '';
  const where = env.kind === 'browser' ? ` (browser, ${env.os.platform})` : ` (${env.os.platform} ${env.os.arch})`;
  return `${cpu}${gpu}${where}`;
}

export function deviceClassOf(env: Environment): DeviceClass {
  if (env.kind === 'browser' && /android|iphone|ipad|mobile/i.test(env.userAgent ?? '')) return 'phone';
  if (env.power.source === 'battery' || env.power.batteryPercent !== null) return 'laptop';
  return 'unknown';
}
