/** The claims section of the Markdown report: a verdict table, then each claim's evidence. */
import type { ClaimResult, LocalEvidence, ReferenceEvidence } from '../claims/index.ts';
import { escapeHtml, escapeMd, escapeMdKeepCode, mdLink } from '../format/escape.ts';
import { evidenceLabel } from '../format/labels.ts';
import { metricText } from '../format/numbers.ts';
import { mdTable } from '../format/tables.ts';
import type { ReportData } from './model.ts';

export const VERDICT_MARK: Record<ClaimResult['verdict'], string> = {
  supported: '✅ supported',
  'partly supported': '◐ partly supported',
  'not supported': '❌ not supported',
  'not established': '❔ not established',
  'not testable by benchmark': '— not testable by benchmark',
};

function localRows(ev: readonly LocalEvidence[]): string {
  return mdTable(
    ['role', 'cell', 'metric', 'median [95 % CI]', 'n', 'check', 'note'],
    ev.map((e) => [
      e.role,
      escapeMd(evidenceLabel(e)),
      e.metric,
      `${metricText(e)} ${escapeMd(e.unit)}`,
      String(e.n),
      e.check ?? '—',
      escapeMd(e.note ?? ''),
    ]),
  );
}

function refRows(ev: readonly ReferenceEvidence[]): string {
  return mdTable(
    ['role', 'figure (source link)', 'system — model', 'value', 'used', 'check', 'evidence', 'audit', 'note'],
    ev.map((r) => [
      r.role,
      mdLink(r.id, r.source_url),
      escapeMd(`${r.system} — ${r.model ?? 'n/a'}`),
      escapeMd(r.value),
      escapeMd(r.used ?? '—'),
      r.check ?? '—',
      escapeMd(r.evidence_kind),
      r.role === 'context' && r.audit !== 'confirmed' && r.audit !== 'corrected' ? `**${r.audit}**` : r.audit,
      escapeMd(r.note ?? ''),
    ]),
  );
}

function detail(c: ClaimResult): string {
  const th = Object.entries(c.thresholds)
    .map(([k, v]) => `${k} = ${String(v)}`)
    .join(', ');
  const decisive = c.evidence.references.filter((r) => r.role === 'decisive');
  const context = c.evidence.references.filter((r) => r.role === 'context');
  const parts = [
    `<details><summary><b>${c.id}</b> — ${escapeHtml(c.claim)} — ${VERDICT_MARK[c.verdict]}</summary>`,
    '',
    `**Why:** ${escapeMdKeepCode(c.summary)}`,
    '',
    `**Rule:** ${escapeMdKeepCode(c.rule)}${th ? `  \n**Thresholds:** ${escapeMd(th)} (override with \`--claims-config\`)` : ''}`,
    '',
    `**Basis:** ${c.basis} — decided by ${escapeMd(c.decidedBy)}${c.decideCommand ? `  \n**To decide it with this device's kind of run:** \`${c.decideCommand.replace(/`/g, "'")}\`` : ''}`,
  ];
  if (c.missing.length) parts.push('', '**Missing:**', '', ...c.missing.map((m) => `- ${escapeMdKeepCode(m)}`));
  if (c.evidence.local.length) parts.push('', '**This device:**', '', localRows(c.evidence.local));
  if (decisive.length) parts.push('', `**Published figures used (${decisive.length}):**`, '', refRows(decisive));
  if (context.length) parts.push('', `**Context only (${context.length}; not used for the verdict):**`, '', refRows(context));
  parts.push('', '</details>');
  return parts.join('\n');
}

/** Each claim's evidence, collapsed (the verdict table with "decided by" leads the report: answer-markdown.ts). */
export function claimsMarkdown(d: ReportData): string {
  return d.claims.map((c) => `${detail(c)}\n`).join('\n');
}
