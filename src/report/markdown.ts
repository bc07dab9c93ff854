/** GitHub-flavoured Markdown report. Deterministic: no timestamps except those in the results. */
import { METHOD_NOTES, METRIC_DEFINITIONS } from './definitions.ts';
import { escapeHtml, escapeMd, mdLink } from '../format/escape.ts';
import { reportCellLabel, modelShapeLabel } from '../format/labels.ts';
import { bytesText, metricText, num, paramsText, ratioText } from '../format/numbers.ts';
import { mdTable } from '../format/tables.ts';
import { claimsMarkdown } from './markdown-claims.ts';
import { answerMarkdown, verdictMarkdown, weightsBanner } from './answer-markdown.ts';
import { qualityMarkdown } from './quality-section.ts';
import { conditionsMarkdown } from './conditions-section.ts';
import { type CellRow, type ReportData, type RunInfo } from './model.ts';
import { conditionsText, evidenceText } from './reference-text.ts';
import { formatFigureValue } from '../references/value.ts';

function statusText(c: CellRow): string {
  return c.status === 'ok' ? 'ok' : `**${c.status}**${c.error ? ` (${escapeMd(c.error.code)})` : ''}`;
}

function throughputTable(d: ReportData): string {
  const rows: string[][] = [];
  for (const c of d.cells) {
    const base = [
      escapeMd(c.device),
      escapeMd(c.model),
      c.weights ?? 'n/a',
      paramsText(c.params),
      escapeMd(c.dtype),
      escapeMd(c.runner),
      escapeMd(c.ep),
      c.threads === null ? 'auto' : String(c.threads),
    ];
    const depth = c.shape.depth > 0 ? ` @ d${c.shape.depth}` : '';
    if (c.status !== 'ok') {
      rows.push([...base, escapeMd(c.shape.name), statusText(c)]);
      continue;
    }
    if (c.shape.promptTokens > 0) rows.push([...base, `pp${c.shape.promptTokens}${depth}`, metricText(c.metrics.prefillTokensPerS)]);
    if (c.shape.genTokens > 0) rows.push([...base, `tg${c.shape.genTokens}${depth}`, metricText(c.metrics.decodeTokensPerS)]);
  }
  return mdTable(['device', 'model', 'weights', 'params', 'dtype', 'runner', 'ep', 'threads', 'test', 't/s (median [95 % CI])'], rows);
}

function latencyTable(d: ReportData): string {
  const rows = d.cells.map((c) => {
    const itl = c.metrics.itlMs;
    return [
      escapeMd(c.device),
      escapeMd(c.model),
      c.weights ?? 'n/a',
      escapeMd(c.dtype),
      escapeMd(`${c.runner}/${c.ep}`),
      escapeMd(c.shape.name),
      statusText(c),
      String(c.measured),
      metricText(c.metrics.ttftMs),
      metricText(c.metrics.tpotMs),
      metricText(c.metrics.e2eMs),
      itl ? `${num(itl.median)} / ${num(itl.p90)}` : 'n/a',
      num(c.loadMs),
      bytesText(c.peakRssBytes),
    ];
  });
  return mdTable(
    [
      'device',
      'model',
      'weights',
      'dtype',
      'runner/ep',
      'shape',
      'status',
      'n',
      'TTFT ms',
      'TPOT ms',
      'E2E ms',
      'ITL p50 / p90 ms',
      'load ms',
      'peak RSS',
    ],
    rows,
  );
}

