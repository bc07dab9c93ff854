/** Metric definitions and method notes stated in every report (DESIGN §5 and §6, normative). */
import { DRIFT_MAX_P, DRIFT_MIN_CHANGE, NOISY_CV } from '../analyze/warnings.ts';

export interface MetricDefinition {
  name: string;
  unit: string;
  definition: string;
}

export const METRIC_DEFINITIONS: readonly MetricDefinition[] = [
  { name: 'ttftMs', unit: 'ms', definition: 't_1 − t_submit: time from handing the token ids to the runner (model already loaded) to the first emitted token' },
  { name: 'e2eMs', unit: 'ms', definition: 't_N − t_submit: the whole request' },
  { name: 'tpotMs', unit: 'ms', definition: '(e2e − ttft) / (N − 1); n/a (never 0) when fewer than 2 tokens are generated' },
  { name: 'decodeTokensPerS', unit: 'tokens/s', definition: '(N − 1) / (t_N − t_1)' },
  { name: 'prefillTokensPerS', unit: 'tokens/s', definition: 'prompt tokens / ttft (includes one decode step)' },
  { name: 'itlMs', unit: 'ms', definition: 't_i − t_{i−1} for i ≥ 2, every gap kept raw and pooled over measured requests' },
  { name: 'pp<N> / tg<M> / @d<D>', unit: '', definition: 'llama-bench shapes: prefill N prompt tokens, generate M tokens, at KV depth D' },
  { name: 'loadMs, first-run overhead', unit: 'ms', definition: 'model load time; TTFT of the first (cold) request − median warm TTFT' },
  { name: 'peakRssBytes', unit: 'bytes', definition: 'peak resident set size of the benchmarking process' },
  { name: 'energyJ, avgPowerW', unit: 'J, W', definition: 'energy and mean power over the timed window, with their source (rapl, nvml, powermetrics, battery, meter-csv, estimated-tdp) and an idle baseline subtracted' },
  { name: 'joulesPerToken', unit: 'J/token', definition: 'decode: E(t_1..t_N) / (N − 1); prefill: E(t_submit..t_1) / prompt tokens' },
  { name: 'rooflineFraction', unit: 'fraction', definition: 'decode tok/s ÷ (measured memory bandwidth ÷ bytes read per token)' },
];

export const METHOD_NOTES: readonly string[] = [
  'One monotonic clock per process (process.hrtime.bigint() in Node, performance.now() in the browser, resolution recorded). t_submit is when the token ids are handed to the runner, with the model already loaded; t_i is when token i is emitted.',
  'Warmup requests and the first (cold) request are excluded from the statistics; the cold start is reported separately. Every request decodes a fixed number of tokens (EOS ignored).',
  'Statistics per metric: n, median, mean, sample SD, CV, p90/p99, min/max. Percentiles are nearest-rank (p90 needs ≥ 10 samples, p99 ≥ 100). Numbers are shown as median [95 % CI], where the CI is a seeded bootstrap percentile interval of the median (the seed is in the results).',
  `Warnings: noisy when CV > ${NOISY_CV * 100} %; outliers by median/MAD (|modified z| > 3.5); thermal drift when the per-token time rises > ${DRIFT_MIN_CHANGE * 100} % over the run with a one-sided p < ${DRIFT_MAX_P}. Each warning says how to fix it.`,
  'Measurement boundary: engine / runtime-api / http-client. Local numbers here are at the runtime API; cloud figures measured through an API include network and queueing.',
  'References: every published figure keeps its source, date, evidence kind and audit status. Verdicts use only confirmed or corrected figures; unverifiable ones are shown as context, marked. Matching is on metric and conditions (batch/concurrency, prompt and output length, precision) as well as model size class; every difference is listed beside the match. The ratio local/reference carries the local 95 % CI (ratio of the CI bounds) and the reference range when it is one.',
  'Synthetic models: models marked synthetic have the exact architecture (layers, heads, hidden and vocab sizes, operators) of the named model with seeded random weights; speed, memory and energy depend on shapes and operators, not on weight values.',
];
