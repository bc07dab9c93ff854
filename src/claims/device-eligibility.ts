/**
 * Which device classes may decide a claim (claims.md, "Device class must match"): a claim about
 * laptops is decided by laptops; a server, VM or CI runner never stands in for a laptop or phone,
 * and an unknown class decides nothing until the user names it.
 */
import type { DeviceClassName } from '../edge-cloud/device-class.ts';
import type { LocalCell } from '../references/local.ts';

export const EDGE_CLASSES: readonly DeviceClassName[] = ['laptop', 'desktop', 'phone', 'tablet'];

/** null when the cell's device may decide; else why its figures are context only. */
export function ineligible(cell: Pick<LocalCell, 'deviceClass'>, classes: readonly DeviceClassName[], what: string): string | null {
  const c = cell.deviceClass;
  if (classes.includes(c)) return null;
  if (c === 'server-or-VM' || c === 'ci-runner') return `measured on a ${c}: it never stands in for ${what} (context only)`;
  if (c === 'unknown') return `device class unknown: context only (set --device-class if this is ${what})`;
  return `measured on a ${c}, not ${what} (context only)`;
}

/** The run's weights in words, for verdict text ("synthetic weights: speed-true, not quality-true"). */
export function weightsNote(cells: readonly Pick<LocalCell, 'weights'>[]): string {
  const w = new Set(cells.map((c) => c.weights).filter((x) => x !== null));
  if (w.has('synthetic'))
    return w.has('real')
      ? ' (some models have synthetic weights: speed-true, not quality-true)'
      : ' (synthetic weights: speed-true, not quality-true)';
  return '';
}
