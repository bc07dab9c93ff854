/** Who measured a run, in words: the device label every output uses, and its device class. */
import type { DeviceClassName } from '../edge-cloud/device-class.ts';
import type { Environment } from './schema.ts';

/** "Intel Core i7 + NVIDIA RTX 4060 (linux x64)"; browsers show the platform only ("(browser, android)"). */
export function deviceLabel(env: Environment): string {
  const cpu = `${env.cpu.manufacturer} ${env.cpu.brand}`.trim();
  const gpu = env.gpus[0] ? ` + ${env.gpus[0].model}` : '';
  const where = env.kind === 'browser' ? ` (browser, ${env.os.platform})` : ` (${env.os.platform} ${env.os.arch})`;
  return `${cpu}${gpu}${where}`;
}

/** The class recorded with the run (detected or given; v1 results get it on read, see ./upgrade.ts). */
export function deviceClassOf(env: Environment): DeviceClassName {
  return env.device.class;
}
