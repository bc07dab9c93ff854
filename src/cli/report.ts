/** `edgebench report <run-dir…>`: Markdown, self-contained HTML and CSV for one or more runs. */
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadClaimsConfig } from '../claims/config.ts';
import { parseFormats, REPORT_FORMATS, writeReport, type ReportFormat } from '../report/write.ts';
import { expandDeviceRunDirs } from '../serve/page/device-run-dirs.ts';
import { addCostOptions, applyCostFlags, type CostFlags } from '../edge-cloud/options.ts';

interface ReportFlags extends CostFlags {
  devicePriceUsd?: string;
  title?: string;
  out?: string;
  format: ReportFormat[];
  claimsConfig?: string;
  references?: string;
}

/**
 * One run's report lives in its results folder (`<run>/report/`), wherever `--out` put the run, so
 * `run --out elsewhere/x` and `report elsewhere/x` agree; several runs together go to
 * `reports/<a>+<b>/` under the current folder.
 */
export function defaultReportDir(runDirs: readonly string[]): string {
  if (runDirs.length === 1) return join(runDirs[0]!, 'report');
  const names = runDirs.map((d) => basename(resolve(d)));
  return join('reports', names.join('+'));
}

export function registerReport(program: Command): void {
  const cmd = program
    .command('report')
    .description(
      'Write report.html (self-contained, charts), report.md and results.csv for one or more results folders (several runs = several devices side by side)',
    )
    .argument('<run-dirs...>', 'results folders written by `edgebench run` (results/<run-id>)')
    .option('--title <text>', 'report title')
    .option('--out <dir>', 'output folder (default: <run>/report for one run, reports/<run1>+<run2> for several)')
    .option('--format <list>', `comma-separated formats: ${REPORT_FORMATS.join(',')}`, parseFormats, [...REPORT_FORMATS])
    .option('--claims-config <file>', 'YAML file overriding claim thresholds (e.g. C1: { ttftMaxMs: 30 })')
    .option('--references <dir>', 'reference figures folder (default: the references/ shipped with edgebench)')
    .option(
      '--device-price-usd <usd>',
      "the device's price for the edge cost (default: the one recorded with the run, else $1,200, labelled assumed)",
    );
  addCostOptions(cmd).action(async (runDirs: string[], flags: ReportFlags) => {
    const outDir = flags.out ?? defaultReportDir(runDirs);
    const { files, data } = await writeReport({
      runDirs: expandDeviceRunDirs(runDirs), // a serve folder = its devices' run folders
      outDir,
      formats: flags.format,
      claimsConfig: applyCostFlags(loadClaimsConfig(flags.claimsConfig), flags),
      ...(flags.title !== undefined && { title: flags.title }),
      ...(flags.references !== undefined && { referencesDir: flags.references }),
    });
    const failed = data.cells.filter((c) => c.status !== 'ok').length;
    console.log(
      `report for ${data.runs.map((r) => r.runId).join(', ')}: ${data.cells.length} cells (${failed} errored/unsupported), ${data.claims.length} claims, ${data.references.length} references cited`,
    );
    for (const f of files) console.log(`wrote ${f}`);
  });
}
