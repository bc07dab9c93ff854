/** `edgebench export <run> --format bencher|parquet`: a run's metric summaries for existing dashboards. */
import type { Command } from 'commander';
import { EdgebenchError } from '../errors.ts';

const FORMATS = ['bencher', 'parquet'] as const;

interface Flags {
  format: string;
  out?: string;
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description(
      "Export a run's metric summaries (median, 95 % CI, n per cell and metric) for existing dashboards: Bencher Metric Format JSON or Parquet",
    )
    .argument('<run-dir>', 'results folder written by `edgebench run`')
    .requiredOption('--format <format>', FORMATS.join(' | '))
    .option('--out <file>', 'output file (default: stdout for bencher, <run-dir>/metrics.parquet for parquet)')
    .addHelpText(
      'after',
      `
Examples:
  edgebench export results/head --format bencher | bencher run --adapter json --file -
  edgebench export results/head --format parquet --out head.parquet`,
    )
    .action(async (dir: string, flags: Flags) => {
      if (!(FORMATS as readonly string[]).includes(flags.format))
        throw new EdgebenchError('USAGE', `--format ${flags.format}: unknown`, `one of ${FORMATS.join(', ')}`);
      const { EXPORTERS } = await import('../export/exporters.ts');
      const { metricRows } = await import('../export/rows.ts');
      const { openAnalyzedRun } = await import('../results/open-run.ts');
      const exporter = EXPORTERS.find((e) => e.format === flags.format)!;
      const run = await openAnalyzedRun(dir, { summary: 'stored-if-current' });
      const bytes = exporter.render(metricRows(run));
      const out = flags.out ?? (flags.format === 'bencher' ? undefined : `${dir.replace(/\/+$/, '')}/metrics.${exporter.extension}`);
      if (out === undefined) {
        process.stdout.write(bytes);
        return;
      }
      const { writeBytesOutput } = await import('../store/write-output.ts');
      await writeBytesOutput(out, bytes);
    });
}
