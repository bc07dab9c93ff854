/**
 * Self-contained HTML report: one file, styles and data inlined, charts as inline SVG, no
 * scripts to run and nothing fetched. All text from data goes through escapeHtml.
 */
import type { ClaimResult } from '../claims/index.ts';
import { qualityHtml } from './quality-section.ts';
import { conditionsHtml } from './conditions-section.ts';
import { formatFigureValue } from '../references/value.ts';
import type { Chart } from './charts.ts';
import { METHOD_NOTES, METRIC_DEFINITIONS } from './definitions.ts';
import { reportCellLabel, modelShapeLabel, evidenceLabel } from '../format/labels.ts';
import { bytesText, metricText, num, paramsText, ratioText } from '../format/numbers.ts';
import { badge, c, inlineJson, link, t, table, withCode, type Cell } from './html-parts.ts';
import { REPORT_CSS } from './html-style.ts';
import { answerHtml } from './answer-html.ts';
import { edgeCloudData } from './answer-data.ts';
import { type CellRow, type ReportData } from './model.ts';
import { conditionsText, evidenceText } from './reference-text.ts';

function weightsCell(w: CellRow['weights']): string {
  return w === 'synthetic' ? '<span class="synthetic">synthetic</span>' : t(w ?? 'n/a');
}

function status(x: CellRow): string {
  return x.status === 'ok' ? 'ok' : `<span class="status-bad">${t(x.status)}</span>${x.error ? ` ${t(x.error.code)}` : ''}`;
}

/** One block per run (device), so the numbers stay in view on a phone; the device is the heading. */
function perRun(d: ReportData, render: (cells: CellRow[]) => string): string {
  return d.runs
    .map((r) => {
      const cells = d.cells.filter((x) => x.runId === r.runId);
      return `${d.runs.length > 1 ? `<h3>${t(r.device)} <span class="ctx">(${t(r.runId)})</span></h3>` : ''}${render(cells)}`;
    })
    .join('\n');
}

function throughputRows(cells: CellRow[]): string {
  const rows: Cell[][] = [];
  const failed: boolean[] = [];
  for (const x of cells) {
    const rest = [
      c(weightsCell(x.weights)),
      c(t(paramsText(x.params)), true),
      c(t(x.dtype)),
      c(t(`${x.runner}/${x.ep}`)),
      c(x.threads === null ? 'auto' : t(x.threads), true),
    ];
    const depth = x.shape.depth > 0 ? ` @ d${x.shape.depth}` : '';
    if (x.status !== 'ok') {
      rows.push([c(t(x.model)), c(t(x.shape.name)), c(status(x)), ...rest]);
      failed.push(true);
      continue;
    }
    if (x.shape.promptTokens > 0)
      rows.push([c(t(x.model)), c(t(`pp${x.shape.promptTokens}${depth}`)), c(t(metricText(x.metrics.prefillTokensPerS)), true), ...rest]);
    if (x.shape.genTokens > 0)
      rows.push([c(t(x.model)), c(t(`tg${x.shape.genTokens}${depth}`)), c(t(metricText(x.metrics.decodeTokensPerS)), true), ...rest]);
    while (failed.length < rows.length) failed.push(false);
  }
  return table(['model', 'test', 't/s (median [95 % CI])', 'weights', 'params', 'dtype', 'runner/ep', 'threads'], rows, (i) =>
    failed[i] ? 'failed' : '',
  );
}

function latencyRows(cells: CellRow[]): string {
  const rows = cells.map((x) => [
    c(t(x.model)),
    c(weightsCell(x.weights)),
    c(t(x.shape.name)),
    c(t(metricText(x.metrics.ttftMs)), true),
    c(t(metricText(x.metrics.tpotMs)), true),
    c(status(x)),
    c(t(x.measured), true),
    c(t(metricText(x.metrics.e2eMs)), true),
    c(x.metrics.itlMs ? t(`${num(x.metrics.itlMs.median)} / ${num(x.metrics.itlMs.p90)}`) : 'n/a', true),
    c(t(x.dtype)),
    c(t(`${x.runner}/${x.ep}`)),
    c(t(num(x.loadMs)), true),
    c(t(bytesText(x.peakRssBytes)), true),
  ]);
  return table(
    [
      'model',
      'weights',
      'shape',
      'TTFT ms',
      'TPOT ms',
      'status',
      'n',
      'E2E ms',
      'ITL p50 / p90 ms',
      'dtype',
      'runner/ep',
      'load ms',
      'peak RSS',
    ],
    rows,
    (i) => (cells[i]?.status === 'ok' ? '' : 'failed'),
  );
}

