/** Plain-text rendering of a RunSummary for the terminal (formatting only; no statistics). */
import type { CellSummary, MetricSummary, RunSummary, Warning } from '../results/schema.ts';

/** About three significant digits: 1234, 123, 12.3, 1.23, 0.123. */
export function num(x: number): string {
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

/** "median [lo–hi]" (95 % bootstrap CI of the median), or "n/a". */
export function formatMetric(m: MetricSummary | null, withCi = true): string {
  if (!m) return 'n/a';
  if (!withCi || m.ci95.lo === m.ci95.hi) return num(m.median);
  return `${num(m.median)} [${num(m.ci95.lo)}–${num(m.ci95.hi)}]`;
}

export function cellLabel(c: Pick<CellSummary, 'key'>): string {
  const k = c.key;
  return [k.model, k.dtype, k.runner, k.ep, `t${k.threads ?? 'auto'}`, k.shape.name].join(' ');
}

function renderTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

function warningLine(where: string, w: Warning): string {
  return `  ${w.severity === 'warn' ? 'warning' : 'note'}${where}: ${w.message}\n    fix: ${w.fix}`;
}

export function formatSummaryTable(s: RunSummary, opts: { showInfo?: boolean } = {}): string {
  const header = ['#', 'cell', 'status', 'n', 'TTFT ms', 'TPOT ms', 'decode tok/s', 'prefill tok/s', 'load ms', 'warnings'];
  const rows = s.cells.map((c) => [
    String(c.index),
    cellLabel(c),
    c.status,
    String(c.requests.measured),
    formatMetric(c.metrics.ttftMs),
    formatMetric(c.metrics.tpotMs),
    formatMetric(c.metrics.decodeTokensPerS),
    formatMetric(c.metrics.prefillTokensPerS, false),
    c.coldStart.loadMs === null ? 'n/a' : num(c.coldStart.loadMs),
    c.warnings.filter((w) => w.severity === 'warn').map((w) => w.code).join(',') || '-',
  ]);
  const lines = [
    `run ${s.runId} — ${s.cells.length} cell(s); medians with 95 % bootstrap CI [lo–hi], seed ${s.seed}`,
    renderTable([header, ...rows]),
  ];
  const notes: string[] = [];
  for (const w of s.warnings) if (opts.showInfo || w.severity === 'warn') notes.push(warningLine('', w));
  for (const c of s.cells) {
    if (c.error) notes.push(`  ${c.status} [${c.index}]: ${c.error.code}: ${c.error.message}${c.error.hint ? `\n    hint: ${c.error.hint}` : ''}`);
    for (const w of c.warnings) if (opts.showInfo || w.severity === 'warn') notes.push(warningLine(` [${c.index}] ${w.code}`, w));
  }
  if (notes.length) lines.push('', ...notes);
  return lines.join('\n');
}
