/** Metric definitions and method notes stated in every report (DESIGN §5 and §6, normative). */
import { definitionRows, type DefinitionRow } from '../analyze/metrics/index.ts';
import { DRIFT_MAX_P, DRIFT_MIN_CHANGE, NOISY_CV } from '../analyze/warnings.ts';

/** Generated from the metric records (src/analyze/metrics), with the shape notation beside them. */
export const METRIC_DEFINITIONS: readonly DefinitionRow[] = definitionRows([
  { name: 'pp<N> / tg<M> / @d<D>', unit: '', definition: 'llama-bench shapes: prefill N prompt tokens, generate M tokens, at KV depth D' },
]);

export const METHOD_NOTES: readonly string[] = [
  'One monotonic clock per process (process.hrtime.bigint() in Node, performance.now() in the browser, resolution recorded). t_submit is when the token ids are handed to the runner, with the model already loaded; t_i is when token i is emitted.',
  'Warmup requests and the first (cold) request are excluded from the statistics; the cold start is reported separately. Every request decodes a fixed number of tokens (EOS ignored).',
  'Statistics per metric: n, median, mean, sample SD, CV, p90/p99, min/max. Percentiles are nearest-rank (p90 needs ≥ 10 samples, p99 ≥ 100). Numbers are shown as median [95 % CI], where the CI is a seeded bootstrap percentile interval of the median (the seed is in the results).',
  "Run rules: each cell measures until a minimum count and a minimum time of timed windows are met, then (with a CI target) until the 95 % CI half-width of its headline metric (decode t/s for tg, TTFT for pp) is within the target, looked at every k requests; a cap hit first is CI_NOT_REACHED. Inter-token latency CIs resample whole requests (cluster bootstrap), since gaps of one request are correlated. Other processes' CPU, steal, clock and temperature are recorded per cell (BUSY_MACHINE).",
  `Warnings: noisy when CV > ${NOISY_CV * 100} %; outliers by median/MAD (|modified z| > 3.5); thermal drift when the per-token time rises > ${DRIFT_MIN_CHANGE * 100} % over the run with a one-sided p < ${DRIFT_MAX_P}. Each warning says how to fix it.`,
  'Measurement boundary: engine / runtime-api / http-client. Local numbers here are at the runtime API; cloud figures measured through an API include network and queueing.',
  'References: every published figure keeps its source, date, evidence kind and audit status. Verdicts use only confirmed or corrected figures; unverifiable ones are shown as context, marked. Matching is on metric and conditions (batch/concurrency, prompt and output length, precision) as well as model size class; every difference is listed beside the match. The ratio local/reference carries the local 95 % CI (ratio of the CI bounds) and the reference range when it is one.',
  'Synthetic models: models marked synthetic have the exact architecture (layers, heads, hidden and vocab sizes, operators) of the named model with seeded random weights; speed, memory and energy depend on shapes and operators, not on weight values.',
];
