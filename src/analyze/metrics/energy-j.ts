import { ENERGY_ROW, okEnergy, resolved } from './energy-phase.ts';
import { pointValue, type CellMetric } from './types.ts';

/** Energy of the timed windows of prefill and decode together; net of idle when known. */
export const energyJ: CellMetric<'energyJ'> = {
  kind: 'cell',
  name: 'energyJ',
  unit: 'J',
  direction: 'lower-is-better',
  definition: 'energy over the timed window, idle baseline subtracted',
  row: ENERGY_ROW,
  sample: (c) => {
    const e = okEnergy(c);
    if (!e) return null;
    const joules = [resolved(e.prefill), resolved(e.decode)]
      .map((p) => (p ? (p.netJ ?? p.grossJ) : null))
      .filter((x): x is number => x !== null);
    return joules.length
      ? pointValue(
          joules.reduce((a, b) => a + b, 0),
          1,
          'J',
        )
      : null;
  },
};