function chart(ch: Chart): string {
  const body = ch.svg ? `<div class="chart">${ch.svg}</div>` : `<p class="note">${t(ch.caption)}</p>`;
  return `<figure id="${t(ch.id)}"><h3>${t(ch.title)}</h3>${body}${ch.svg ? `<figcaption>${t(ch.caption)}</figcaption>` : ''}</figure>`;
}

function claimCard(cl: ClaimResult): string {
  const th = Object.entries(cl.thresholds)
    .map(([k, v]) => `${k} = ${String(v)}`)
    .join(', ');
  const local = cl.evidence.local.length
    ? table(
        ['role', 'cell', 'metric', 'median [95 % CI]', 'n', 'check', 'note'],
        cl.evidence.local.map((e) => [
          c(t(e.role)),
          c(t(evidenceLabel(e))),
          c(t(e.metric)),
          c(t(`${metricText(e)} ${e.unit}`), true),
          c(t(e.n), true),
          c(t(e.check ?? '—')),
          c(t(e.note ?? '')),
        ]),
      )
    : '';
  const refs = cl.evidence.references.length
    ? table(
        ['role', 'figure', 'system — model', 'value', 'used', 'check', 'evidence', 'audit', 'note'],
        cl.evidence.references.map((r) => [
          c(r.role === 'context' ? '<span class="ctx">context</span>' : 'decisive'),
          c(link(r.id, r.source_url)),
          c(t(`${r.system} — ${r.model ?? 'n/a'}`)),
          c(t(r.value)),
          c(t(r.used ?? '—')),
          c(t(r.check ?? '—')),
          c(t(r.evidence_kind)),
          c(r.audit === 'unverifiable' || r.audit === 'not-checked' ? `<b>${t(r.audit)}</b>` : t(r.audit)),
          c(t(r.note ?? '')),
        ]),
      )
    : '';
  return [
    `<details class="claim" id="claim-${t(cl.id)}"><summary><b>${t(cl.id)}</b> ${badge(cl.verdict)} ${t(cl.claim)}</summary>`,
    `<p><b>Why:</b> ${withCode(cl.summary)}</p>`,
    `<p><b>Rule:</b> ${withCode(cl.rule)}${th ? `<br><b>Thresholds:</b> ${t(th)} (override with <code>--claims-config</code>)` : ''}</p>`,
    `<p><b>Basis:</b> ${t(cl.basis)} — decided by ${t(cl.decidedBy)}${cl.decideCommand ? `<br><b>To decide it:</b> ${withCode(`\`${cl.decideCommand}\``)}` : ''}</p>`,
    cl.missing.length ? `<p><b>Missing:</b></p><ul>${cl.missing.map((m) => `<li>${withCode(m)}</li>`).join('')}</ul>` : '',
    local ? `<p><b>This device:</b></p>${local}` : '',
    refs ? `<p><b>Published figures</b> (context rows are not used for the verdict):</p>${refs}` : '',
    '</details>',
  ].join('\n');
}

/** Each claim's evidence (the verdict table with "decided by" leads the page: answer-html.ts). */
function claimsSection(d: ReportData): string {
  return d.claims.map(claimCard).join('\n');
}

