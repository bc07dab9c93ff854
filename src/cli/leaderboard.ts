/** `edgebench leaderboard`: rank devices from the results store on one metric, among comparable rows only. */
import type { Command } from 'commander';
import { EdgebenchError } from '../errors.ts';
import { MetricName } from '../results/schema.ts';

interface Flags {
  model: string;
  metric: string;
  deviceClass?: string;
  dtype?: string;
  shape?: string;
  runner?: string;
  includeImplausible?: boolean;
  limit: string;
  html?: string;
  markdown?: string;
  json?: boolean;
  db?: string;
}

export const MAX_LIMIT = 1000;

export function parseMetric(v: string): MetricName {
  const r = MetricName.safeParse(v);
  if (!r.success) throw new EdgebenchError('USAGE', `--metric ${v}: unknown metric`, `one of ${MetricName.options.join(', ')}`);
  return r.data;
}

export function parseLimit(v: string, flag = 'limit'): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT)
    throw new EdgebenchError('USAGE', `--${flag} ${v}: expected a whole number 1..${MAX_LIMIT}`, `e.g. --${flag} 20`);
  return n;
}

export function registerLeaderboard(program: Command): void {
  program
    .command('leaderboard')
    .description(
      'Rank devices in the results store on one metric: only comparable rows (same model, dtype, shape, runner; synthetic and real weights apart), each with its CI and n',
    )
    .requiredOption('--model <id>', 'model as published (preset id or folder name), e.g. llama-3.2-1b')
    .requiredOption('--metric <name>', `one of ${MetricName.options.join(', ')}`)
    .option('--device-class <class>', 'only devices of this class (phone, laptop, desktop, …)')
    .option('--dtype <dtype>', 'only this dtype (q4, fp16, …)')
    .option('--shape <name>', 'only this shape (e.g. tg64, pp512+tg128)')
    .option('--runner <id>', 'only this runner')
    .option('--include-implausible', 'also show cells flagged IMPLAUSIBLE (marked)')
    .option('--limit <n>', `rows per group (1..${MAX_LIMIT})`, '20')
    .option('--html <file>', 'also write a self-contained HTML page (chart + tables)')
    .option('--markdown <file>', 'also write the tables as Markdown')
    .option('--json', 'print JSON instead of tables')
    .option('--db <url|dir>', 'the store (default: $EDGEBENCH_DB, else ~/.edgebench/store)')
    .addHelpText(
      'after',
      `
Examples:
  edgebench leaderboard --model llama-3.2-1b --metric decodeTokensPerS
  edgebench leaderboard --model qwen2.5-0.5b --metric ttftMs --device-class phone --html phones.html`,
    )
    .action(async (flags: Flags) => {
      const metric = parseMetric(flags.metric);
      const limit = parseLimit(flags.limit);
      const { openStore, resolveStoreTarget } = await import('../store/open-store.ts');
      const { queryLeaderboard } = await import('../store/leaderboard.ts');
      const { formatLeaderboardMarkdown, formatLeaderboardText } = await import('../store/leaderboard-text.ts');
      const { writeTextOutput } = await import('../store/write-output.ts');
      const db = await openStore(resolveStoreTarget(flags.db));
      let lb;
      try {
        lb = await queryLeaderboard(db, {
          model: flags.model,
          metric,
          limit,
          includeImplausible: flags.includeImplausible === true,
          ...(flags.deviceClass !== undefined && { deviceClass: flags.deviceClass }),
          ...(flags.dtype !== undefined && { dtype: flags.dtype }),
          ...(flags.shape !== undefined && { shape: flags.shape }),
          ...(flags.runner !== undefined && { runner: flags.runner }),
        });
      } finally {
        await db.close();
      }
      if (flags.json) process.stdout.write(`${JSON.stringify(lb, null, 2)}\n`);
      else console.log(formatLeaderboardText(lb));
      if (flags.markdown) await writeTextOutput(flags.markdown, formatLeaderboardMarkdown(lb));
      if (flags.html) {
        const { leaderboardHtml } = await import('../store/html.ts');
        await writeTextOutput(flags.html, await leaderboardHtml(lb));
      }
    });
}
