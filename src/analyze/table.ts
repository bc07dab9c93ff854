/** Plain-text rendering of a RunSummary for the terminal (formatting only; no statistics). */
import { cellLabel } from '../format/labels.ts';
import { metricText, sig3 } from '../format/numbers.ts';
import { textTable } from '../format/tables.ts';
import type { MetricSummary, RunSummary, Warning } from '../results/schema.ts';

/** "median [lo–hi]" (95 % bootstrap CI of the median), or "n/a". */
function formatMetric(m: MetricSummary | null, withCi = true): string {
  return withCi ? metricText(m, sig3) : m ? sig3(m.median) : 'n/a';
}

function warningLine(where: string, w: Warning): string {
  return `  ${w.severity === 'warn' ? 'warning' : 'note'}${where}: ${w.message}\n    fix: ${w.fix}`;
}

export function formatSummaryTable(s: RunSummary, opts: { showInfo?: boolean } = {}): string {
  const header = ['#', 'cell', 'status', 'n', 'TTFT ms', 'TPOT ms', 'decode tok/s', 'prefill tok/s', 'load ms', 'warnings'];
  const rows = s.cells.map((c) => [
    String(c.index),
    cellLabel(c.key),
    c.status,
    String(c.requests.measured),
    formatMetric(c.metrics.ttftMs),
    formatMetric(c.metrics.tpotMs),
    formatMetric(c.metrics.decodeTokensPerS),
    formatMetric(c.metrics.prefillTokensPerS, false),
    c.coldStart.loadMs === null ? 'n/a' : sig3(c.coldStart.loadMs),
    c.warnings
      .filter((w) => w.severity === 'warn')
      .map((w) => w.code)
      .join(',') || '-',
  ]);
  const lines = [
    `run ${s.runId} — ${s.cells.length} cell(s); medians with 95 % bootstrap CI [lo–hi], seed ${s.seed}`,
    textTable([header, ...rows]),
  ];
  const notes: string[] = [];
  for (const w of s.warnings) if (opts.showInfo || w.severity === 'warn') notes.push(warningLine('', w));
  for (const c of s.cells) {
    if (c.error)
      notes.push(`  ${c.status} [${c.index}]: ${c.error.code}: ${c.error.message}${c.error.hint ? `\n    hint: ${c.error.hint}` : ''}`);
    for (const w of c.warnings) if (opts.showInfo || w.severity === 'warn') notes.push(warningLine(` [${c.index}] ${w.code}`, w));
  }
  if (notes.length) lines.push('', ...notes);
  return lines.join('\n');
}
