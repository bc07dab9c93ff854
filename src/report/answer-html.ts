/**
 * What report.html leads with (the first screen): the synthetic-weights banner, this device vs the
 * cloud per size class, the verdicts with who decided each, and the edge-vs-cloud charts. Every
 * other section follows collapsed (html.ts).
 */
import { assumptionsText } from '../edge-cloud/assumptions.ts';
import { breakEvenText, claimsLine, costText, decodeCells, measuredLine, ttftCells } from '../edge-cloud/answer-text.ts';
import { qualityAnswerLine } from './quality-section.ts';
import type { Chart } from './charts.ts';
import { badge, c, t, table, withCode, type Cell } from './html-parts.ts';
import type { ReportData } from './model.ts';

export function weightsBannerHtml(d: Pick<ReportData, 'cells'>): string {
  const synthetic = d.cells.filter((x) => x.weights === 'synthetic').length;
  if (synthetic === 0) return '';
  const all = synthetic === d.cells.filter((x) => x.weights !== null).length;
  return `<p class="banner" role="note"><b>Synthetic weights${all ? '' : ' (some models)'}.</b> ${all ? 'Every model here has' : `${t(synthetic)} cells come from models with`} seeded random weights of the real architecture: the figures are speed-true (time, memory, energy), not quality-true. The <i>weights</i> column marks each row.</p>`;
}

/** A table that becomes one card per row on a phone (labels from data-label), so nothing scrolls out of sight. */
function stackedTable(header: string[], rows: Cell[][]): string {
  const head = `<tr>${header.map((h) => `<th scope="col">${t(h)}</th>`).join('')}</tr>`;
  const body = rows
    .map((r) => `<tr>${r.map((x, i) => `<td data-label="${t(header[i])}"${x.num ? ' class="num"' : ''}>${x.html}</td>`).join('')}</tr>`)
    .join('\n');
  return `<div class="table-wrap"><table class="answer">\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody></table></div>`;
}

function chartHtml(ch: Chart): string {
  const body = ch.svg
    ? `<div class="chart">${ch.svg}</div><figcaption>${t(ch.caption)}</figcaption>`
    : `<p class="note">${t(ch.caption)}</p>`;
  return `<figure id="${t(ch.id)}"><h3>${t(ch.title)}</h3>${body}</figure>`;
}

export function answerHtml(d: ReportData, charts: readonly Chart[]): string {
  const out: string[] = [weightsBannerHtml(d)];
  for (const dev of d.devices) {
    const rows = d.edgeCloud.filter((r) => r.runId === dev.runId);
    const how = dev.device.source === 'user' ? 'set by the user' : `detected: ${dev.device.evidence.join(', ')}`;
    out.push(`<p class="device"><b>This device: ${t(dev.device.class)}</b> <span class="ctx">(${t(how)})</span> · ${t(dev.label)}</p>`);
    if (rows.length === 0) {
      out.push('<p class="note">No finished cell of a model size class that has published cloud figures.</p>');
      continue;
    }
    const cells: Cell[][] = [];
    for (const r of rows) {
      const tt = ttftCells(r);
      const dc = decodeCells(r);
      const what = `${r.size} · ${r.model} ${r.dtype}`;
      const w = c(r.weights === 'synthetic' ? '<span class="synthetic">synthetic</span>' : t(r.weights ?? 'n/a'));
      cells.push([
        c(t(what)),
        w,
        c(t(r.ttft.local ? `TTFT, ${r.ttft.local.cell.shape.promptTokens}-token prompt` : 'TTFT')),
        c(t(tt.local), true),
        c(t(tt.cloud)),
        c(`<b>${t(tt.ratio)}</b>`, true),
      ]);
      cells.push([c(t(what)), w, c('decode'), c(t(dc.local), true), c(t(dc.cloud)), c(`<b>${t(dc.ratio)}</b>`, true)]);
      for (const m of r.measured) cells.push([c(t(what)), w, c('cloud, measured'), c(t(measuredLine(r, m))), c(''), c('')]);
      cells.push([c(t(what)), w, c('energy / cost per Mtok'), c(t(costText(r)), false), c(''), c('')]);
      cells.push([c(t(what)), w, c('break-even'), c(t(breakEvenText(r))), c(''), c('')]);
    }
    out.push(stackedTable(['size class · model', 'weights', 'metric', 'this device', 'cloud (published)', 'edge ÷ cloud'], cells));
    const first = rows[0];
    if (first)
      out.push(`<p class="assumptions"><b>Assumptions</b> (every cost figure): ${t(assumptionsText(first.cost.assumptions))}.</p>`);
    const mismatches = [...new Set(rows.flatMap((r) => [...r.ttft.mismatches, ...r.decode.mismatches, ...r.cost.mismatches]))];
    if (mismatches.length)
      out.push(
        `<details class="mismatches"><summary>Conditions that differ (${t(mismatches.length)}; listed, never hidden)</summary><ul>${mismatches.map((m) => `<li>${t(m)}</li>`).join('')}</ul></details>`,
      );
    const quality = qualityAnswerLine(d.cells, dev.runId);
    if (quality) out.push(`<p>${t(quality)}</p>`);
    out.push(`<p><b>${t(claimsLine(d.claims, dev.device, dev.runId))}</b></p>`);
  }
  const verdicts = table(
    ['id', 'verdict — claim', 'decided by'],
    d.claims.map((x) => [
      c(`<a href="#claim-${t(x.id)}">${t(x.id)}</a>`),
      c(`${badge(x.verdict)} ${t(x.claim)}`),
      c(`${t(x.decidedBy)}${x.decideCommand ? `<br><small>to decide it: ${withCode(`\`${x.decideCommand}\``)}</small>` : ''}`),
    ]),
  );
  out.push(`<h2 id="verdicts">Verdicts</h2>${verdicts}`);
  const ec = charts.filter((ch) => ch.id.startsWith('chart-ec-'));
  if (ec.length)
    out.push(
      `<details class="section" id="ec-charts" open><summary><h2>Edge vs cloud charts</h2></summary>${ec.map(chartHtml).join('\n')}</details>`,
    );
  return out.join('\n');
}
