/**
 * The llama-bench style table printed at the end of `run`: one row per cell, the median with the
 * half-width of its 95 % CI (or the CI itself when it is asymmetric), how the cell stopped and how
 * busy the machine was, and only the columns whose values vary (constant ones go in the title).
 */
import type { CellSummary, MetricSummary, RunSummary } from '../results/schema.ts';
import { pipeTable } from '../format/tables.ts';
import { qualityCell } from '../quality/format.ts';
import { busyThresholdCores } from '../probes/machine-thresholds.ts';

/** A CI counts as asymmetric when one side is more than this many times the other. */
export const ASYMMETRY = 1.5;

function fmt(x: number, digits = 2): string {
  return x.toFixed(Math.abs(x) >= 100 ? 1 : digits);
}

/** "median ± half-width" for a symmetric CI, "median [lo–hi]" when one side is > ASYMMETRY × the other. */
export function withCi(m: MetricSummary | null | undefined): string {
  if (!m) return 'n/a';
  const below = m.median - m.ci95.lo;
  const above = m.ci95.hi - m.median;
  const asymmetric = Math.max(below, above) > ASYMMETRY * Math.min(below, above) && Math.max(below, above) > 0;
  if (asymmetric) return `${fmt(m.median)} [${fmt(m.ci95.lo)}–${fmt(m.ci95.hi)}]`;
  return `${fmt(m.median)} ± ${fmt((m.ci95.hi - m.ci95.lo) / 2)}`;
}

/** pp rows report prefill t/s, tg rows decode t/s (as llama-bench); pp+tg rows report decode. */
function throughput(c: CellSummary): MetricSummary | null {
  return c.key.shape.genTokens > 0 ? c.metrics.decodeTokensPerS : c.metrics.prefillTokensPerS;
}

/** How the cell stopped: the CI half-width it reached against its target, or "fixed". */
export function stopLabel(c: CellSummary): string {
  const s = c.stopping;
  if (!s) return '-';
  const w = s.halfWidthPct === null ? 'n/a' : `±${s.halfWidthPct.toFixed(1)} %`;
  if (s.rule === 'fixed') return `fixed (${w})`;
  if (s.reason === 'interrupted') return `stopped (${w})`;
  return s.reached ? `${w} ≤ ${s.targetCiPct} %` : `CI_NOT_REACHED ${w} > ${s.targetCiPct} %`;
}

/** Cores other processes used during the cell (mean), flagged when busy. */
export function busyLabel(c: CellSummary): string {
  const m = c.machine;
  if (!m) return '-';
  const busy = m.otherCores > busyThresholdCores(m.logicalCores);
  const steal = m.stealPct !== null && m.stealPct >= 0.5 ? `, steal ${m.stealPct.toFixed(0)} %` : '';
  return `${m.otherCores.toFixed(2)}/${m.logicalCores}${steal}${busy ? ' BUSY' : ''}`;
}

export function formatRunTable(s: RunSummary): string {
  const cols: { name: string; get: (c: CellSummary) => string; always?: boolean; right?: boolean }[] = [
    { name: 'model', get: (c) => c.key.model },
    // synthetic weights: speed-true, not quality-true — always shown
    { name: 'weights', get: (c) => c.model?.weights ?? 'n/a', always: true },
    { name: 'dtype', get: (c) => c.key.dtype },
    { name: 'runner', get: (c) => c.key.runner },
    { name: 'ep', get: (c) => c.key.ep },
    { name: 'threads', get: (c) => String(c.key.threads ?? 'auto') },
    ...(s.cells.some((c) => c.quality) ? [{ name: 'quality', get: (c: CellSummary) => qualityCell(c.quality) }] : []),
    { name: 'test', get: (c) => c.key.shape.name, always: true },
    { name: 't/s', get: (c) => (c.status === 'ok' ? withCi(throughput(c)) : c.status), always: true, right: true },
    { name: 'TTFT ms', get: (c) => (c.status === 'ok' ? withCi(c.metrics.ttftMs) : '-'), always: true, right: true },
    { name: 'TPOT ms', get: (c) => (c.status === 'ok' ? withCi(c.metrics.tpotMs) : '-'), always: true, right: true },
    { name: 'n', get: (c) => String(c.requests.measured), always: true, right: true },
    { name: 'CI of headline', get: stopLabel, always: s.cells.some((c) => c.stopping), right: true },
    { name: 'other CPU', get: busyLabel, always: s.cells.some((c) => c.machine), right: true },
  ];
  const shown = cols.filter((col) => col.always || new Set(s.cells.map(col.get)).size > 1);
  const constant = cols.filter((col) => !shown.includes(col) && s.cells.length > 0).map((col) => `${col.name} ${col.get(s.cells[0]!)}`);
  const rows = s.cells.map((c) => shown.map((col) => col.get(c)));
  const table = pipeTable(
    shown.map((c) => c.name),
    rows,
    (i) => shown[i]!.right === true,
  );
  const out = [constant.length ? constant.join(', ') : '', table].filter(Boolean);
  out.push(
    `t/s: prefill tokens/s for pp tests, decode tokens/s for tg tests; ± = half-width (hi − lo)/2 of the 95 % bootstrap CI of the median; [lo–hi] = that CI itself where it is asymmetric (one side > ${ASYMMETRY}× the other).`,
  );
  if (s.cells.some((c) => c.stopping))
    out.push(
      "CI of headline: half-width of the 95 % CI of the metric the stopping rule watched (decode t/s for tg, TTFT for pp) against the suite's targetCiPct.",
    );
  if (s.cells.some((c) => c.machine))
    out.push(
      'other CPU: cores used by other processes during the cell (mean), of the logical cores; BUSY above the BUSY_MACHINE threshold.',
    );
  return out.join('\n');
}

/** warnings whose figure is the point: printed per cell under the code */
const WITH_FIGURES = new Set(['BUSY_MACHINE', 'CI_NOT_REACHED']);

/** One line per warning kind (which cells, and the fix); `edgebench analyze <dir>` has the details. */
export function formatWarningsCompact(s: RunSummary): string {
  const byCode = new Map<string, { cells: string[]; fix: string; figures: string[] }>();
  for (const c of s.cells) {
    for (const w of c.warnings) {
      if (w.severity !== 'warn') continue;
      const e = byCode.get(w.code) ?? { cells: [], fix: w.fix, figures: [] };
      e.cells.push(`#${c.index} ${c.key.shape.name}`);
      if (WITH_FIGURES.has(w.code)) e.figures.push(`#${c.index}: ${w.message}`);
      byCode.set(w.code, e);
    }
  }
  for (const w of s.warnings) if (w.severity === 'warn') byCode.set(w.code, { cells: ['run'], fix: w.fix, figures: [] });
  return [...byCode.entries()]
    .map(([code, e]) => [`  ${code} (${e.cells.join(', ')})`, ...e.figures.map((f) => `    ${f}`), `    fix: ${e.fix}`].join('\n'))
    .join('\n');
}
