/** The shape of a metric definition: one file per metric, each a pure function of raw traces. */
import type { CellResult, MetricName, RequestTrace } from '../results/schema.ts';

interface MetricInfo {
  name: MetricName;
  unit: string;
  /** the normative definition (DESIGN §5), for reports */
  definition: string;
  /** caveat shown next to the number */
  note?: string;
}

/** One sample per measured request; null when undefined for that request (never a fake 0). */
export interface RequestMetric extends MetricInfo {
  kind: 'per-request';
  sample(trace: RequestTrace, cell: CellResult): number | null;
}

/** Several samples per request, pooled across the cell's measured requests. */
export interface PooledMetric extends MetricInfo {
  kind: 'pooled';
  samples(trace: RequestTrace, cell: CellResult): number[];
}

export type Metric = RequestMetric | PooledMetric;

/** A finite positive number or null (guards divisions by a zero-length interval). */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