function comparisons(d: ReportData): string {
  if (!d.comparisons.length) return '<p class="note">No comparable published figure for the cells of this run.</p>';
  const byCell = new Map<string, ReportData['comparisons']>();
  for (const x of d.comparisons) byCell.set(x.cellId, [...(byCell.get(x.cellId) ?? []), x]);
  const out: string[] = [];
  for (const group of byCell.values()) {
    const first = group[0]!;
    const rows: Cell[][] = [];
    for (const x of group) {
      for (const m of x.matches) {
        const f = m.figure;
        rows.push([
          c(t(x.metric)),
          c(t(`${metricText(x.local)} ${x.local.unit}`), true),
          c(`${link(`${f.system} — ${f.model ?? 'n/a'}`, f.source_url)}<br><small class="ctx">${t(f.id)}</small>`),
          c(t(`${num(m.refValue)}${m.refLo !== m.refHi ? ` (${num(m.refLo)}–${num(m.refHi)})` : ''}`), true),
          c(t(ratioText(m.ratio)), true),
          c(m.decisive ? t(f.audit) : `<b>${t(f.audit)}</b> <span class="ctx">(context only)</span>`),
          c(t(m.mismatches.join('; ') || 'none')),
        ]);
      }
    }
    out.push(`<h3>${t(`${first.runId} #${first.index} ${first.label}`)}</h3>`);
    out.push(
      table(
        ['metric', 'this device', 'published (source)', 'value', 'ratio here/published [95 % CI]', 'audit', 'conditions that differ'],
        rows,
      ),
    );
  }
  return out.join('\n');
}

function energyTable(d: ReportData): string {
  const rows = d.cells
    .filter((x) => x.status === 'ok')
    .map((x) => [
      c(t(x.device)),
      c(t(modelShapeLabel(x))),
      c(weightsCell(x.weights)),
      c(x.energySource === 'estimated' ? '<b>estimated</b>' : t(x.energySource ?? 'not measured')),
      c(t(metricText(x.metrics.joulesPerTokenDecode)), true),
      c(t(metricText(x.metrics.joulesPerTokenPrefill)), true),
      c(t(metricText(x.metrics.avgPowerW)), true),
      c(t(metricText(x.metrics.energyJ)), true),
    ]);
  return `<p>Estimated values are labelled. J/token vs cloud figures: claims C5 and C6.</p>${table(['device', 'cell', 'weights', 'source', 'J/token decode', 'J/token prefill', 'avg power W', 'energy J'], rows)}`;
}

function warnings(d: ReportData): string {
  const items: string[] = [];
  for (const x of d.cells.filter((y) => y.status !== 'ok')) {
    items.push(
      `<li><span class="status-bad">${t(x.status)}</span> — ${t(`${x.runId} #${x.index} ${reportCellLabel(x)}`)}: ${t(x.error ? `${x.error.code}: ${x.error.message}` : 'no error recorded')}${x.error?.hint ? `<br>fix: ${withCode(x.error.hint)}` : ''}</li>`,
    );
  }
  for (const w of d.warnings)
    items.push(
      `<li><b>${t(w.severity === 'warn' ? 'warning' : 'note')} ${t(w.code)}</b> — ${t(w.where)}: ${t(w.message)}<br>fix: ${withCode(w.fix)}</li>`,
    );
  return items.length ? `<ul class="warnings">${items.join('\n')}</ul>` : '<p>No warnings.</p>';
}

function environment(d: ReportData): string {
  return d.runs
    .map((r) => {
      const e = r.environment;
      const sw = Object.entries(e.software)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      const rows: [string, string][] = [
        ['device', `${r.device} — class: ${r.deviceClass}`],
        ['OS', `${e.os.distro} ${e.os.release} (${e.os.platform}, ${e.os.arch}, kernel ${e.os.kernel})`],
        [
          'CPU',
          `${e.cpu.manufacturer} ${e.cpu.brand}, ${e.cpu.physicalCores} cores / ${e.cpu.logicalCores} threads, flags ${e.cpu.flags.join(' ') || 'none recorded'}, governor ${e.cpu.governor ?? 'n/a'}`,
        ],
        ['memory', `${bytesText(e.memory.totalBytes)} total, ${bytesText(e.memory.availableBytes)} available at start`],
        ['GPU', e.gpus.length ? e.gpus.map((g) => `${g.vendor} ${g.model}`).join('; ') : 'none detected'],
        ['power', `${e.power.source}${e.power.batteryPercent !== null ? `, battery ${e.power.batteryPercent} %` : ''}`],
        ['runtime', `${e.kind}${e.userAgent ? ` — ${e.userAgent}` : ''}`],
        ['software', sw || 'n/a'],
        ['run', `${r.runId}, started ${r.createdAt}, status ${r.status}, preset ${r.preset}, seed ${r.seed}`],
        ['clock', r.clock],
        ['summary', r.summarySource],
      ];
      return `<h3>${t(r.runId)}</h3>${table(
        ['', ''],
        rows.map(([k, v]) => [c(t(k)), c(t(v))]),
      )}`;
    })
    .join('\n');
}

/** Collapsed and filterable by category without a script (radio buttons + CSS; the page runs no code). */
function references(d: ReportData): string {
  const cats = [...new Set(d.references.map((f) => f.category))].sort();
  const radios = [`<input type="radio" name="ref-filter" id="rf-all" checked><label for="rf-all">all (${t(d.references.length)})</label>`]
    .concat(
      cats.map(
        (k) =>
          `<input type="radio" name="ref-filter" id="rf-${t(k)}"><label for="rf-${t(k)}">${t(k)} (${t(d.references.filter((f) => f.category === k).length)})</label>`,
      ),
    )
    .join('');
  return `<div class="ref-filter"><span class="ctx">show:</span> ${radios}\n${referencesTable(d)}</div>`;
}

function referencesTable(d: ReportData): string {
  return table(
    ['id', 'category', 'system', 'model', 'metric', 'value', 'conditions', 'source', 'date', 'evidence', 'audit'],
    d.references.map((f) => [
      c(t(f.id)),
      c(t(f.category)),
      c(t(f.system)),
      c(t(f.model ?? 'n/a')),
      c(t(f.metric)),
      c(t(formatFigureValue(f))),
      c(t(conditionsText(f))),
      c(link(f.source_title, f.source_url)),
      c(t(f.source_date)),
      c(t(evidenceText(f))),
      c(
        f.audit === 'unverifiable' || f.audit === 'not-checked'
          ? `<b>${t(f.audit)}</b> <span class="ctx">(context only)</span>`
          : t(f.audit + (f.history.length ? ` (history: ${f.history.length})` : '')),
      ),
    ]),
    (i) => `cat-${d.references[i]?.category ?? ''}`,
  );
}

/** The data inlined in the page: everything shown, without raw samples and long notes. */
export function compactData(d: ReportData): unknown {
  return {
    title: d.title,
    runs: d.runs,
    cells: d.cells.map((x) => ({
      ...x,
      metrics: Object.fromEntries(
        Object.entries(x.metrics).map(([k, m]) => [
          k,
          m
            ? {
                n: m.n,
                median: m.median,
                ci95: m.ci95,
                unit: m.unit,
                ...('samples' in m && { p90: m.p90, p99: m.p99, boundary: m.boundary }),
              }
            : null,
        ]),
      ),
    })),
    claims: d.claims,
    devices: d.devices,
    edgeCloud: edgeCloudData(d.edgeCloud),
    comparisons: d.comparisons.map((x) => ({ ...x, matches: x.matches.map(({ figure, ...m }) => ({ ...m, figure: figure.id })) })),
    references: d.references.map(({ notes: _notes, audit_note: _auditNote, ...f }) => f),
    warnings: d.warnings,
    energyMeasured: d.energyMeasured,
    claimsConfig: d.claimsConfig,
  };
}

export function renderHtml(d: ReportData, charts: readonly Chart[]): string {
  const ok = d.cells.filter((x) => x.status === 'ok').length;
  const other = charts.filter((ch) => !ch.id.startsWith('chart-ec-'));
  const sections: [string, string, string][] = [
    ['claims', 'Evidence per claim', claimsSection(d)],
    ['summary', 'Throughput (llama-bench style)', perRun(d, throughputRows)],
    ['latency', 'Latency', perRun(d, latencyRows)],
    ...((q): [string, string, string][] => (q ? [['quality', 'Quality', q]] : []))(qualityHtml(d.cells)),
    ...((x): [string, string, string][] => (x ? [['conditions', 'Stopping and machine conditions', x]] : []))(conditionsHtml(d.cells)),
    ['charts', 'Charts: this device vs published figures', other.map(chart).join('\n')],
    [
      'comparison',
      'Comparison with published figures',
      `<p class="lead">Nearest published figures of the same model size class and metric, per category. Every difference in conditions is listed.</p>${comparisons(d)}`,
    ],
    [
      'energy',
      'Energy',
      d.energyMeasured
        ? energyTable(d)
        : '<p class="note"><b>Energy: not measured.</b> No energy source was available, so J/token, average power and the energy part of the cost per token are not reported.</p>',
    ],
    ['warnings', 'Warnings and failed cells', warnings(d)],
    ['environment', 'Environment', environment(d)],
    [
      'references',
      `References (${d.references.length})`,
      `<p class="lead">${t(d.references.length)} figures cited from “${t(d.referencesMeta.title)}” (compiled ${t(d.referencesMeta.compiled)}, audited ${t(d.referencesMeta.audit_date)})${(d.referencesMeta.addenda ?? []).map((a) => ` and ${t(a.file)} (${t(a.figures)} figures, ${t(a.compiled)})`).join('')}; ${t(d.unverifiedCount)} unverified entries are kept apart and never used.</p>${references(d)}`,
    ],
    [
      'definitions',
      'Metric definitions',
      table(
        ['metric', 'unit', 'definition'],
        METRIC_DEFINITIONS.map((m) => [c(t(m.name)), c(t(m.unit)), c(t(m.definition))]),
      ),
    ],
    ['method', 'Method', `<ul>${METHOD_NOTES.map((n) => `<li>${t(n)}</li>`).join('')}</ul>`],
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${t(d.title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
<h1>${t(d.title)}</h1>
<p class="lead">${t(d.runs.length)} run(s) on ${t(new Set(d.runs.map((r) => r.device)).size)} device(s); ${t(d.cells.length)} cells: ${t(ok)} ok, ${t(d.cells.length - ok)} errored or unsupported (shown, not dropped). Numbers are medians with the 95 % bootstrap CI of the median in brackets.</p>
<section id="answer"><h2>The answer: this device vs the cloud</h2>
${answerHtml(d, charts)}
</section>
<h2 id="details">Details</h2>
<nav>${sections.map(([id, title]) => `<a href="#${id}">${t(title)}</a>`).join('')}</nav>
${sections.map(([id, title, body]) => `<details class="section" id="${id}"><summary><h2>${t(title)}</h2></summary>\n${body}\n</details>`).join('\n')}
</main>
<script type="application/json" id="edgebench-report-data">${inlineJson(compactData(d))}</script>
</body>
</html>
`;
}
