/**
 * The throughput–latency curve of the load ladders: per-user tok/s against total tok/s, one line
 * per endpoint or device (and shape), a point per level. Plots only figures the ladders measured.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Chart } from './charts.ts';
import { renderSvg } from './charts.ts';
import { ladderSeries } from '../load/fairness.ts';

export async function throughputLatencyChart(dirs: readonly string[]): Promise<Chart | null> {
  const series = await ladderSeries(dirs);
  const values = series.flatMap((s) =>
    s.points
      .filter((p) => p.totalTokensPerS !== null && p.perUserTokensPerS !== null)
      .map((p) => ({
        series: `${s.side}: ${s.label}`,
        level: p.label,
        total: p.totalTokensPerS!,
        perUser: p.perUserTokensPerS!,
        slo: p.meetsSlo ? 'meets the objective' : 'misses it',
      })),
  );
  if (values.length === 0) return null;
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: 560,
    height: 320,
    data: { values },
    layer: [
      {
        mark: { type: 'line', point: false },
        encoding: {
          x: { field: 'total', type: 'quantitative', title: 'total output tokens/s' },
          y: { field: 'perUser', type: 'quantitative', title: 'tokens/s per user' },
          color: { field: 'series', type: 'nominal', title: null },
          order: { field: 'total', type: 'quantitative' },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 50 },
        encoding: {
          x: { field: 'total', type: 'quantitative' },
          y: { field: 'perUser', type: 'quantitative' },
          color: { field: 'series', type: 'nominal' },
          shape: { field: 'slo', type: 'nominal', title: null },
        },
      },
      {
        mark: { type: 'text', dy: -9, fontSize: 9 },
        encoding: {
          x: { field: 'total', type: 'quantitative' },
          y: { field: 'perUser', type: 'quantitative' },
          text: { field: 'level', type: 'nominal' },
        },
      },
    ],
  };
  return {
    id: 'chart-throughput-latency',
    title: 'Throughput vs per-user speed under load',
    caption:
      'Concurrency ladder: each point is one level (c = parallel requests, n/s = Poisson arrivals); per-user speed is the median decode rate of one request, total is all output tokens per second of the level. Cloud points are measured at the client (network included).',
    svg: await renderSvg(spec),
  };
}
