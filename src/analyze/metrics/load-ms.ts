import { pointValue, type CellMetric } from './types.ts';

/** Model load time of the cell (its cold start, src/analyze/cold-start.ts, is reported apart). */
export const loadMs: CellMetric<'loadMs'> = {
  kind: 'cell',
  name: 'loadMs',
  unit: 'ms',
  direction: 'lower-is-better',
  definition: 'model load time',
  row: {
    name: 'loadMs, first-run overhead',
    unit: 'ms',
    definition: 'model load time; TTFT of the first (cold) request − median warm TTFT',
  },
  sample: (c) => (c.coldStart.loadMs === null ? null : pointValue(c.coldStart.loadMs, 1, 'ms')),
};
