/**
 * What report.md leads with: the synthetic-weights banner, the edge-vs-cloud answer per device and
 * size class (with its assumptions and every condition that differs), and the verdicts with who
 * decided each. The details follow, collapsed (markdown.ts).
 */
import { assumptionsText } from '../edge-cloud/assumptions.ts';
import { breakEvenText, claimsLine, costText, decodeCells, measuredLine, ttftCells, weightsText } from '../edge-cloud/answer-text.ts';
import { escapeMd, escapeMdKeepCode } from '../format/escape.ts';
import { mdTable } from '../format/tables.ts';
import type { ReportData } from './model.ts';
import { VERDICT_MARK } from './markdown-claims.ts';
import { qualityAnswerLine } from './quality-section.ts';

export function weightsBanner(d: Pick<ReportData, 'cells'>): string | null {
  const synthetic = d.cells.filter((c) => c.weights === 'synthetic').length;
  if (synthetic === 0) return null;
  const all = synthetic === d.cells.filter((c) => c.weights !== null).length;
  return `> **Synthetic weights${all ? '' : ' (some models)'}.** ${all ? 'Every model here has' : `${synthetic} cells come from models with`} seeded random weights of the real architecture: the figures are speed-true (time, memory, energy), not quality-true — they say nothing about answer quality. The \`weights\` column marks each row.`;
}

export function answerMarkdown(d: ReportData): string {
  const out: string[] = [];
  for (const dev of d.devices) {
    const rows = d.edgeCloud.filter((r) => r.runId === dev.runId);
    const how = dev.device.source === 'user' ? 'set by the user' : `detected: ${dev.device.evidence.join(', ')}`;
    out.push(`**This device: ${escapeMd(dev.device.class)}** (${escapeMd(how)}) · ${escapeMd(dev.label)}`, '');
    if (rows.length === 0) {
      out.push('_No finished cell of a model size class that has published cloud figures._', '');
      continue;
    }
    const table: string[][] = [];
    for (const r of rows) {
      const t = ttftCells(r);
      const dc = decodeCells(r);
      const prompt = r.ttft.local ? `TTFT, ${r.ttft.local.cell.shape.promptTokens}-token prompt` : 'TTFT';
      const w = r.weights ?? 'n/a';
      table.push([r.size, escapeMd(`${r.model} ${r.dtype}`), w, prompt, escapeMd(t.local), escapeMd(t.cloud), escapeMd(t.ratio)]);
      table.push([r.size, escapeMd(`${r.model} ${r.dtype}`), w, 'decode', escapeMd(dc.local), escapeMd(dc.cloud), escapeMd(dc.ratio)]);
      for (const m of r.measured)
        table.push([r.size, escapeMd(`${r.model} ${r.dtype}`), w, 'cloud, measured', escapeMd(measuredLine(r, m)), '', '']);
      table.push([r.size, escapeMd(`${r.model} ${r.dtype}`), w, 'energy / cost per Mtok', escapeMd(costText(r)), '', '']);
      table.push([r.size, escapeMd(`${r.model} ${r.dtype}`), w, 'break-even', escapeMd(breakEvenText(r)), '', '']);
    }
    out.push(mdTable(['size class', 'model', 'weights', '', 'this device', 'cloud (published)', 'edge ÷ cloud'], table), '');
    const first = rows[0];
    if (first) out.push(`Assumptions (every cost figure): ${escapeMd(assumptionsText(first.cost.assumptions))}.`, '');
    const mismatches = [...new Set(rows.flatMap((r) => [...r.ttft.mismatches, ...r.decode.mismatches, ...r.cost.mismatches]))];
    if (mismatches.length) out.push('Conditions that differ (listed, never hidden):', '', ...mismatches.map((m) => `- ${escapeMd(m)}`), '');
    const weights = [...new Set(rows.map((r) => weightsText(r.weights)))].join('; ');
    out.push(`Weights: ${escapeMd(weights)}.`, '');
    const quality = qualityAnswerLine(d.cells, dev.runId);
    if (quality) out.push(escapeMd(quality), '');
    out.push(escapeMd(claimsLine(d.claims, dev.device, dev.runId)), '');
  }
  return out.join('\n');
}

export function verdictMarkdown(d: ReportData): string {
  return mdTable(
    ['id', 'claim', 'verdict', 'decided by', 'to decide it here'],
    d.claims.map((c) => [
      c.id,
      escapeMd(c.claim),
      VERDICT_MARK[c.verdict],
      escapeMd(c.decidedBy),
      c.decideCommand ? `\`${c.decideCommand.replace(/`/g, "'")}\`` : '—',
    ]),
  );
}

export { escapeMdKeepCode };
