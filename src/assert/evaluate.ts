/**
 * Evaluates an assertion file against a head run (and a baseline, for relative bounds).
 * Pure: the CLI loads the runs and, when a baseline is needed, the comparison.
 *
 * Aggregation: `median` checks the median; `pessimistic` checks the end of the 95 % CI that is
 * worse for that bound (min → CI low, max → CI high; maxRegressionPct → the CI's worst change).
 * maxRegressionPct with `median` fails only when the change is also significant (Holm-adjusted
 * Mann–Whitney U, as in `compare`); a larger but non-significant change is `inconclusive`.
 */
import { matchesPattern } from './match-pattern.ts';
import { cellId } from '../config/matrix.ts';
import type { CellKey, CellSummary, MetricName, RunSummary } from '../results/schema.ts';
import type { CompareReport, MetricComparison } from '../compare/types.ts';
import { cellLabel } from '../format/labels.ts';
import { sig3, signedPct } from '../format/numbers.ts';
import type { AssertConfig, CellMatch, MetricAssertion } from './config.ts';

export type Check = 'status' | 'min' | 'max' | 'maxRegressionPct' | 'noRegression';
export type Outcome = 'pass' | 'fail' | 'inconclusive' | 'skip';

export interface AssertionResult {
  cell: string;
  label: string;
  metric: MetricName | null;
  check: Check;
  level: 'warn' | 'error';
  aggregation: MetricAssertion['aggregation'] | null;
  threshold: number | null;
  actual: number | null;
  unit: string;
  outcome: Outcome;
  message: string;
}

function matches(m: CellMatch, k: CellKey): boolean {
  const test = matchesPattern;
  if (m.threads !== undefined && m.threads !== (k.threads ?? 'auto')) return false;
  return test(m.model, k.model) && test(m.dtype, k.dtype) && test(m.runner, k.runner) && test(m.ep, k.ep) && test(m.shape, k.shape.name);
}

export function assertionsFor(cfg: AssertConfig, k: CellKey): Partial<Record<MetricName, MetricAssertion>> {
  let out = { ...cfg.assertions };
  for (const m of cfg.assertMatrix) if (matches(m.match, k)) out = { ...out, ...m.assertions };
  return out;
}

/** Whether any active assertion needs a baseline (maxRegressionPct or a level-only entry). */
export function needsBaseline(cfg: AssertConfig): boolean {
  const all = [cfg.assertions, ...cfg.assertMatrix.map((m) => m.assertions)].flatMap((a) => Object.values(a));
  return all.some((a) => a.level !== 'off' && (a.maxRegressionPct !== undefined || (a.min === undefined && a.max === undefined)));
}

function bound(
  c: CellSummary,
  metric: MetricName,
  a: MetricAssertion,
  check: 'min' | 'max',
  base: Omit<AssertionResult, 'check' | 'threshold' | 'actual' | 'unit' | 'outcome' | 'message'>,
): AssertionResult {
  const threshold = check === 'min' ? a.min! : a.max!;
  const m = c.metrics[metric];
  const r = { ...base, check, threshold, unit: m?.unit ?? '' };
  if (!m) return { ...r, actual: null, outcome: 'skip', message: `${metric} is not applicable to ${c.key.shape.name} (no samples)` };
  const actual = a.aggregation === 'median' ? m.median : check === 'min' ? m.ci95.lo : m.ci95.hi;
  const what = a.aggregation === 'median' ? 'median' : `pessimistic (CI ${check === 'min' ? 'low' : 'high'})`;
  const ok = check === 'min' ? actual >= threshold : actual <= threshold;
  const rel = check === 'min' ? '≥' : '≤';
  return {
    ...r,
    actual,
    outcome: ok ? 'pass' : 'fail',
    message: `${metric} ${what} ${sig3(actual)} ${m.unit} ${ok ? rel : `is not ${rel}`} ${sig3(threshold)}`,
  };
}

