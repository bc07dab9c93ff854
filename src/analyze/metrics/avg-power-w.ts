import { ENERGY_ROW, okEnergy, resolved } from './energy-phase.ts';
import { pointValue, type CellMetric } from './types.ts';

/** Mean power of the decode phase (of prefill when decode is unresolved); net of idle when known. */
export const avgPowerW: CellMetric<'avgPowerW'> = {
  kind: 'cell',
  name: 'avgPowerW',
  unit: 'W',
  direction: 'lower-is-better',
  definition: 'mean power over the timed window, idle baseline subtracted',
  row: ENERGY_ROW,
  sample: (c) => {
    const e = okEnergy(c);
    const phase = resolved(e?.decode) ?? (e ? e.prefill : null);
    const w = phase ? (phase.avgNetW ?? phase.avgGrossW) : null;
    return w !== null && phase ? pointValue(w, phase.windowsUsed, 'W') : null;
  },
};
