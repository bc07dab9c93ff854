/**
 * The report's "How each cell stopped, and how busy the machine was" section: the stopping rule
 * as applied (so it can be audited), the CI half-width reached against the target, and the
 * machine conditions recorded during the cell (other processes' CPU, steal, clock, temperature).
 * Shown only for runs that recorded them (results schema v2).
 */
import { escapeMd } from '../format/escape.ts';
import { mdTable } from '../format/tables.ts';
import { busyThresholdCores } from '../probes/machine-thresholds.ts';
import { c, t, table } from './html-parts.ts';
import type { CellRow } from './model.ts';

const HEADER = [
  'device',
  'cell',
  'rule',
  'n',
  'timed s',
  'wall s',
  'CI half-width',
  'other CPU (cores)',
  'steal',
  'clock MHz',
  'temp °C',
  'order',
];

function row(x: CellRow): string[] {
  const s = x.stopping;
  const m = x.machine;
  const width = s?.halfWidthPct === null || s?.halfWidthPct === undefined ? 'n/a' : `±${s.halfWidthPct.toFixed(2)} %`;
  const ci = !s
    ? '-'
    : s.rule === 'fixed'
      ? `${width} (fixed rule)`
      : s.reached
        ? `${width} ≤ ${s.targetCiPct} %`
        : `${width} > ${s.targetCiPct} % CI_NOT_REACHED (${s.reason})`;
  const busy = m && m.otherCores > busyThresholdCores(m.logicalCores) ? ' BUSY_MACHINE' : '';
  return [
    x.device,
    `#${x.index} ${x.model} ${x.runner}/${x.ep} ${x.shape.name}`,
    s ? (s.rule === 'fixed' ? 'fixed' : `CI ±${s.targetCiPct} % on ${s.metric}, every ${s.checkEvery}`) : '-',
    s ? String(s.measured) : String(x.measured),
    s ? s.timedS.toFixed(1) : '-',
    s ? s.wallS.toFixed(1) : '-',
    ci,
    m
      ? `${m.otherCores.toFixed(2)} of ${m.logicalCores}${m.otherCoresMax !== null ? ` (peak ${m.otherCoresMax.toFixed(2)})` : ''}${busy}`
      : '-',
    m?.stealPct !== null && m?.stealPct !== undefined ? `${m.stealPct.toFixed(1)} %` : 'n/a',
    m?.freqMHz ? `${m.freqMHz.mean.toFixed(0)} (min ${m.freqMHz.min.toFixed(0)})` : 'n/a',
    m?.thermalMaxC !== null && m?.thermalMaxC !== undefined ? m.thermalMaxC.toFixed(0) : 'n/a',
    x.interleave ? `interleaved with #${x.interleave.cells.filter((i) => i !== x.index).join(', #')}` : 'sequential',
  ];
}

function rules(cells: readonly CellRow[]): string[] {
  return [...new Set(cells.flatMap((x) => (x.stopping ? [x.stopping.description] : [])))];
}

const NOTES = [
  'Times count timed windows (t_submit → last token of each measured request); wall time adds untimed context fill, cooldown and the harness.',
  'Adaptive stopping looks at the CI only when the minimums are met and then every checkEvery requests, to limit the optional-stopping bias (README: "Adaptive stopping"). The CI that stopped a cell is the one reported for it (same seed and resamples).',
  "other CPU: cores used by every other process during the cell (all CPU time the OS counts as busy minus edgebench's own), mean and busiest second. For http runners a local server counts as another process.",
];

export function conditionsMarkdown(cells: readonly CellRow[]): string | null {
  const shown = cells.filter((x) => x.stopping || x.machine);
  if (shown.length === 0) return null;
  return [
    'Rules applied:',
    ...rules(shown).map((r) => `- ${escapeMd(r)}`),
    '',
    mdTable(
      HEADER,
      shown.map((x) => row(x).map(escapeMd)),
    ),
    '',
    ...NOTES.map((n) => `- ${escapeMd(n)}`),
  ].join('\n');
}

export function conditionsHtml(cells: readonly CellRow[]): string | null {
  const shown = cells.filter((x) => x.stopping || x.machine);
  if (shown.length === 0) return null;
  const rows = shown.map((x) => row(x).map((v, i) => c(t(v), i >= 3 && i <= 5)));
  return `<p class="lead">Rules applied:</p><ul>${rules(shown)
    .map((r) => `<li>${t(r)}</li>`)
    .join('')}</ul>${table(HEADER, rows)}<ul>${NOTES.map((n) => `<li>${t(n)}</li>`).join('')}</ul>`;
}
