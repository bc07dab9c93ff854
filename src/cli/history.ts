/** `edgebench history`: one metric from the results store over runs and commits, with CIs and compare's regressions. */
import type { Command } from 'commander';
import { EdgebenchError } from '../errors.ts';
import { DEFAULT_ALPHA } from '../compare/compare-samples.ts';
import { NOISE_ENVIRONMENTS, parseNoiseBandPct, resolveNoiseBand } from '../compare/noise-band.ts';
import { MATCH_KEYS, type MatchKey } from '../store/history-match.ts';
import { parseLimit, parseMetric } from './leaderboard.ts';

interface Flags {
  metric: string;
  match: string[];
  since?: string;
  includeImplausible?: boolean;
  environment?: string;
  noiseBand?: string;
  alpha: string;
  points: string;
  html?: string;
  markdown?: string;
  json?: boolean;
  failOnRegression?: boolean;
  db?: string;
}

/** `--match shape=tg64,model=llama-3.2-1b` (repeatable). */
export function parseMatch(list: readonly string[]): Partial<Record<MatchKey, string>> {
  const out: Partial<Record<MatchKey, string>> = {};
  for (const part of list
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq);
    const value = part.slice(eq + 1);
    if (eq < 1 || !value || !(MATCH_KEYS as readonly string[]).includes(key)) {
      throw new EdgebenchError(
        'USAGE',
        `--match ${part}: expected key=value with key one of ${MATCH_KEYS.join(', ')}`,
        'e.g. --match shape=tg64,model=llama-3.2-1b',
      );
    }
    out[key as MatchKey] = value;
  }
  return out;
}

const UNIT_MS = { h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
export const MAX_SINCE_DAYS = 3650;

/** `--since 30d` (h, d or w), or an ISO date; bounded to ten years. */
export function parseSince(v: string, now: Date = new Date()): Date {
  const m = /^(\d{1,5})([hdw])$/.exec(v.trim());
  if (m) {
    const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
    if (ms <= 0 || ms > MAX_SINCE_DAYS * UNIT_MS.d)
      throw new EdgebenchError('USAGE', `--since ${v}: expected 1h..${MAX_SINCE_DAYS}d`, 'e.g. --since 30d');
    return new Date(now.getTime() - ms);
  }
  const d = /^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/.test(v.trim()) ? new Date(v.trim()) : new Date(NaN);
  if (Number.isNaN(d.getTime()))
    throw new EdgebenchError('USAGE', `--since ${v}: expected a duration (12h, 30d, 8w) or a date (2026-11-01)`, 'e.g. --since 30d');
  return d;
}

export function registerHistory(program: Command): void {
  program
    .command('history')
    .description(
      'One metric from the results store over runs and commits, per device and setup, with CIs; marks the changes `compare` would call regressions',
    )
    .requiredOption('--metric <name>', 'metric, e.g. tpotMs or decodeTokensPerS')
    .option(
      '--match <key=value,…>',
      `filter (repeatable): ${MATCH_KEYS.join(', ')} (device = fingerprint)`,
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--since <when>', 'only runs since a duration ago (12h, 30d, 8w) or a date')
    .option('--include-implausible', 'also show cells flagged IMPLAUSIBLE')
    .option(
      '--environment <env>',
      `noise band preset: ${Object.entries(NOISE_ENVIRONMENTS)
        .map(([k, v]) => `${k} ±${v} %`)
        .join(', ')} (default as compare: ci when $CI is set, else laptop)`,
    )
    .option('--noise-band <pct>', 'changes smaller than this are never regressions')
    .option('--alpha <a>', 'significance level after Holm correction', String(DEFAULT_ALPHA))
    .option('--points <n>', 'most recent runs per series (1..1000)', '50')
    .option('--html <file>', 'also write a self-contained HTML page (chart + tables)')
    .option('--markdown <file>', 'also write Markdown (Mermaid chart + tables; for $GITHUB_STEP_SUMMARY)')
    .option('--json', 'print JSON instead of tables')
    .option('--fail-on-regression', 'exit 2 when the newest point of any series regressed')
    .option('--db <url|dir>', 'the store (default: $EDGEBENCH_DB, else ~/.edgebench/store)')
    .addHelpText(
      'after',
      `
Examples:
  edgebench history --metric tpotMs --match shape=tg64
  edgebench history --metric decodeTokensPerS --match model=llama-3.2-1b,shape=tg128 --since 30d --html trend.html`,
    )
    .action(async (flags: Flags) => {
      process.exitCode = await historyCommand(flags);
    });
}

async function historyCommand(flags: Flags): Promise<number> {
  const metric = parseMetric(flags.metric);
  const match = parseMatch(flags.match);
  const since = flags.since !== undefined ? parseSince(flags.since) : null;
  const alpha = Number(flags.alpha);
  if (!(alpha > 0 && alpha < 1))
    throw new EdgebenchError('USAGE', `--alpha ${flags.alpha}: expected a number in (0, 1)`, 'e.g. --alpha 0.01');
  const noiseBand = resolveNoiseBand({
    noiseBandPct: flags.noiseBand !== undefined ? parseNoiseBandPct(flags.noiseBand) : undefined,
    environment: flags.environment,
  });
  const maxPoints = parseLimit(flags.points, 'points');
  const { openStore, resolveStoreTarget } = await import('../store/open-store.ts');
  const { queryHistory } = await import('../store/history.ts');
  const { formatHistoryMarkdown, formatHistoryText } = await import('../store/history-text.ts');
  const { writeTextOutput } = await import('../store/write-output.ts');
  const db = await openStore(resolveStoreTarget(flags.db));
  let h;
  try {
    h = await queryHistory(db, {
      metric,
      match,
      since,
      noiseBand,
      alpha,
      resamples: 10_000,
      maxPoints,
      includeImplausible: flags.includeImplausible === true,
    });
  } finally {
    await db.close();
  }
  if (flags.json) process.stdout.write(`${JSON.stringify(h, null, 2)}\n`);
  else console.log(formatHistoryText(h));
  if (flags.markdown) await writeTextOutput(flags.markdown, formatHistoryMarkdown(h));
  if (flags.html) {
    const { historyHtml } = await import('../store/html.ts');
    await writeTextOutput(flags.html, await historyHtml(h));
  }
  const newestRegressed = h.series.some((s) => s.points[s.points.length - 1]?.change?.verdict === 'regressed');
  return flags.failOnRegression && newestRegressed ? 2 : 0;
}
