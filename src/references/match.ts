/**
 * Match local cell summaries with published figures: same size class and a metric that measures
 * the same quantity, sorted by how close the conditions are (batch, prompt/output length,
 * precision). Mismatches are listed with every match, never hidden. The ratio local/reference
 * carries the local CI (ratio of the CI bounds) and the reference range when it is one.
 */
import { isDecisive } from './load.ts';
import { dtypePrecision, familyOf, paramsB, sizeClass, type LocalCell, type LocalMetric, type LocalMetricName } from './local.ts';
import type { Figure } from './schema.ts';
import { numericValue } from './value.ts';

interface MetricLink {
  ref: string;
  /** converts the reference value into the local metric's unit */
  convert?: (x: number) => number;
  derived?: string;
  /** a caveat that always applies to this reference metric */
  caveat?: string;
}

const inverseMs = (x: number): number => 1000 / x;

export const METRIC_LINKS: Partial<Record<LocalMetricName, MetricLink[]>> = {
  ttftMs: [
    { ref: 'ttft_ms' },
    { ref: 'ttft_ms_mean_under_load', caveat: 'mean TTFT under server load' },
    {
      ref: 'ttft_s_median',
      convert: (x) => x * 1000,
      derived: 'ms = s × 1000',
      caveat: 'client-side API TTFT: includes the network, TLS and queueing',
    },
  ],
  decodeTokensPerS: [
    { ref: 'decode_tokens_per_s' },
    { ref: 'output_tokens_per_s_per_user', caveat: 'per-user output speed (API figures include network and queueing)' },
    { ref: 'decode_tokens_per_s_claim', caveat: 'vendor claim' },
    { ref: 'decode_ms_per_token', convert: inverseMs, derived: 'tok/s = 1000 / (ms per token)' },
    { ref: 'total_output_tokens_per_s_max_load', caveat: 'whole-system throughput over all streams, not one stream' },
    { ref: 'tokens_per_s_offline', caveat: 'MLPerf offline throughput over all samples, not one stream' },
    { ref: 'tokens_per_s_server', caveat: 'MLPerf server throughput over all streams, not one stream' },
  ],
  tpotMs: [
    { ref: 'decode_ms_per_token' },
    { ref: 'tpot_ms_mean_under_load', caveat: 'mean TPOT under server load' },
    { ref: 'itl_ms_median' },
    { ref: 'itl_ms' },
    { ref: 'decode_tokens_per_s', convert: inverseMs, derived: 'ms = 1000 / (tok/s)' },
    {
      ref: 'output_tokens_per_s_per_user',
      convert: inverseMs,
      derived: 'ms = 1000 / (tok/s)',
      caveat: 'API figures include network and queueing',
    },
  ],
  itlMs: [{ ref: 'itl_ms_median' }, { ref: 'itl_ms' }, { ref: 'decode_ms_per_token' }],
  prefillTokensPerS: [{ ref: 'prefill_tokens_per_s' }],
  joulesPerTokenDecode: [{ ref: 'joules_per_token', caveat: 'energy boundary differs (e.g. ML.ENERGY counts GPU energy only)' }],
  avgPowerW: [{ ref: 'watts' }],
};

const PROMPT_METRICS = new Set<LocalMetricName>(['ttftMs', 'prefillTokensPerS', 'joulesPerTokenPrefill']);

export interface Ratio {
  /** local median / reference value */
  value: number;
  /** from the local CI bounds (and the reference range, when it is one) */
  lo: number;
  hi: number;
}

export interface ReferenceMatch {
  figure: Figure;
  /** reference value in the local metric's unit (derived when `derived` is set) */
  refValue: number;
  refLo: number;
  refHi: number;
  derived: string | null;
  /** conditions that differ from the local measurement, in words */
  mismatches: string[];
  /** no mismatch in batch or prompt length (the ones that change the number most) */
  comparable: boolean;
  /** audit status allows it in a verdict (confirmed / corrected) */
  decisive: boolean;
  ratio: Ratio;
}

export interface MatchOptions {
  /** prompt/output lengths within this factor count as matching (default 2) */
  lengthFactor?: number;
}

function lengthOff(a: number, b: number, factor: number): boolean {
  if (a === 0 || b === 0) return a !== b;
  return Math.max(a / b, b / a) > factor;
}