function environment(r: RunInfo): string {
  const e = r.environment;
  const sw = Object.entries(e.software)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const lines: [string, string][] = [
    ['device', `${r.device} — class: ${r.deviceClass}`],
    ['OS', `${e.os.distro} ${e.os.release} (${e.os.platform}, ${e.os.arch}, kernel ${e.os.kernel})`],
    [
      'CPU',
      `${e.cpu.manufacturer} ${e.cpu.brand}, ${e.cpu.physicalCores} cores / ${e.cpu.logicalCores} threads, max ${num(e.cpu.speedMaxGHz)} GHz, flags ${e.cpu.flags.join(' ') || 'none recorded'}, governor ${e.cpu.governor ?? 'n/a'}`,
    ],
    ['memory', `${bytesText(e.memory.totalBytes)} total, ${bytesText(e.memory.availableBytes)} available at start`],
    [
      'GPU',
      e.gpus.length
        ? e.gpus.map((g) => `${g.vendor} ${g.model}${g.vramBytes ? ` (${bytesText(g.vramBytes)})` : ''}`).join('; ')
        : 'none detected',
    ],
    ['power', `${e.power.source}${e.power.batteryPercent !== null ? `, battery ${e.power.batteryPercent} %` : ''}`],
    ['runtime', `${e.kind}${e.userAgent ? ` — ${e.userAgent}` : ''}`],
    ['software', sw || 'n/a'],
    ['git', e.git ? `${e.git.commit}${e.git.dirty ? ' (dirty)' : ''}` : 'n/a'],
    ['run', `${r.runId}, started ${r.createdAt}, status ${r.status}, preset ${r.preset}, seed ${r.seed}`],
    ['clock', r.clock],
    ['cells', `${r.cellCounts.ok} ok, ${r.cellCounts.errored} errored, ${r.cellCounts.unsupported} unsupported`],
    ['summary', r.summarySource],
  ];
  return [
    `### ${escapeMd(r.runId)}`,
    '',
    mdTable(
      ['', ''],
      lines.map(([k, v]) => [k, escapeMd(v)]),
    ),
  ].join('\n');
}

function comparisons(d: ReportData): string {
  const rows: string[][] = [];
  for (const c of d.comparisons) {
    for (const m of c.matches) {
      const f = m.figure;
      rows.push([
        escapeMd(`${c.runId} #${c.index} ${c.label}`),
        c.metric,
        `${metricText(c.local)} ${escapeMd(c.local.unit)}`,
        mdLink(f.id, f.source_url),
        escapeMd(`${f.system} — ${f.model ?? 'n/a'}`),
        `${num(m.refValue)}${m.refLo !== m.refHi ? ` (${num(m.refLo)}–${num(m.refHi)})` : ''}`,
        ratioText(m.ratio),
        `${m.decisive ? f.audit : `**${f.audit}** (context only)`}`,
        escapeMd(m.mismatches.join('; ') || 'none'),
      ]);
    }
  }
  if (!rows.length) return '_No comparable published figure for the cells of this run (model size class or metric not covered)._';
  return mdTable(
    [
      'local cell',
      'metric',
      'local',
      'reference',
      'system — model',
      'reference value',
      'ratio local/ref [95 % CI]',
      'audit',
      'conditions that differ',
    ],
    rows,
  );
}

function references(d: ReportData): string {
  const rows = d.references.map((f) => [
    escapeMd(f.id),
    escapeMd(f.category),
    escapeMd(f.system),
    escapeMd(f.model ?? 'n/a'),
    escapeMd(f.metric),
    escapeMd(formatFigureValue(f)),
    escapeMd(conditionsText(f)),
    mdLink(f.source_title, f.source_url),
    escapeMd(f.source_date),
    escapeMd(evidenceText(f)),
    f.audit === 'unverifiable' || f.audit === 'not-checked'
      ? `**${f.audit}** (context only)`
      : f.audit + (f.history.length ? ` (history: ${f.history.length})` : ''),
  ]);
  return mdTable(['id', 'category', 'system', 'model', 'metric', 'value', 'conditions', 'source', 'date', 'evidence', 'audit'], rows);
}

function warnings(d: ReportData): string {
  const out: string[] = [];
  for (const c of d.cells.filter((x) => x.status !== 'ok')) {
    out.push(
      `- **${c.status}** — ${escapeMd(`${c.runId} #${c.index} ${reportCellLabel(c)}`)}: ${escapeMd(c.error ? `${c.error.code}: ${c.error.message}` : 'no error recorded')}${c.error?.hint ? `  \n  fix: ${escapeMd(c.error.hint)}` : ''}`,
    );
  }
  for (const w of d.warnings) {
    out.push(
      `- ${w.severity === 'warn' ? '**warning**' : 'note'} ${escapeMd(w.code)} — ${escapeMd(w.where)}: ${escapeMd(w.message)}  \n  fix: ${escapeMd(w.fix)}`,
    );
  }
  return out.length ? out.join('\n') : '_No warnings._';
}

