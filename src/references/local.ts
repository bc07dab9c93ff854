/**
 * The view of a local measurement that matching and claims read: one matrix cell of a run with
 * its metric summaries. Built from a RunSummary by toLocalCells (./local-cells.ts); kept structural
 * and small so rules can be tested with hand-written fixtures.
 */
import { METRIC_NAMES, type AnyMetricName, type MetricValue } from '../analyze/metrics/index.ts';
import { deriveModel } from './derive.ts';
import type { Precision } from './schema.ts';
import type { DeviceClassName } from '../edge-cloud/device-class.ts';

/** Every metric of the records in src/analyze/metrics. */
export const LOCAL_METRICS: readonly LocalMetricName[] = METRIC_NAMES;
export type LocalMetricName = AnyMetricName;
export type LocalMetric = MetricValue;

export interface LocalCell {
  /** stable id within the report, e.g. 'run-a#3' */
  id: string;
  runId: string;
  /** cell index within its run */
  index: number;
  /** device label (host / CPU) of the run, for several devices side by side */
  device: string;
  /** laptop, phone, server-or-VM, … (src/edge-cloud/device-class.ts): decides which claims this cell may decide */
  deviceClass: DeviceClassName;
  /** the device's price when the user recorded it (--device-price-usd) */
  devicePriceUsd: number | null;
  /** synthetic weights: speed-true, not quality-true (null when the model is unknown, e.g. a failed cell) */
  weights: 'synthetic' | 'real' | null;
  model: string;
  /** parameter count (exact), when known */
  params: number | null;
  dtype: string;
  runner: string;
  ep: string;
  threads: number | null;
  shape: { name: string; promptTokens: number; genTokens: number; depth: number };
  status: 'ok' | 'errored' | 'unsupported';
  metrics: Partial<Record<LocalMetricName, LocalMetric>>;
  /** 'measured' | 'estimated' when energy metrics exist */
  energySource: 'measured' | 'estimated' | null;
  /**
   * Set when an endpoint generated the tokens (boundary http-client): this device only called it,
   * so the cell is evidence about that endpoint, never about this device.
   */
  remote?: RemoteSide | null;
}

export interface RemoteSide {
  /** the endpoint as recorded (credentials never are) */
  endpoint: string | null;
  /** median TCP connect to it, measured before the cell (src/cloud/network-split.ts) */
  rttMs: number | null;
  /** median prompt length the server counted (usage.prompt_tokens: instruction and chat template included) */
  promptTokens: number | null;
}

/** Cells measured on this device (not endpoints it called). */
export function onDevice<T extends Pick<LocalCell, 'remote'>>(cells: readonly T[]): T[] {
  return cells.filter((c) => !c.remote);
}

/** Model size in billions of parameters (exact count, else parsed from the id). */
export function paramsB(cell: Pick<LocalCell, 'params' | 'model'>): number | null {
  if (cell.params !== null && cell.params > 0) return cell.params / 1e9;
  return deriveModel(cell.model).model_params_b;
}

export type SizeClass = '<1B' | '1B' | '3B' | '7-8B' | '13B' | '30B' | '70B' | '100B+';

/** Size classes used for matching: a 1.24 B model is '1B', a 8.03 B model '7-8B'. */
export function sizeClass(b: number | null): SizeClass | null {
  if (b === null) return null;
  if (b < 0.6) return '<1B';
  if (b < 2.1) return '1B';
  if (b < 5) return '3B';
  if (b < 10) return '7-8B';
  if (b < 20) return '13B';
  if (b < 50) return '30B';
  if (b < 100) return '70B';
  return '100B+';
}

/** Precision class of a local dtype (ONNX/transformers.js names). */
export function dtypePrecision(dtype: string): Precision | 'fp32' {
  const d = dtype.toLowerCase();
  if (/q4|int4|bnb4|4bit/.test(d)) return '4-bit';
  if (/q8|int8|uint8|quantized/.test(d)) return '8-bit';
  if (/fp16|bf16|f16/.test(d)) return '16-bit';
  if (/fp32|f32/.test(d)) return 'fp32';
  return 'unknown';
}

export function familyOf(model: string): string | null {
  return deriveModel(model).model_family;
}
