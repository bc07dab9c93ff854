/** History as terminal text and Markdown (the Markdown holds a Mermaid chart for job summaries). */
import { sig3, signedPct } from '../format/numbers.ts';
import { markdownTable, textTable } from '../format/tables.ts';
import type { History, HistoryPoint, HistorySeries } from './history.ts';

function changeText(p: HistoryPoint): string {
  if (!p.change) return '';
  const pct = p.change.regressionPct === null ? '' : `${signedPct(-p.change.regressionPct)} `;
  return `${pct}${p.change.verdict === 'regressed' ? 'REGRESSED' : p.change.verdict}`;
}

function rows(s: HistorySeries): string[][] {
  return [
    ['date', 'commit', 'run', `median (${s.unit}) [95 % CI]`, 'n', 'change vs previous'],
    ...s.points.map((p) => [
      p.createdAt.slice(0, 16).replace('T', ' '),
      p.commit?.slice(0, 8) ?? '',
      p.runId,
      `${sig3(p.median)} [${sig3(p.ciLo)}, ${sig3(p.ciHi)}]${p.plausibility === 'ok' ? '' : ' IMPLAUSIBLE'}`,
      String(p.n),
      changeText(p),
    ]),
  ];
}

function header(h: History): string {
  return `${h.query.metric} history (${h.direction.replace(/-/g, ' ')}): ${h.series.length} series, ${h.regressions} regression(s) by compare's rule (Mann–Whitney U + Holm, α=${h.query.alpha}, noise band ±${h.query.noiseBand.pct} % ${h.query.noiseBand.environment}). Change = head vs previous, positive = better.`;
}

export function formatHistoryText(h: History): string {
  return [header(h), ...h.series.map((s) => `${s.label}\n${textTable(rows(s))}`)].join('\n\n');
}

/** Mermaid xychart (rendered by GitHub in job summaries and Markdown), one per series, at most `maxCharts`. */
function mermaid(s: HistorySeries): string {
  const labels = s.points.map((p, i) => JSON.stringify(p.commit ? p.commit.slice(0, 7) : `#${i + 1}`));
  const values = s.points.map((p) => Number(p.median.toPrecision(4)));
  return [
    '```mermaid',
    'xychart-beta',
    `  title ${JSON.stringify(s.label.replace(/"/g, "'"))}`,
    `  x-axis [${labels.join(', ')}]`,
    `  y-axis ${JSON.stringify(s.unit)}`,
    `  line [${values.join(', ')}]`,
    '```',
  ].join('\n');
}

export function formatHistoryMarkdown(h: History, maxCharts = 6): string {
  const parts = h.series.map((s, i) => `### ${s.label}\n\n${i < maxCharts ? `${mermaid(s)}\n\n` : ''}${markdownTable(rows(s))}`);
  return [`## ${h.query.metric} over time`, header(h), ...parts].join('\n\n');
}
