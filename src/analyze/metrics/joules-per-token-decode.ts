import { JOULES_PER_TOKEN_ROW, joulesPerToken, okEnergy } from './energy-phase.ts';
import type { CellMetric } from './types.ts';

export const joulesPerTokenDecode: CellMetric<'joulesPerTokenDecode'> = {
  kind: 'cell',
  name: 'joulesPerTokenDecode',
  unit: 'J/token',
  direction: 'lower-is-better',
  definition: 'E(t_1..t_N) / (N − 1)',
  row: JOULES_PER_TOKEN_ROW,
  sample: (c) => joulesPerToken(okEnergy(c)?.decode),
};
