/**
 * The shape of a metric record: one file per metric (like a Lighthouse audit), listed once in
 * ./index.ts. Everything else — the summary's metric names, compare's directions, the assertion
 * metric list, the references' local metrics and the report's definitions table — derives from it.
 */
import type { CellResult, CellSummary, RequestTrace } from '../../results/schema.ts';

export type Direction = 'lower-is-better' | 'higher-is-better';

/** A row of the report's definitions table; metrics defined together share one row object. */
export interface DefinitionRow {
  name: string;
  unit: string;
  definition: string;
}

/** A metric value without raw samples: median and 95 % CI (lo = hi when there is no CI). */
export interface MetricValue {
  n: number;
  median: number;
  ci95: { lo: number; hi: number };
  unit: string;
}

interface MetricInfo<N extends string> {
  name: N;
  unit: string;
  direction: Direction;
  /** the normative definition (DESIGN §5), stated in every report */
  definition: string;
  /** caveat stored with every summary of this metric and shown next to the number */
  note?: string;
  /** the definitions-table row when several metrics are defined together (else name/unit/definition) */
  row?: DefinitionRow;
}

/**
 * One sample per measured request, summarised with a bootstrap CI into summary.json; null when
 * undefined for that request (never a fake 0).
 */
export interface RequestMetric<N extends string = string> extends MetricInfo<N> {
  kind: 'per-request';
  sample(trace: RequestTrace, cell: CellResult): number | null;
}

/** Several samples per request, pooled across the cell's measured requests. */
export interface PooledMetric<N extends string = string> extends MetricInfo<N> {
  kind: 'pooled';
  sample(trace: RequestTrace, cell: CellResult): number[];
}

/** A figure read off a cell's summary (energy, memory, cold start): median and CI, no raw samples. */
export interface CellMetric<N extends string = string> extends MetricInfo<N> {
  kind: 'cell';
  sample(cell: CellSummary): MetricValue | null;
}

export type MetricRecord = RequestMetric | PooledMetric | CellMetric;
/** Metrics computed from raw traces: these are the keys of CellSummary.metrics. */
export type TraceMetric = RequestMetric | PooledMetric;

/** A finite number or null (guards divisions by a zero-length interval). */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** A single figure with no CI (lo = hi = value). */
export function pointValue(value: number, n: number, unit: string): MetricValue {
  return { n, median: value, ci95: { lo: value, hi: value }, unit };
}
