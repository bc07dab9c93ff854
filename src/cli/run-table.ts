/**
 * The llama-bench style table printed at the end of `run`: one row per cell, t/s ± half-width of
 * the 95 % CI of the median, and only the columns whose values vary (constant ones go in the title).
 */
import type { CellSummary, MetricSummary, RunSummary } from '../results/schema.ts';

function fmt(x: number, digits = 2): string {
  return x.toFixed(Math.abs(x) >= 100 ? 1 : digits);
}

function withCi(m: MetricSummary | null | undefined): string {
  if (!m) return 'n/a';
  const half = Math.max(m.median - m.ci95.lo, m.ci95.hi - m.median);
  return `${fmt(m.median)} ± ${fmt(half)}`;
}

/** pp rows report prefill t/s, tg rows decode t/s (as llama-bench); pp+tg rows report decode. */
function throughput(c: CellSummary): MetricSummary | null {
  return c.key.shape.genTokens > 0 ? c.metrics.decodeTokensPerS : c.metrics.prefillTokensPerS;
}

export function formatRunTable(s: RunSummary): string {
  const cols: { name: string; get: (c: CellSummary) => string; always?: boolean }[] = [
    { name: 'model', get: (c) => c.key.model },
    // synthetic weights: speed-true, not quality-true — always shown
    { name: 'weights', get: (c) => c.model?.weights ?? 'n/a', always: true },
    { name: 'dtype', get: (c) => c.key.dtype },
    { name: 'runner', get: (c) => c.key.runner },
    { name: 'ep', get: (c) => c.key.ep },
    { name: 'threads', get: (c) => String(c.key.threads ?? 'auto') },
    { name: 'test', get: (c) => c.key.shape.name, always: true },
    { name: 't/s', get: (c) => (c.status === 'ok' ? withCi(throughput(c)) : c.status), always: true },
    { name: 'TTFT ms', get: (c) => (c.status === 'ok' ? withCi(c.metrics.ttftMs) : '-'), always: true },
    { name: 'TPOT ms', get: (c) => (c.status === 'ok' ? withCi(c.metrics.tpotMs) : '-'), always: true },
    { name: 'n', get: (c) => String(c.requests.measured), always: true },
  ];
  const shown = cols.filter((col) => col.always || new Set(s.cells.map(col.get)).size > 1);
  const constant = cols.filter((col) => !shown.includes(col) && s.cells.length > 0).map((col) => `${col.name} ${col.get(s.cells[0]!)}`);
  const rows = [shown.map((c) => c.name), ...s.cells.map((c) => shown.map((col) => col.get(c)))];
  const widths = shown.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((v, i) => (i >= shown.length - 4 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join(' | ')} |`;
  const sep = `|${widths.map((w, i) => (i >= shown.length - 4 ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`;
  const out = [constant.length ? constant.join(', ') : '', line(rows[0]!), sep, ...rows.slice(1).map(line)].filter(Boolean);
  out.push('t/s: prefill tokens/s for pp tests, decode tokens/s for tg tests; ± = half-width of the 95 % bootstrap CI of the median.');
  return out.join('\n');
}

/** One line per warning kind (which cells, and the fix); `edgebench analyze <dir>` has the details. */
export function formatWarningsCompact(s: RunSummary): string {
  const byCode = new Map<string, { cells: string[]; fix: string }>();
  for (const c of s.cells) {
    for (const w of c.warnings) {
      if (w.severity !== 'warn') continue;
      const e = byCode.get(w.code) ?? { cells: [], fix: w.fix };
      e.cells.push(`#${c.index} ${c.key.shape.name}`);
      byCode.set(w.code, e);
    }
  }
  for (const w of s.warnings) if (w.severity === 'warn') byCode.set(w.code, { cells: ['run'], fix: w.fix });
  return [...byCode.entries()].map(([code, e]) => `  ${code} (${e.cells.join(', ')})\n    fix: ${e.fix}`).join('\n');
}
