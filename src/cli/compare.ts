/** `edgebench compare <baseline> <head>`: per cell and metric, did head get slower? Exit 2 if so. */
import type { Command } from 'commander';
import { EdgebenchError } from '../errors.ts';
import { BOUNDS, intFlag } from '../config/bounds.ts';
import { MetricName } from '../results/schema.ts';
import { compareRuns } from '../compare/compare-runs.ts';
import { DEFAULT_ALPHA } from '../compare/compare-samples.ts';
import { openAnalyzedRun } from '../results/open-run.ts';
import { parseNoiseBandPct, resolveNoiseBand, NOISE_ENVIRONMENTS } from '../compare/noise-band.ts';
import { formatCompareMarkdown, formatCompareText } from '../compare/format-text.ts';
import { compareJUnitCases } from '../compare/junit-cases.ts';
import { writeCiOutputs, type CiOutputFlags } from '../compare/ci-output.ts';

interface Flags extends CiOutputFlags {
  environment?: string;
  noiseBand?: string;
  alpha?: string;
  metrics?: string;
  allowMismatch?: boolean;
  ignoreEnvironment?: boolean;
  resamples?: string;
  seed?: string;
  json?: boolean;
}

export const EXIT_FAILED = 2;

export function parseMetricList(s: string): MetricName[] {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .map((name) => {
      const r = MetricName.safeParse(name);
      if (!r.success) throw new EdgebenchError('USAGE', `unknown metric '${name}'`, `valid metrics: ${MetricName.options.join(', ')}`);
      return r.data;
    });
}

function numberFlag(flag: string, v: string, ok: (n: number) => boolean, example: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || !ok(n)) throw new EdgebenchError('USAGE', `--${flag} ${v}: out of range`, `e.g. --${flag} ${example}`);
  return n;
}

/** Options shared by compare and assert. */
export function addCiOutputOptions(cmd: Command): Command {
  return cmd
    .option('--json', 'print the result as JSON on stdout instead of a table')
    .option('--json-out <file>', 'also write the JSON result to <file>')
    .option('--junit <file>', 'write JUnit XML to <file> (one test case per check)')
    .option('--markdown <file>', 'write the Markdown summary to <file>')
    .option('--no-step-summary', 'do not append the Markdown summary to $GITHUB_STEP_SUMMARY');
}

export function registerCompare(program: Command): void {
  const cmd = program
    .command('compare')
    .description(
      'Compare two results folders cell by cell: ratio with bootstrap CI, Mann–Whitney U, Holm, noise band; exit 2 on a regression',
    )
    .argument('<baseline>', 'results folder of the baseline (e.g. main)')
    .argument('<head>', 'results folder of the change under test')
    .option(
      '--environment <env>',
      `noise band preset: ${Object.entries(NOISE_ENVIRONMENTS)
        .map(([k, v]) => `${k} ±${v} %`)
        .join(', ')} (default: ci when $CI is set, else laptop)`,
    )
    .option('--noise-band <pct>', 'changes smaller than this never count as regressions (overrides --environment)')
    .option('--alpha <a>', 'significance level after Holm correction', String(DEFAULT_ALPHA))
    .option(
      '--metrics <list>',
      `metrics to compare (default ttftMs,tpotMs,e2eMs,decodeTokensPerS,prefillTokensPerS); any of ${MetricName.options.join(', ')}`,
    )
    .option('--allow-mismatch', 'compare runs of different models/dtypes (cells pair by runner, EP, threads and shape)')
    .option(
      '--ignore-environment',
      "give verdicts even where the machine's conditions differed between the runs (other processes' CPU, steal, clock, temperature, power)",
    )
    .option('--resamples <n>', 'bootstrap resamples for the CI', '10000')
    .option('--seed <n>', "bootstrap seed (default: the head run's seed)");
  addCiOutputOptions(cmd)
    .addHelpText(
      'after',
      `
Verdict per cell and metric: regressed = significant (Holm-adjusted p < α) AND worse by more than the
noise band; improved likewise; unchanged = the CI of the change lies inside the band; otherwise
inconclusive. Errored, empty or missing head cells fail the comparison. Exit codes: 0 no
regression, 1 tool or usage error, 2 regression or failed cell.

Examples:
  edgebench compare results/baseline results/head
  edgebench compare results/main results/pr --environment ci --junit compare.xml
  edgebench compare ab/baseline ab/head --allow-mismatch --noise-band 3`,
    )
    .action(async (baselineDir: string, headDir: string, flags: Flags) => {
      process.exitCode = await compareCommand(baselineDir, headDir, flags);
    });
}

async function compareCommand(baselineDir: string, headDir: string, flags: Flags): Promise<number> {
  const noiseBand = resolveNoiseBand({
    noiseBandPct: flags.noiseBand !== undefined ? parseNoiseBandPct(flags.noiseBand) : undefined,
    environment: flags.environment,
  });
  const alpha = numberFlag('alpha', flags.alpha ?? String(DEFAULT_ALPHA), (n) => n > 0 && n < 1, '0.01');
  const resamples = intFlag('resamples', flags.resamples ?? '10000', 100, BOUNDS.resamples);
  const seed = flags.seed !== undefined ? intFlag('seed', flags.seed, 0, BOUNDS.seed) : undefined;
  const metrics = flags.metrics !== undefined ? parseMetricList(flags.metrics) : undefined;
  const base = await openAnalyzedRun(baselineDir, { summary: 'recompute', role: 'baseline' });
  const head = await openAnalyzedRun(headDir, { summary: 'recompute', role: 'head' });
  const report = compareRuns(base, head, {
    noiseBand,
    alpha,
    resamples,
    allowMismatch: flags.allowMismatch === true,
    ignoreEnvironment: flags.ignoreEnvironment === true,
    ...(seed !== undefined && { seed }),
    ...(metrics && { metrics }),
  });
  if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else console.log(formatCompareText(report));
  const written = await writeCiOutputs(flags, {
    json: report,
    junit: { suite: 'edgebench compare', cases: () => compareJUnitCases(report) },
    markdown: () => formatCompareMarkdown(report),
  });
  if (written.length) process.stderr.write(`wrote ${written.join(', ')}\n`);
  return report.passed ? 0 : EXIT_FAILED;
}
