/** Terminal and Markdown renderings of a CompareReport (formatting only; no statistics here). */
import { cellLabel } from '../format/labels.ts';
import { pValue, sig3, signedPct } from '../format/numbers.ts';
import { markdownTable, textTable } from '../format/tables.ts';
import type { CellComparison, CompareReport, MetricComparison, Verdict } from './types.ts';

/** The cell's label, naming the baseline's model and dtype when they differ from the head's. */
export function comparisonLabel(c: CellComparison): string {
  const h = c.headKey;
  const b = c.baselineKey;
  if (h && b && (h.model !== b.model || h.dtype !== b.dtype)) return `${cellLabel(h)} vs ${b.model} ${b.dtype}`;
  return cellLabel((h ?? b)!);
}

function change(m: MetricComparison): string {
  if (m.regressionPct === null || m.ratio === null || !m.ratioCi) return 'n/a';
  // shown as the change of the metric's own value; the verdict accounts for the direction
  const pct = (r: number) => (r - 1) * 100;
  return `${signedPct(pct(m.ratio))} [${signedPct(pct(m.ratioCi.lo))}, ${signedPct(pct(m.ratioCi.hi))}]`;
}

const MARK: Record<Verdict, string> = {
  regressed: '❌ regressed',
  improved: '✅ improved',
  unchanged: '➖ unchanged',
  inconclusive: '❔ inconclusive',
};

function rows(r: CompareReport, md: boolean): string[][] {
  const out: string[][] = [['cell', 'metric', 'baseline', 'head', 'change [95 % CI]', 'p (Holm)', 'verdict']];
  for (const c of r.cells) {
    const label = comparisonLabel(c);
    for (const m of c.metrics) {
      const unit = m.unit === 'tokens/s' ? 'tok/s' : m.unit;
      out.push([
        label,
        m.metric,
        `${sig3(m.baselineMedian)} ${unit}`,
        `${sig3(m.headMedian)} ${unit}`,
        change(m),
        pValue(m.pAdjusted),
        md ? MARK[m.verdict] : m.verdict,
      ]);
    }
    for (const p of c.problems)
      if (p.severity === 'fail')
        out.push([label, '—', c.baselineStatus, c.headStatus, '', '', md ? `❌ ${p.message}` : `FAILED: ${p.message}`]);
  }
  return out;
}

function header(r: CompareReport): string[] {
  const s = r.settings;
  const nb = s.noiseBand;
  const band = `noise band ±${nb.pct} % (${nb.environment === 'custom' ? 'set by --noise-band' : `environment ${nb.environment}`}${nb.source.startsWith('default') ? `, ${nb.source}` : ''})`;
  return [
    `baseline ${r.baseline.dir} (run ${r.baseline.runId}) → head ${r.head.dir} (run ${r.head.runId})`,
    `${band}; Mann–Whitney U, α = ${s.alpha} with Holm correction over ${s.tests} test(s); ${Math.round(s.confidence * 100)} % bootstrap CI of the ratio of medians (${s.resamples} resamples, seed ${s.seed})`,
  ];
}

function totalsLine(r: CompareReport): string {
  const t = r.totals;
  const parts = [`${t.regressed} regressed`, `${t.improved} improved`, `${t.unchanged} unchanged`, `${t.inconclusive} inconclusive`];
  if (t.failedCells) parts.push(`${t.failedCells} failed cell(s)`);
  return `${parts.join(', ')} → ${r.passed ? 'PASS' : 'FAIL'}`;
}

function notes(r: CompareReport): string[] {
  const out: string[] = [];
  for (const w of r.warnings) out.push(`warning: ${w}`);
  for (const p of r.problems) out.push(`failed: ${p}`);
  for (const c of r.cells) {
    for (const p of c.problems)
      if (p.severity !== 'fail') out.push(`${p.severity === 'warn' ? 'warning' : 'note'}: ${comparisonLabel(c)}: ${p.message}`);
    for (const m of c.metrics)
      if (m.verdict === 'regressed' || m.verdict === 'inconclusive')
        out.push(`${m.verdict}: ${comparisonLabel(c)} ${m.metric}: ${m.reason}`);
  }
  return out;
}

export function formatCompareText(r: CompareReport): string {
  const n = notes(r);
  return [...header(r), '', textTable(rows(r, false)), ...(n.length ? ['', ...n] : []), '', totalsLine(r)].join('\n');
}

export function formatCompareMarkdown(r: CompareReport): string {
  const n = notes(r);
  return [
    `## edgebench compare: ${r.passed ? '✅ no regression' : '❌ regression'}`,
    '',
    ...header(r).map((l) => `${l}  `),
    '',
    markdownTable(rows(r, true)),
    '',
    ...(n.length ? [...n.map((l) => `- ${l}`), ''] : []),
    `**${totalsLine(r)}**`,
    '',
  ].join('\n');
}
