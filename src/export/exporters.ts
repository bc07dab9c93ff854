/** One exporter per format (one file each); `edgebench export --format` picks from this list. */
import { bencherExporter } from './bencher.ts';
import { parquetExporter } from './parquet.ts';
import type { MetricRow } from './rows.ts';

export interface Exporter {
  format: string;
  extension: string;
  render(rows: readonly MetricRow[]): Uint8Array;
}

export const EXPORTERS: readonly Exporter[] = [bencherExporter, parquetExporter];
