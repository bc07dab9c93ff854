/** `edgebench assert <head> --config edgebench.assert.yaml`: exit 0 pass, 1 tool error, 2 failed assertion. */
import type { Command } from 'commander';
import { EdgebenchError } from '../errors.ts';
import { loadAssertConfig, type AssertConfig } from '../assert/config.ts';
import { evaluateAssertions, needsBaseline } from '../assert/evaluate.ts';
import { assertJUnitCases, buildAssertReport, formatAssertMarkdown, formatAssertText } from '../assert/report.ts';
import { refuseDuplicateKeys } from '../compare/duplicate-keys.ts';
import { compareRuns } from '../compare/compare-runs.ts';
import type { CompareReport } from '../compare/types.ts';
import { runRef } from '../compare/run-ref.ts';
import { openAnalyzedRun } from '../results/open-run.ts';
import { resolveNoiseBand } from '../compare/noise-band.ts';
import { writeCiOutputs, type CiOutputFlags } from '../compare/ci-output.ts';
import type { MetricName } from '../results/schema.ts';
import { addCiOutputOptions, EXIT_FAILED } from './compare.ts';

interface Flags extends CiOutputFlags {
  config: string;
  baseline?: string;
  allowMismatch?: boolean;
  ignoreEnvironment?: boolean;
  json?: boolean;
}

/** Metrics that some active assertion compares with the baseline. */
function relativeMetrics(cfg: AssertConfig): MetricName[] {
  const set = new Set<MetricName>();
  for (const a of [cfg.assertions, ...cfg.assertMatrix.map((m) => m.assertions)]) {
    for (const [name, e] of Object.entries(a) as [MetricName, NonNullable<(typeof a)[MetricName]>][]) {
      if (e.level !== 'off' && (e.maxRegressionPct !== undefined || (e.min === undefined && e.max === undefined))) set.add(name);
    }
  }
  return [...set];
}

export function registerAssert(program: Command): void {
  const cmd = program
    .command('assert')
    .description('Check a results folder against an assertion file (Lighthouse-CI style); exit 2 when an error-level assertion fails')
    .argument('<head>', 'results folder to check')
    .option('--config <file>', 'assertion file (YAML)', 'edgebench.assert.yaml')
    .option('--baseline <dir>', 'results folder for maxRegressionPct and level-only entries (overrides `baseline:` in the file)')
    .option('--allow-mismatch', 'allow a baseline of a different model/dtype')
    .option('--ignore-environment', "check relative bounds even where the machine's conditions differed from the baseline's");
  addCiOutputOptions(cmd)
    .addHelpText(
      'after',
      `
An entry per metric: off | warn | error, or [level, { min, max, maxRegressionPct, aggregation }]
(min/max may be spelled minDecodeTokensPerS, maxTtftMs, …). aggregation: median (default) or
pessimistic (the worse end of the 95 % CI). Every head cell must also be ok and non-empty
(cellStatus: error). Exit codes: 0 pass, 1 tool or config error, 2 an error-level assertion failed.

Example: edgebench assert results/head --config edgebench.assert.yaml --baseline results/baseline --junit assert.xml`,
    )
    .action(async (headDir: string, flags: Flags) => {
      process.exitCode = await assertCommand(headDir, flags);
    });
}

async function assertCommand(headDir: string, flags: Flags): Promise<number> {
  const config = loadAssertConfig(flags.config);
  const head = await openAnalyzedRun(headDir, { summary: 'recompute', role: 'head' });
  refuseDuplicateKeys(head.summary.cells, 'head', headDir); // one verdict per key, never one copy of two
  const baselineDir = flags.baseline ?? config.baseline;
  let comparison: CompareReport | null = null;
  if (baselineDir !== undefined && needsBaseline(config)) {
    const base = await openAnalyzedRun(baselineDir, { summary: 'recompute', role: 'baseline' });
    const noiseBand = resolveNoiseBand({ noiseBandPct: config.noiseBandPct, environment: config.environment, from: 'config' });
    comparison = compareRuns(base, head, {
      noiseBand,
      alpha: config.alpha,
      metrics: relativeMetrics(config),
      allowMismatch: flags.allowMismatch === true,
      ignoreEnvironment: flags.ignoreEnvironment === true,
    });
  } else if (baselineDir === undefined && needsBaseline(config)) {
    process.stderr.write('note: no baseline given: maxRegressionPct and level-only assertions are skipped (pass --baseline <dir>)\n');
  }
  const results = evaluateAssertions({ config, head: head.summary, comparison });
  if (results.length === 0)
    throw new EdgebenchError(
      'CONFIG_INVALID',
      `${flags.config}: nothing to check (every assertion is off and cellStatus is off)`,
      'turn on at least one assertion',
    );
  const report = buildAssertReport(flags.config, runRef(head), comparison, results);
  if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else console.log(formatAssertText(report));
  const written = await writeCiOutputs(flags, {
    json: report,
    junit: { suite: 'edgebench assert', cases: () => assertJUnitCases(report) },
    markdown: () => formatAssertMarkdown(report),
  });
  if (written.length) process.stderr.write(`wrote ${written.join(', ')}\n`);
  return report.passed ? 0 : EXIT_FAILED;
}
