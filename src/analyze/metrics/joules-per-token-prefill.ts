import { JOULES_PER_TOKEN_ROW, joulesPerToken, okEnergy } from './energy-phase.ts';
import type { CellMetric } from './types.ts';

export const joulesPerTokenPrefill: CellMetric<'joulesPerTokenPrefill'> = {
  kind: 'cell',
  name: 'joulesPerTokenPrefill',
  unit: 'J/token',
  direction: 'lower-is-better',
  definition: 'E(t_submit..t_1) / prompt tokens',
  row: JOULES_PER_TOKEN_ROW,
  sample: (c) => joulesPerToken(okEnergy(c)?.prefill),
};
