/** The result of `edgebench compare` (also its --json output). */
import type { CellKey, MetricName } from '../results/schema.ts';
import type { Direction } from './direction.ts';
import type { NoiseBand } from './noise-band.ts';
import type { SampleComparison, Verdict } from './compare-samples.ts';

export type { Verdict } from './compare-samples.ts';

export interface RunRef {
  dir: string;
  runId: string;
  createdAt: string;
  device: string;
  fingerprint: string;
  git: { commit: string; dirty: boolean } | null;
}

export interface MetricComparison extends SampleComparison {
  metric: MetricName;
  unit: string;
  direction: Direction;
  /** Holm-adjusted p-value over every test of this comparison */
  pAdjusted: number;
  verdict: Verdict;
  reason: string;
  /** set when the verdict is inconclusive because the machine's conditions differed */
  environmentChanged?: string[];
}

/** Something about a cell that is not a metric verdict: errored, empty, missing on one side. */
export interface CellProblem {
  /** fail: counts as a failed comparison (exit 2); warn/info: reported only */
  severity: 'fail' | 'warn' | 'info';
  message: string;
}

export interface CellComparison {
  /** join key (cellId of the head cell, or of the baseline cell when head lacks it) */
  id: string;
  baselineKey: CellKey | null;
  headKey: CellKey | null;
  baselineStatus: 'ok' | 'errored' | 'unsupported' | 'missing';
  headStatus: 'ok' | 'errored' | 'unsupported' | 'missing';
  problems: CellProblem[];
  metrics: MetricComparison[];
  /** machine conditions that differed between the two cells (figures in words); verdicts are inconclusive unless ignoreEnvironment */
  environmentChanged?: string[];
}

export interface CompareSettings {
  noiseBand: NoiseBand;
  alpha: number;
  confidence: number;
  resamples: number;
  seed: number;
  metrics: MetricName[];
  correction: 'holm';
  /** number of tests in the Holm family */
  tests: number;
  allowMismatch: boolean;
  ignoreEnvironment: boolean;
}

export interface CompareReport {
  kind: 'edgebench-compare';
  version: 1;
  baseline: RunRef;
  head: RunRef;
  settings: CompareSettings;
  warnings: string[];
  /** run-level failures (e.g. nothing could be compared); each makes `passed` false */
  problems: string[];
  cells: CellComparison[];
  totals: Record<Verdict, number> & { failedCells: number };
  /** false when anything regressed or a cell problem is a failure → exit 2 */
  passed: boolean;
}
