/** The result of `edgebench assert` and its renderings (text, Markdown, JUnit cases). */
import type { RunRef } from '../compare/types.ts';
import type { CompareReport } from '../compare/types.ts';
import { sig3 } from '../format/numbers.ts';
import { markdownTable, textTable } from '../format/tables.ts';
import type { JUnitCase } from '../compare/junit.ts';
import type { AssertionResult } from './evaluate.ts';

export interface AssertReport {
  kind: 'edgebench-assert';
  version: 1;
  config: string;
  head: RunRef;
  baseline: RunRef | null;
  /** warnings from the comparison with the baseline (different devices, …) */
  warnings: string[];
  results: AssertionResult[];
  totals: { pass: number; failError: number; failWarn: number; inconclusive: number; skip: number };
  /** false when an error-level assertion failed → exit 2 */
  passed: boolean;
}

export function buildAssertReport(
  config: string,
  head: RunRef,
  comparison: CompareReport | null,
  results: AssertionResult[],
): AssertReport {
  const totals = { pass: 0, failError: 0, failWarn: 0, inconclusive: 0, skip: 0 };
  for (const r of results) {
    if (r.outcome === 'fail') totals[r.level === 'error' ? 'failError' : 'failWarn']++;
    else totals[r.outcome]++;
  }
  return {
    kind: 'edgebench-assert',
    version: 1,
    config,
    head,
    baseline: comparison?.baseline ?? null,
    warnings: comparison ? [...comparison.warnings, ...comparison.problems] : [],
    results,
    totals,
    passed: totals.failError === 0,
  };
}

export function assertionName(r: AssertionResult): string {
  const agg = r.aggregation && r.aggregation !== 'median' ? ` (${r.aggregation})` : '';
  switch (r.check) {
    case 'status':
      return 'cell status';
    case 'min':
      return `${r.metric} ≥ ${sig3(r.threshold!)}${agg}`;
    case 'max':
      return `${r.metric} ≤ ${sig3(r.threshold!)}${agg}`;
    case 'maxRegressionPct':
      return `${r.metric} regression ≤ ${r.threshold} %${agg}`;
    case 'noRegression':
      return `${r.metric} not regressed`;
  }
}

function outcomeText(r: AssertionResult, md: boolean): string {
  if (r.outcome === 'fail') return md ? (r.level === 'error' ? '❌ fail' : '⚠️ warn') : r.level === 'error' ? 'FAIL' : 'WARN';
  if (r.outcome === 'pass') return md ? '✅ pass' : 'pass';
  return md ? `❔ ${r.outcome}` : r.outcome;
}

function rows(rep: AssertReport, md: boolean): string[][] {
  return [
    ['cell', 'assertion', 'level', 'result', 'detail'],
    ...rep.results.map((r) => [r.label, assertionName(r), r.level, outcomeText(r, md), r.message]),
  ];
}

function totalsLine(rep: AssertReport): string {
  const t = rep.totals;
  return `${t.pass} passed, ${t.failError} failed (error), ${t.failWarn} failed (warn), ${t.inconclusive} inconclusive, ${t.skip} skipped → ${rep.passed ? 'PASS' : 'FAIL'}`;
}

function header(rep: AssertReport): string {
  return `assertions ${rep.config} on ${rep.head.dir} (run ${rep.head.runId})${rep.baseline ? `, baseline ${rep.baseline.dir} (run ${rep.baseline.runId})` : ''}`;
}

export function formatAssertText(rep: AssertReport): string {
  const w = rep.warnings.map((x) => `warning: ${x}`);
  return [header(rep), '', textTable(rows(rep, false)), ...(w.length ? ['', ...w] : []), '', totalsLine(rep)].join('\n');
}

export function formatAssertMarkdown(rep: AssertReport): string {
  return [
    `## edgebench assert: ${rep.passed ? '✅ passed' : '❌ failed'}`,
    '',
    header(rep),
    '',
    markdownTable(rows(rep, true)),
    '',
    ...rep.warnings.map((x) => `- warning: ${x}`),
    ...(rep.warnings.length ? [''] : []),
    `**${totalsLine(rep)}**`,
    '',
  ].join('\n');
}

/** One JUnit test case per assertion; a failed `warn` assertion is reported as passed with its message. */
export function assertJUnitCases(rep: AssertReport): JUnitCase[] {
  return rep.results.map((r) => ({
    classname: r.label,
    name: assertionName(r),
    outcome: r.outcome === 'fail' ? (r.level === 'error' ? 'fail' : 'pass') : r.outcome === 'pass' ? 'pass' : 'skip',
    message: r.outcome === 'fail' && r.level === 'warn' ? `warning: ${r.message}` : r.message,
  }));
}
