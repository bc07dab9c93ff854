/**
 * Every metric edgebench knows, in report order: one record per file. To add a metric, write
 * `<name>.ts` exporting a record (see ./types.ts) and add it to this list; the summary, compare,
 * assert, references and the report's definitions table pick it up from here.
 */
import { avgPowerW } from './avg-power-w.ts';
import { decodeThroughput } from './decode-tokens-per-s.ts';
import { e2e } from './e2e-ms.ts';
import { energyJ } from './energy-j.ts';
import { itl } from './itl-ms.ts';
import { joulesPerTokenDecode } from './joules-per-token-decode.ts';
import { joulesPerTokenPrefill } from './joules-per-token-prefill.ts';
import { loadMs } from './load-ms.ts';
import { peakRssBytes } from './peak-rss-bytes.ts';
import { prefillThroughput } from './prefill-tokens-per-s.ts';
import { roofline } from './roofline-fraction.ts';
import { tpot } from './tpot-ms.ts';
import { ttft } from './ttft-ms.ts';
import type { CellMetric, DefinitionRow, Direction, MetricRecord, TraceMetric } from './types.ts';

export const METRICS = [
  ttft,
  e2e,
  tpot,
  decodeThroughput,
  prefillThroughput,
  itl,
  loadMs,
  peakRssBytes,
  energyJ,
  avgPowerW,
  joulesPerTokenDecode,
  joulesPerTokenPrefill,
  roofline,
] as const satisfies readonly MetricRecord[];

type AnyMetric = (typeof METRICS)[number];
/** Every metric name (what references and claims can ask of a local cell). */
export type AnyMetricName = AnyMetric['name'];
/** Metrics computed from raw traces with full statistics: the keys of CellSummary.metrics. */
export type TraceMetricName = AnyTraceMetric['name'];
/** Metrics read off a cell's summary (energy, memory, load). */
export type CellMetricName = AnyCellMetric['name'];

type AnyTraceMetric = Extract<AnyMetric, { kind: 'per-request' | 'pooled' }>;
type AnyCellMetric = Extract<AnyMetric, { kind: 'cell' }>;

export const TRACE_METRICS: readonly (TraceMetric & { name: TraceMetricName })[] = METRICS.filter(
  (m): m is AnyTraceMetric => m.kind !== 'cell',
);
export const CELL_METRICS: readonly (CellMetric & { name: CellMetricName })[] = METRICS.filter(
  (m): m is AnyCellMetric => m.kind === 'cell',
);

export const METRIC_NAMES = METRICS.map((m) => m.name) as [AnyMetricName, ...AnyMetricName[]];
export const TRACE_METRIC_NAMES = TRACE_METRICS.map((m) => m.name) as [TraceMetricName, ...TraceMetricName[]];

export const METRIC_DIRECTION = Object.fromEntries(METRICS.map((m) => [m.name, m.direction])) as Readonly<Record<AnyMetricName, Direction>>;

export const METRIC_BY_NAME = Object.fromEntries(METRICS.map((m) => [m.name, m])) as Readonly<Record<AnyMetricName, MetricRecord>>;

/**
 * The report's definitions table: one row per metric in list order, metrics that share a `row`
 * once; notation rows (e.g. the shape names) go after the trace metrics, before the first cell metric.
 */
export function definitionRows(notation: readonly DefinitionRow[] = []): DefinitionRow[] {
  const rows: DefinitionRow[] = [];
  let notationAdded = false;
  for (const m of METRICS as readonly MetricRecord[]) {
    if (m.kind === 'cell' && !notationAdded) {
      notationAdded = true;
      rows.push(...notation);
    }
    const row = m.row ?? { name: m.name, unit: m.unit, definition: m.definition };
    if (!rows.includes(row)) rows.push(row);
  }
  return rows;
}

export type { CellMetric, DefinitionRow, Direction, MetricRecord, MetricValue, PooledMetric, RequestMetric, TraceMetric } from './types.ts';