/** Differences between a local cell and a figure, in words ('batch: …', 'prompt: …', …). */
export function conditionMismatches(
  cell: LocalCell,
  metric: LocalMetricName,
  f: Figure,
  link: MetricLink,
  opts: MatchOptions = {},
): string[] {
  const factor = opts.lengthFactor ?? 2;
  const out: string[] = [];
  const c = f.conditions;
  if (c.batch !== 'single') {
    const what = c.batch === 'unknown' ? 'not stated' : (c.batch_or_concurrency ?? c.batch);
    out.push(`batch: reference ${what}; local single stream (batch 1)`);
  }
  if (PROMPT_METRICS.has(metric)) {
    if (c.prompt_tokens === null) out.push(`prompt: reference length not stated; local ${cell.shape.promptTokens} tokens`);
    else if (lengthOff(c.prompt_tokens, cell.shape.promptTokens, factor)) {
      out.push(`prompt: reference ${c.prompt_tokens} tokens; local ${cell.shape.promptTokens}`);
    }
  } else if (c.output_tokens !== null && c.output_tokens > 0 && lengthOff(c.output_tokens, cell.shape.genTokens, factor * 2)) {
    out.push(`output: reference ${c.output_tokens} tokens; local ${cell.shape.genTokens}`);
  }
  const lp = dtypePrecision(cell.dtype);
  if (c.precision !== lp)
    out.push(
      `precision: reference ${c.precision === 'unknown' ? 'not stated' : c.precision}${f.quantization ? ` (${f.quantization})` : ''}; local ${cell.dtype}`,
    );
  const lf = familyOf(cell.model);
  if (lf && f.model_family && lf.split('.')[0] !== f.model_family.split('.')[0])
    out.push(`model: reference ${f.model}; local ${cell.model} (same size class)`);
  if (link.caveat) out.push(`definition: ${link.caveat}`);
  if (link.derived) out.push(`derived: ${link.derived}`);
  return out;
}

function ratioOf(local: LocalMetric, lo: number, hi: number, mid: number): Ratio {
  return { value: local.median / mid, lo: local.ci95.lo / hi, hi: local.ci95.hi / lo };
}

/**
 * All figures comparable with one local metric of one cell, nearest conditions first. The choice
 * reads only the cell's setup (src/store/payload.ts caches it by that: extend its key if this reads more).
 */
export function matchCell(cell: LocalCell, metric: LocalMetricName, figures: readonly Figure[], opts: MatchOptions = {}): ReferenceMatch[] {
  const local = cell.metrics[metric];
  const links = METRIC_LINKS[metric];
  const cls = sizeClass(paramsB(cell));
  if (!local || !links || cls === null) return [];
  const out: ReferenceMatch[] = [];
  for (const f of figures) {
    const link = links.find((l) => l.ref === f.metric);
    if (!link || sizeClass(f.model_params_b) !== cls) continue;
    const nv = numericValue(f.value);
    if (!nv || nv.lo <= 0) continue;
    const conv = link.convert ?? ((x: number) => x);
    const a = conv(nv.lo);
    const b = conv(nv.hi);
    const [refLo, refHi] = a <= b ? [a, b] : [b, a];
    const mismatches = conditionMismatches(cell, metric, f, link, opts);
    out.push({
      figure: f,
      refValue: conv(nv.value),
      refLo,
      refHi,
      derived: link.derived ?? null,
      mismatches,
      comparable: !mismatches.some((m) => m.startsWith('batch:') || m.startsWith('prompt:')),
      decisive: isDecisive(f),
      ratio: ratioOf(local, refLo, refHi, conv(nv.value)),
    });
  }
  return out.sort((x, y) => rank(x) - rank(y) || x.figure.id.localeCompare(y.figure.id));
}

function rank(m: ReferenceMatch): number {
  return (m.comparable ? 0 : 100) + (m.decisive ? 0 : 10) + m.mismatches.length;
}

export interface CellMatches {
  cell: LocalCell;
  metric: LocalMetricName;
  matches: ReferenceMatch[];
}

/** Matches for every ok cell and every metric that has reference links. */
export function matchAll(cells: readonly LocalCell[], figures: readonly Figure[], opts: MatchOptions = {}): CellMatches[] {
  const out: CellMatches[] = [];
  for (const cell of cells) {
    if (cell.status !== 'ok') continue;
    for (const metric of Object.keys(METRIC_LINKS) as LocalMetricName[]) {
      const matches = matchCell(cell, metric, figures, opts);
      if (matches.length) out.push({ cell, metric, matches });
    }
  }
  return out;
}
