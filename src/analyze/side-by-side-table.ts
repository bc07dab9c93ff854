/** Text rendering of `summary.sideBySide` (printed by `run` after the main table). No statistics here. */
import type { RatioEstimate, RunnerComparison, SideBySide } from '../results/side-by-side-schema.ts';
import { threadsLabel } from '../format/labels.ts';
import { pipeTable } from '../format/tables.ts';

const LABEL: Record<string, string> = {
  decodeTokensPerS: 'decode t/s',
  prefillTokensPerS: 'prefill t/s',
  ttftMs: 'TTFT',
  tpotMs: 'TPOT',
  e2eMs: 'e2e',
};
const SHOWN = ['decodeTokensPerS', 'prefillTokensPerS', 'ttftMs'];

const f = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

function cell(r: RatioEstimate | undefined): string {
  if (!r) return '-';
  const mark = r.verdict === 'inconclusive' ? ' ~' : '';
  return `${f(r.ratio)}× [${f(r.ci95.lo)}, ${f(r.ci95.hi)}]${mark}`;
}

const who = (s: RunnerComparison['a']) => `${s.runner}/${s.ep} ${s.dtype} ${threadsLabel(s.threads)}`;

export function formatSideBySide(s: SideBySide): string {
  const cols = SHOWN.filter((m) => s.comparisons.some((c) => c.metrics[m]));
  const header = ['model', 'test', 'A', 'B', ...cols.map((m) => `${LABEL[m] ?? m} A÷B`), 'conditions differ'];
  const rows = s.comparisons.map((c) => [
    c.model,
    c.shape,
    who(c.a),
    who(c.b),
    ...cols.map((m) => cell(c.metrics[m])),
    c.mismatches.join('; ') || '-',
  ]);
  return [
    'side by side (A ÷ B of medians, [95 % bootstrap CI]; ~ = CI contains 1, no clear difference):',
    pipeTable(header, rows),
    'decode/prefill t/s: > 1 means A is faster; TTFT: < 1 means A is faster. Rows with differing conditions are not like-for-like.',
  ].join('\n');
}
