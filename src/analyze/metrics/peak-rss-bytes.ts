import { pointValue, type CellMetric } from './types.ts';

export const peakRssBytes: CellMetric<'peakRssBytes'> = {
  kind: 'cell',
  name: 'peakRssBytes',
  unit: 'bytes',
  direction: 'lower-is-better',
  definition: 'peak resident set size of the benchmarking process',
  sample: (c) => (c.memory.peakRssBytes === null ? null : pointValue(c.memory.peakRssBytes, 1, 'bytes')),
};
