/**
 * Bencher Metric Format (BMF, https://bencher.dev/docs/reference/bencher-metric-format/): one
 * benchmark per cell, one measure per metric, { value, lower_value, upper_value } = median and its
 * 95 % CI. Measure slugs are the metric names in kebab case (ttft-ms, decode-tokens-per-s).
 */
import type { MetricRow } from './rows.ts';

export type Bmf = Record<string, Record<string, { value: number; lower_value: number; upper_value: number }>>;

const slug = (metric: string) => metric.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

export function benchmarkName(r: MetricRow): string {
  return `${r.model} ${r.dtype} ${r.runner}/${r.ep}${r.threads === null ? '' : ` t${r.threads}`} ${r.shape}${r.synthetic ? ' (synthetic weights)' : ''}`;
}

export function toBencher(rows: readonly MetricRow[]): Bmf {
  const out: Bmf = {};
  for (const r of rows) (out[benchmarkName(r)] ??= {})[slug(r.metric)] = { value: r.median, lower_value: r.ciLo, upper_value: r.ciHi };
  return out;
}

export const bencherExporter = {
  format: 'bencher',
  extension: 'json',
  render: (rows: readonly MetricRow[]): Uint8Array => new TextEncoder().encode(`${JSON.stringify(toBencher(rows), null, 2)}\n`),
};
