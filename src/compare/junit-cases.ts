/** A CompareReport as JUnit test cases: one per compared metric of a cell, one per failed cell. */
import { comparisonLabel } from './format-text.ts';
import { pValue, sig3, signedPct } from '../format/numbers.ts';
import type { JUnitCase } from './junit.ts';
import type { CompareReport } from './types.ts';

export function compareJUnitCases(r: CompareReport): JUnitCase[] {
  const cases: JUnitCase[] = [];
  for (const c of r.cells) {
    const classname = comparisonLabel(c);
    for (const m of c.metrics) {
      const detail =
        `baseline median ${sig3(m.baselineMedian)} ${m.unit} (n=${m.nBaseline}), head ${sig3(m.headMedian)} ${m.unit} (n=${m.nHead})` +
        (m.regressionPct !== null ? `, regression ${signedPct(m.regressionPct)}` : '') +
        `, p (Holm) ${pValue(m.pAdjusted)}`;
      const outcome = m.verdict === 'regressed' ? 'fail' : m.verdict === 'inconclusive' ? 'skip' : 'pass';
      cases.push({ classname, name: m.metric, outcome, message: `${m.verdict}: ${m.reason}`, detail });
    }
    for (const p of c.problems) {
      if (p.severity === 'fail') cases.push({ classname, name: 'cell', outcome: 'fail', message: p.message });
      else if (p.severity === 'warn' && c.metrics.length === 0)
        cases.push({ classname, name: 'cell', outcome: 'skip', message: p.message });
    }
  }
  for (const p of r.problems) cases.push({ classname: 'compare', name: 'run', outcome: 'fail', message: p });
  return cases;
}
