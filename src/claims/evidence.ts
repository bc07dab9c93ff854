/** Small helpers shared by the claim rules: threshold checks with CIs and evidence records. */
import { isDecisive } from '../references/load.ts';
import type { LocalCell, LocalMetricName } from '../references/local.ts';
import type { ClaimKey, Figure } from '../references/schema.ts';
import { formatFigureValue, formatNumber, numericValue } from '../references/value.ts';
import type { Check, LocalEvidence, ReferenceEvidence } from './types.ts';

export type Op = 'le' | 'ge' | 'lt';

/** pass when the whole interval [lo, hi] satisfies `op threshold`, fail when none of it does. */
export function checkInterval(lo: number, hi: number, op: Op, threshold: number): Check {
  const ok = (x: number) => (op === 'le' ? x <= threshold : op === 'lt' ? x < threshold : x >= threshold);
  if (ok(lo) && ok(hi)) return 'pass';
  if (!ok(lo) && !ok(hi)) return 'fail';
  return 'inconclusive';
}

export function checkLocal(cell: LocalCell, metric: LocalMetricName, op: Op, threshold: number): Check | null {
  const m = cell.metrics[metric];
  return m ? checkInterval(m.ci95.lo, m.ci95.hi, op, threshold) : null;
}

export function localEvidence(
  cell: LocalCell,
  metric: LocalMetricName,
  check: Check | null,
  role: LocalEvidence['role'],
  note: string | null = null,
): LocalEvidence | null {
  const m = cell.metrics[metric];
  if (!m) return null;
  return {
    cellId: cell.id,
    device: cell.device,
    model: cell.model,
    dtype: cell.dtype,
    runner: cell.runner,
    ep: cell.ep,
    shape: cell.shape.name,
    metric,
    n: m.n,
    median: m.median,
    ci95: { lo: m.ci95.lo, hi: m.ci95.hi },
    unit: m.unit,
    check,
    role,
    note,
  };
}

export function refEvidence(
  f: Figure,
  opts: { used?: string | null; check?: Check | null; role?: ReferenceEvidence['role']; note?: string | null } = {},
): ReferenceEvidence {
  const decisive = isDecisive(f);
  const role = decisive ? (opts.role ?? 'decisive') : 'context';
  const auditNote = decisive ? null : `audit: ${f.audit} — context only, not used for the verdict`;
  const note = [auditNote, opts.note ?? null].filter((x): x is string => !!x).join('; ') || null;
  return {
    id: f.id,
    system: f.system,
    model: f.model,
    metric: f.metric,
    value: formatFigureValue(f),
    used: opts.used ?? null,
    source_title: f.source_title,
    source_url: f.source_url,
    source_date: f.source_date,
    evidence_kind: f.evidence_kind,
    evidence: f.evidence,
    audit: f.audit,
    check: role === 'decisive' ? (opts.check ?? null) : null,
    role,
    note,
  };
}

/** Figures tagged for a claim, optionally filtered. */
export function figuresFor(figures: readonly Figure[], key: ClaimKey, pred: (f: Figure) => boolean = () => true): Figure[] {
  return figures.filter((f) => f.bears_on.includes(key) && pred(f));
}

/** Check a figure's numeric value (after an optional unit conversion). */
export function checkFigure(
  f: Figure,
  op: Op,
  threshold: number,
  convert: (x: number) => number = (x) => x,
): { check: Check; used: number } | null {
  const nv = numericValue(f.value);
  if (!nv) return null;
  const a = convert(nv.lo);
  const b = convert(nv.hi);
  return { check: checkInterval(Math.min(a, b), Math.max(a, b), op, threshold), used: convert(nv.value) };
}

export function fmt(x: number, unit: string): string {
  return `${formatNumber(x)} ${unit}`;
}

export function anyCheck(checks: readonly (Check | null)[], c: Check): boolean {
  return checks.includes(c);
}

export function isNpuFigure(f: Figure): boolean {
  return /\bnpu\b|hexagon|neural engine|\bane\b|\bqnn\b|\bapu\b/i.test(`${f.system} ${f.software ?? ''}`);
}

export function isNpuEp(ep: string): boolean {
  return /npu|qnn|coreml|ane|webnn/i.test(ep);
}
