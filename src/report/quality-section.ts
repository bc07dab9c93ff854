/**
 * The report's quality section: per (device, model, runner, EP, dtype), how close the outputs came
 * to the reference of the same weights, with the floor verdict — beside the speed it qualifies.
 * Shown only when the quality stage ran.
 */
import { QUALITY_HEADER, QUALITY_NOTES, qualityCell, qualityRow } from '../quality/format.ts';
import { isQualityError, qualityKey, type QualityEntry } from '../results/quality-schema.ts';
import { escapeMd } from '../format/escape.ts';
import { mdTable } from '../format/tables.ts';
import { c, t, table } from './html-parts.ts';
import type { CellRow } from './model.ts';

/** One row per distinct record (cells of every shape share their runner's record). */
function records(cells: readonly CellRow[]): { device: string; q: QualityEntry }[] {
  const seen = new Set<string>();
  const out: { device: string; q: QualityEntry }[] = [];
  for (const cell of cells) {
    if (!cell.quality) continue;
    const k = `${cell.device}|${qualityKey(cell.quality)}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ device: cell.device, q: cell.quality });
  }
  return out;
}

const lead = (rs: { q: QualityEntry }[]) => {
  const synthetic = rs.some((r) => !isQualityError(r.q) && r.q.weights === 'synthetic');
  const below = rs.filter((r) => !isQualityError(r.q) && r.q.belowFloor.length > 0).length;
  return [
    'Each runner was teacher-forced through the same text as a reference of the same weights at full precision, and its next-token distributions compared (MLPerf-style validity: a row below its floor is QUALITY_BELOW_FLOOR and its speed is not a fair comparison).',
    below > 0 ? `${below} row(s) are below their floor.` : 'Every measured row is within its floor.',
    synthetic
      ? 'Synthetic weights: these figures measure what the runtime and the quantisation did to the distribution, not task quality.'
      : '',
  ]
    .filter(Boolean)
    .join(' ');
};

export function qualityMarkdown(cells: readonly CellRow[]): string | null {
  const rs = records(cells);
  if (rs.length === 0) return null;
  const body = mdTable(
    ['device', ...QUALITY_HEADER],
    rs.map((r) => [r.device, ...qualityRow(r.q)].map(escapeMd)),
  );
  return [lead(rs), '', body, '', ...QUALITY_NOTES.map((n) => `- ${escapeMd(n)}`)].join('\n');
}

export function qualityHtml(cells: readonly CellRow[]): string | null {
  const rs = records(cells);
  if (rs.length === 0) return null;
  const rows = rs.map((r) => [r.device, ...qualityRow(r.q)].map((v, i) => c(t(v), i >= 8 && i <= 12)));
  const below = (i: number) => (!isQualityError(rs[i]!.q) && (rs[i]!.q as { belowFloor: string[] }).belowFloor.length ? 'below-floor' : '');
  return `<p class="lead">${t(lead(rs))}</p>${table(['device', ...QUALITY_HEADER], rows, below)}<ul>${QUALITY_NOTES.map((n) => `<li>${t(n)}</li>`).join('')}</ul>`;
}

/**
 * One line for the edge-vs-cloud answer: the precision this device ran at and how far that moved
 * its outputs from the full-precision reference (the cloud's precision is rarely published).
 */
export function qualityAnswerLine(cells: readonly CellRow[], runId: string): string | null {
  const rs = records(cells.filter((x) => x.runId === runId));
  // where measured only: the answer stays one screen on a phone when the quality pass did not run
  if (rs.length === 0) return null;
  const parts = rs.map(({ q }) => `${q.runner} ${q.dtype}: ${qualityCell(q)}${isQualityError(q) ? '' : ` vs ${q.reference.dtype}`}`);
  return `Quality at this device's precision (vs a reference of the same weights): ${parts.join('; ')}.`;
}
