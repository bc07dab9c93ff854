/**
 * `compare`: join two runs cell by cell, compare every metric, correct across all tests (Holm),
 * and decide verdicts. Pure (no I/O) so it can be tested on synthetic runs.
 *
 * Join key: the cell key (model, dtype, runner, EP, threads, shape). The device fingerprint is
 * not part of the key but a different one is warned about. Different models or dtypes are
 * refused unless allowMismatch; then cells pair by the rest of the key (runner, EP, threads,
 * shape), which must be unambiguous (one model per run).
 */
import { cellId } from '../config/matrix.ts';
import { refuseDuplicateKeys } from './duplicate-keys.ts';
import { EdgebenchError } from '../errors.ts';
import type { CellKey, CellSummary, MetricName } from '../results/schema.ts';
import { holmAdjust } from '../stats/index.ts';
import { compareSamples, decideVerdict, DEFAULT_ALPHA, type SampleComparison } from './compare-samples.ts';
import { DEFAULT_COMPARE_METRICS, METRIC_DIRECTION } from './direction.ts';
import type { AnalyzedRun } from '../results/open-run.ts';
import { runRef } from './run-ref.ts';
import type { NoiseBand } from './noise-band.ts';
import type { CellComparison, CellProblem, CompareReport, MetricComparison } from './types.ts';
import { cellEnvironmentDifferences, ENVIRONMENT_HINT } from './environment-change.ts';

export interface CompareOptions {
  noiseBand: NoiseBand;
  alpha?: number;
  confidence?: number;
  resamples?: number;
  seed?: number;
  metrics?: readonly MetricName[];
  allowMismatch?: boolean;
  /** compare cells even when the machine's conditions differed (other processes, steal, clock, temperature, power) */
  ignoreEnvironment?: boolean;
}

const modelOf = (k: CellKey) => `${k.model} (${k.dtype})`;
const looseId = (k: CellKey) => [k.runner, k.ep, k.threads ?? 'auto', k.shape.name].join('|');

function joinKeyFn(base: AnalyzedRun, head: AnalyzedRun, allowMismatch: boolean): { key: (k: CellKey) => string; warning: string | null } {
  const models = (r: AnalyzedRun) => [...new Set(r.summary.cells.map((c) => modelOf(c.key)))].sort();
  const bm = models(base);
  const hm = models(head);
  if (bm.join('\n') === hm.join('\n')) return { key: cellId, warning: null };
  if (!allowMismatch) {
    throw new EdgebenchError(
      'USAGE',
      `the runs measured different models: baseline ${bm.join(', ') || '(none)'}; head ${hm.join(', ') || '(none)'}`,
      'compare runs of the same suite, or pass --allow-mismatch to pair cells by runner, EP, threads and shape (e.g. an A/B of two model folders)',
    );
  }
  for (const [name, r] of [
    ['baseline', base],
    ['head', head],
  ] as const) {
    const ids = r.summary.cells.map((c) => looseId(c.key));
    const dup = ids.find((id, i) => ids.indexOf(id) !== i);
    if (dup) {
      throw new EdgebenchError(
        'USAGE',
        `--allow-mismatch: the ${name} run has several cells for ${dup.replaceAll('|', ' ')} (several models), so cells cannot be paired`,
        'compare runs with one model each',
      );
    }
  }
  return { key: looseId, warning: `comparing different models (--allow-mismatch): baseline ${bm.join(', ')} vs head ${hm.join(', ')}` };
}

function cellStatus(c: CellSummary | undefined): CellComparison['headStatus'] {
  return c ? c.status : 'missing';
}

function cellProblems(b: CellSummary | undefined, h: CellSummary | undefined): CellProblem[] {
  const err = (c: CellSummary) => (c.error ? `: ${c.error.code}: ${c.error.message}` : '');
  if (!h) return [{ severity: 'fail', message: 'missing in head: the baseline measured this cell, the head run did not' }];
  if (!b) return [{ severity: 'info', message: 'new in head: no baseline to compare with' }];
  if (h.status === 'unsupported' && b.status === 'unsupported') return [{ severity: 'info', message: 'unsupported on both sides' }];
  const out: CellProblem[] = [];
  if (h.status !== 'ok') out.push({ severity: 'fail', message: `head cell ${h.status}${err(h)}` });
  else if (h.requests.measured === 0) out.push({ severity: 'fail', message: 'head cell is empty (no measured requests)' });
  if (b.status !== 'ok') out.push({ severity: 'warn', message: `baseline cell ${b.status}${err(b)}: nothing to compare with` });
  else if (b.requests.measured === 0) out.push({ severity: 'warn', message: 'baseline cell is empty (no measured requests)' });
  return out;
}

interface Pending {
  cell: CellComparison;
  metric: MetricName;
  unit: string;
  s: SampleComparison;
}