function relative(
  mc: MetricComparison | undefined,
  why: string | null,
  a: MetricAssertion,
  check: 'maxRegressionPct' | 'noRegression',
  base: Omit<AssertionResult, 'check' | 'threshold' | 'actual' | 'unit' | 'outcome' | 'message'>,
  alpha: number,
): AssertionResult {
  const threshold = check === 'maxRegressionPct' ? a.maxRegressionPct! : null;
  const r = { ...base, check, threshold, unit: '%' };
  if (!mc) return { ...r, actual: null, outcome: 'skip', message: why ?? 'no baseline to compare with' };
  if (mc.regressionPct === null || mc.regressionCi === null) return { ...r, actual: null, outcome: 'inconclusive', message: mc.reason };
  if (mc.environmentChanged) return { ...r, actual: mc.regressionPct, outcome: 'inconclusive', message: `${mc.metric}: ${mc.reason}` };
  if (check === 'noRegression') {
    const outcome: Outcome = mc.verdict === 'regressed' ? 'fail' : mc.verdict === 'inconclusive' ? 'inconclusive' : 'pass';
    return { ...r, actual: mc.regressionPct, outcome, message: `${mc.metric} ${mc.verdict}: ${mc.reason}` };
  }
  const pess = a.aggregation === 'pessimistic';
  const actual = pess ? mc.regressionCi.hi : mc.regressionPct;
  const label = `${mc.metric} ${pess ? 'worst-case (CI) ' : ''}change ${signedPct(actual)} (regression > 0)`;
  if (actual <= threshold!) return { ...r, actual, outcome: 'pass', message: `${label} ≤ ${threshold} %` };
  if (pess || mc.pAdjusted < alpha)
    return {
      ...r,
      actual,
      outcome: 'fail',
      message: `${label} exceeds ${threshold} %${pess ? '' : ` (significant, p=${mc.pAdjusted.toPrecision(2)})`}`,
    };
  return {
    ...r,
    actual,
    outcome: 'inconclusive',
    message: `${label} exceeds ${threshold} % but is not significant (p=${mc.pAdjusted.toPrecision(2)}): measure more`,
  };
}

export interface EvaluateInput {
  config: AssertConfig;
  head: RunSummary;
  /** the comparison with the baseline, when one was given */
  comparison: CompareReport | null;
}

export function evaluateAssertions({ config, head, comparison }: EvaluateInput): AssertionResult[] {
  const results: AssertionResult[] = [];
  const compared = new Map((comparison?.cells ?? []).filter((c) => c.headKey).map((c) => [cellId(c.headKey!), c]));
  for (const c of head.cells) {
    const id = cellId(c.key);
    const label = cellLabel(c.key);
    if (config.cellStatus !== 'off') {
      const problem =
        c.status !== 'ok'
          ? `cell ${c.status}${c.error ? `: ${c.error.code}: ${c.error.message}` : ''}`
          : c.requests.measured === 0
            ? 'cell is empty (no measured requests)'
            : null;
      results.push({
        cell: id,
        label,
        metric: null,
        check: 'status',
        level: config.cellStatus,
        aggregation: null,
        threshold: null,
        actual: null,
        unit: '',
        outcome: problem ? 'fail' : 'pass',
        message: problem ?? `cell ok (${c.requests.measured} measured requests)`,
      });
    }
    if (c.status !== 'ok') continue; // its metric assertions cannot be checked; the status check failed above
    const cc = compared.get(id);
    for (const [name, a] of Object.entries(assertionsFor(config, c.key)) as [MetricName, MetricAssertion][]) {
      if (a.level === 'off') continue;
      const base = { cell: id, label, metric: name, level: a.level, aggregation: a.aggregation };
      if (a.min !== undefined) results.push(bound(c, name, a, 'min', base));
      if (a.max !== undefined) results.push(bound(c, name, a, 'max', base));
      const relChecks: ('maxRegressionPct' | 'noRegression')[] =
        a.maxRegressionPct !== undefined ? ['maxRegressionPct'] : a.min === undefined && a.max === undefined ? ['noRegression'] : [];
      for (const check of relChecks) {
        if (!c.metrics[name]) {
          results.push({
            ...base,
            check,
            threshold: a.maxRegressionPct ?? null,
            actual: null,
            unit: '%',
            outcome: 'skip',
            message: `${name} is not applicable to ${c.key.shape.name} (no samples)`,
          });
          continue;
        }
        const why = !comparison
          ? 'no baseline given (--baseline or `baseline:` in the file)'
          : !cc
            ? 'cell not in the comparison'
            : cc.baselineStatus !== 'ok'
              ? `no baseline: baseline cell ${cc.baselineStatus}`
              : `${name}: no samples on one side`;
        results.push(
          relative(
            cc?.metrics.find((m) => m.metric === name),
            why,
            a,
            check,
            { ...base },
            comparison?.settings.alpha ?? config.alpha,
          ),
        );
      }
    }
  }
  return results;
}
