/** How a quality record reads in tables: short in the run table, in full in `edgebench quality`. */
import { isQualityError, type QualityEntry } from '../results/quality-schema.ts';

const kl = (x: number) => (x === 0 ? '0' : x < 1e-3 ? x.toExponential(1) : x.toPrecision(2));

/** e.g. "KL 0.042 · top1 0.37 (synthetic)", "≈KL≥0.010 · top1 0.98", "BELOW FLOOR KL 0.31 · …" */
export function qualityCell(q: QualityEntry | undefined): string {
  if (!q) return '-';
  if (isQualityError(q)) return 'n/a';
  const f = q.figures;
  const core = `${q.approximate ? '≈KL≥' : 'KL '}${kl(f.klMeanNats)} · top1 ${f.sameTopRate.toFixed(2)}`;
  return `${q.belowFloor.length ? 'BELOW FLOOR ' : ''}${core}${q.weights === 'synthetic' ? ' (synthetic)' : ''}`;
}

export const QUALITY_HEADER = [
  'model',
  'runner',
  'ep',
  'dtype',
  'weights',
  'reference',
  'tokens',
  'same-top',
  'KL mean',
  'KL p99',
  'Δp',
  'ppl test/ref',
  'verdict',
];

export function qualityRow(q: QualityEntry): string[] {
  const id = [q.model, q.runner, q.executionProvider, q.dtype];
  if (isQualityError(q)) return [...id, '-', '-', '-', '-', '-', '-', '-', '-', `not measured: ${q.error.code}`];
  const f = q.figures;
  const approx = q.approximate ? '≥' : '';
  return [
    ...id,
    q.weights,
    `${q.reference.runner} ${q.reference.dtype}`,
    String(q.stream.tokens),
    f.sameTopRate.toFixed(3),
    `${approx}${kl(f.klMeanNats)}`,
    `${approx}${kl(f.klP99Nats)}`,
    f.deltaPMean.toExponential(1),
    f.perplexityTest !== null && f.perplexityRef !== null ? `${f.perplexityTest.toFixed(2)}/${f.perplexityRef.toFixed(2)}` : 'n/a',
    q.belowFloor.length ? `QUALITY_BELOW_FLOOR (${q.belowFloor.join('; ')})` : q.floor ? 'ok' : 'no floor for this dtype',
  ];
}

export const QUALITY_NOTES = [
  "same-top: share of positions where the top token equals the reference's; KL: KL(P_ref ‖ P_test) in nats per position (mean, p99 nearest-rank); Δp: mean p_ref(top_ref) − p_test(top_ref).",
  'teacher-forced over the same token stream on both sides; ≥ marks an approximate (top-k log-probabilities) figure, a lower bound of the true KL.',
  'synthetic weights: the figures measure runtime and quantisation error on near-flat distributions, not task quality (same-top is then not floored; perplexity not reported).',
];
