import type { Command } from 'commander';
import { BOUNDS, intFlag } from '../config/bounds.ts';
import { analyzeRun } from '../analyze/analyze-run.ts';
import { formatSummaryTable } from '../analyze/table.ts';
import { SUMMARY_FILE } from '../results/io.ts';

function parseSeed(v: string): number {
  return intFlag('seed', v, 0, BOUNDS.seed);
}

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('Recompute summary.json (metrics, statistics, warnings) from the raw traces of a results folder; needs no device')
    .argument('<dir>', 'results folder written by `edgebench run` (results/<run-id>)')
    .option('--json', 'print the summary JSON instead of a table')
    .option('--seed <n>', 'bootstrap seed (default: the seed stored in run.json)', parseSeed)
    .option('--verbose', 'also show informational notes')
    .action(async (dir: string, opts: { json?: boolean; seed?: number; verbose?: boolean }) => {
      const summary = await analyzeRun(dir, opts.seed !== undefined ? { seed: opts.seed } : {});
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        return;
      }
      console.log(formatSummaryTable(summary, { showInfo: opts.verbose ?? false }));
      console.log(`\nwrote ${dir.replace(/\/+$/, '')}/${SUMMARY_FILE}`);
    });
}