function energy(d: ReportData): string {
  if (d.energyMeasured) {
    const rows = d.cells
      .filter((c) => c.status === 'ok')
      .map((c) => [
        escapeMd(c.device),
        escapeMd(modelShapeLabel(c)),
        c.weights ?? 'n/a',
        c.energySource === 'estimated' ? '**estimated**' : (c.energySource ?? 'not measured'),
        metricText(c.metrics.joulesPerTokenDecode),
        metricText(c.metrics.joulesPerTokenPrefill),
        metricText(c.metrics.avgPowerW),
        metricText(c.metrics.energyJ),
      ]);
    return [
      'Estimated values are labelled; measured and estimated energy are never mixed without saying so. J/token vs cloud figures: claims C5 and C6.',
      '',
      mdTable(['device', 'cell', 'weights', 'source', 'J/token decode', 'J/token prefill', 'avg power W', 'energy J'], rows),
    ].join('\n');
  }
  return '**Energy: not measured.** This run has no energy source (RAPL, powermetrics, nvidia-smi, battery or a meter CSV), so J/token, average power and the energy part of the cost per token are not reported; claims that need them say so.';
}

/** A details section, collapsed: the answer and the verdicts lead; everything else is one click away. */
function section(title: string, body: string): string {
  return `<details><summary><b>${escapeHtml(title)}</b></summary>\n\n${body}\n\n</details>\n`;
}

export function renderMarkdown(d: ReportData): string {
  const ok = d.cells.filter((c) => c.status === 'ok').length;
  const banner = weightsBanner(d);
  const parts = [
    `# ${escapeMd(d.title)}`,
    '',
    ...(banner ? [banner, ''] : []),
    `${d.runs.length} run(s) on ${new Set(d.runs.map((r) => r.device)).size} device(s); ${d.cells.length} cells: ${ok} ok, ${d.cells.length - ok} errored or unsupported (shown, not dropped). ` +
      'Numbers are medians with the 95 % bootstrap CI of the median in brackets.',
    '',
    '## The answer: this device vs the cloud',
    '',
    answerMarkdown(d),
    '## Verdicts',
    '',
    verdictMarkdown(d),
    '',
    '## Details',
    '',
    section('Evidence per claim', claimsMarkdown(d)),
    section('Throughput (llama-bench style)', throughputTable(d)),
    section('Latency', latencyTable(d)),
    ...((q) => (q ? [section('Quality (outputs vs a reference of the same weights)', q)] : []))(qualityMarkdown(d.cells)),
    ...((x) => (x ? [section('How each cell stopped, and how busy the machine was', x)] : []))(conditionsMarkdown(d.cells)),
    section(
      'Comparison with published figures',
      `Nearest published figures of the same model size class and metric, comparable conditions first. Every difference in conditions is listed; figures that are not confirmed or corrected are context only.\n\n${comparisons(d)}`,
    ),
    section('Energy', energy(d)),
    section('Warnings and failed cells', warnings(d)),
    section('Environment', d.runs.map((r) => environment(r)).join('\n\n')),
    section(
      `References (${d.references.length} cited)`,
      `${d.references.length} figures cited from "${escapeMd(d.referencesMeta.title)}" (compiled ${escapeMd(d.referencesMeta.compiled)}, audited ${escapeMd(d.referencesMeta.audit_date)})${(d.referencesMeta.addenda ?? []).map((a) => ` and ${escapeMd(a.file)} (${a.figures} figures, compiled ${escapeMd(a.compiled)})`).join('')}. ` +
        `${d.unverifiedCount} unverified entries are kept apart and never used.\n\n${references(d)}`,
    ),
    section(
      'Metric definitions',
      mdTable(
        ['metric', 'unit', 'definition'],
        METRIC_DEFINITIONS.map((m) => [escapeMd(m.name), escapeMd(m.unit), escapeMd(m.definition)]),
      ),
    ),
    section('Method', METHOD_NOTES.map((n) => `- ${escapeMd(n)}`).join('\n')),
  ];
  return parts.join('\n');
}
