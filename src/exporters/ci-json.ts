import type { CiInput, Exporter } from './types.ts';

export const ciJson: Exporter<CiInput, 'json'> = {
  format: 'json',
  file: null,
  render: ({ json }) => `${JSON.stringify(json, null, 2)}\n`,
};