export function compareRuns(base: AnalyzedRun, head: AnalyzedRun, opts: CompareOptions): CompareReport {
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const confidence = opts.confidence ?? 0.95;
  const resamples = opts.resamples ?? 10_000;
  const seed = opts.seed ?? head.manifest.seed;
  const metrics = [...(opts.metrics ?? DEFAULT_COMPARE_METRICS)];
  const warnings: string[] = [];
  for (const [name, r] of [
    ['baseline', base],
    ['head', head],
  ] as const) {
    if (r.summary.cells.length === 0)
      throw new EdgebenchError(
        'RESULTS_INVALID',
        `${name} ${r.dir}: the run has no cells`,
        'the run was interrupted before any cell finished; rerun it (or --resume it)',
      );
    refuseDuplicateKeys(r.summary.cells, name, r.dir);
  }
  const { key, warning } = joinKeyFn(base, head, opts.allowMismatch === true);
  if (warning) warnings.push(warning);
  const be = base.manifest.environment;
  const he = head.manifest.environment;
  if (be.fingerprint !== he.fingerprint) {
    warnings.push(
      `the runs come from different devices (baseline ${runRef(base).device}, fingerprint ${be.fingerprint}; head ${runRef(head).device}, fingerprint ${he.fingerprint}): differences include the hardware`,
    );
  }

  const baseCells = new Map(base.summary.cells.map((c) => [key(c.key), c]));
  const headCells = new Map(head.summary.cells.map((c) => [key(c.key), c]));
  const ids = [...new Set([...headCells.keys(), ...baseCells.keys()])];
  const pending: Pending[] = [];
  const cells: CellComparison[] = ids.map((id) => {
    const b = baseCells.get(id);
    const h = headCells.get(id);
    const problems = cellProblems(b, h);
    const cell: CellComparison = {
      id: cellId((h ?? b)!.key),
      baselineKey: b?.key ?? null,
      headKey: h?.key ?? null,
      baselineStatus: cellStatus(b),
      headStatus: cellStatus(h),
      problems,
      metrics: [],
    };
    if (b?.status !== 'ok' || h?.status !== 'ok') return cell;
    const env = cellEnvironmentDifferences(b, h);
    if (env.length) {
      cell.environmentChanged = env;
      problems.push({
        severity: 'warn',
        message: `environment changed: ${env.join('; ')}${opts.ignoreEnvironment ? ' (compared anyway: --ignore-environment)' : ` — verdicts are inconclusive; ${ENVIRONMENT_HINT}`}`,
      });
    }
    const sha = [b.model?.sha256, h.model?.sha256];
    if (!warning && sha[0] && sha[1] && sha[0] !== sha[1])
      problems.push({ severity: 'warn', message: `model files differ (sha256 ${sha[0].slice(0, 12)} vs ${sha[1].slice(0, 12)})` });
    for (const metric of metrics) {
      const bm = b.metrics[metric];
      const hm = h.metrics[metric];
      if (!bm && !hm) continue; // not applicable to this shape (e.g. TPOT of tg1)
      if (!hm) {
        if (h.requests.measured > 0) problems.push({ severity: 'fail', message: `${metric}: the baseline has it, the head run does not` });
        continue;
      }
      if (!bm) {
        problems.push({ severity: 'info', message: `${metric}: new in head, no baseline samples` });
        continue;
      }
      const s = compareSamples(bm.samples, hm.samples, METRIC_DIRECTION[metric], { seed, resamples, confidence });
      pending.push({ cell, metric, unit: hm.unit, s });
    }
    return cell;
  });

  const adjusted = holmAdjust(pending.map((p) => p.s.pValue));
  pending.forEach((p, i) => {
    const pAdjusted = adjusted[i]!;
    const env = p.cell.environmentChanged;
    const v =
      env && !opts.ignoreEnvironment
        ? { verdict: 'inconclusive' as const, reason: `environment changed: ${env.join('; ')} (${ENVIRONMENT_HINT})` }
        : decideVerdict({ ...p.s, pAdjusted }, { alpha, noiseBandPct: opts.noiseBand.pct });
    const m: MetricComparison = {
      ...p.s,
      metric: p.metric,
      unit: p.unit,
      direction: METRIC_DIRECTION[p.metric],
      pAdjusted,
      ...v,
      ...(env && !opts.ignoreEnvironment && { environmentChanged: env }),
    };
    p.cell.metrics.push(m);
  });

  const totals = { improved: 0, regressed: 0, unchanged: 0, inconclusive: 0, failedCells: 0 };
  for (const c of cells) {
    for (const m of c.metrics) totals[m.verdict]++;
    if (c.problems.some((p) => p.severity === 'fail')) totals.failedCells++;
  }
  const problems = pending.length === 0 ? ['nothing was compared: no cell has samples of the chosen metrics on both sides'] : [];
  return {
    kind: 'edgebench-compare',
    version: 1,
    baseline: runRef(base),
    head: runRef(head),
    settings: {
      noiseBand: opts.noiseBand,
      alpha,
      confidence,
      resamples,
      seed,
      metrics,
      correction: 'holm',
      tests: pending.length,
      allowMismatch: opts.allowMismatch === true,
      ignoreEnvironment: opts.ignoreEnvironment === true,
    },
    warnings,
    problems,
    cells,
    totals,
    passed: totals.regressed === 0 && totals.failedCells === 0 && problems.length === 0,
  };
}
