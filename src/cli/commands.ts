/**
 * Every subcommand, by name: a one-line summary (what `edgebench --help` lists) and how to load
 * the module that registers it. Only the command being run is imported — with its options, help
 * and action — so `edgebench --version` or `--help` never load a runtime, a chart library or a
 * bundler. Keep each command in its own file; a test checks each summary against its module.
 */
import type { Command } from 'commander';

export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<(program: Command) => void>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'run',
    summary: 'Benchmark models on this device (default: the quick suite, a Llama-3.2-1B-shaped 4-bit model on the CPU)',
    load: async () => (await import('./run.ts')).registerRun,
  },
  {
    name: 'models',
    summary: 'List, build, inspect and pull models (see `models <command> --help`)',
    load: async () => (await import('./models.ts')).registerModels,
  },
  {
    name: 'analyze',
    summary: 'Recompute summary.json (metrics, statistics, warnings) from the raw traces of a results folder; needs no device',
    load: async () => (await import('./analyze.ts')).registerAnalyze,
  },
  {
    name: 'doctor',
    summary: 'Check this machine: environment, execution providers, runners, memory bandwidth, matmul-kernel roofline',
    load: async () => (await import('./doctor.ts')).registerDoctor,
  },
  {
    name: 'report',
    summary:
      'Write report.html (self-contained, charts), report.md and results.csv for one or more results folders (several runs = several devices side by side)',
    load: async () => (await import('./report.ts')).registerReport,
  },
  {
    name: 'claims',
    summary: "Judge the article's claims (C1..C10) against these results and the published figures; prints the verdict table",
    load: async () => (await import('./claims.ts')).registerClaims,
  },
  {
    name: 'references',
    summary: 'List, add and import the published reference figures (references/)',
    load: async () => (await import('./references.ts')).registerReferences,
  },
  {
    name: 'serve',
    summary:
      'Serve a local model over HTTP: by default a benchmark page that phones and browsers run (results collected per device); --openai: an OpenAI-compatible API other tools and `edgebench run --runner openai-http` can measure',
    load: async () => (await import('./serve.ts')).registerServe,
  },
  {
    name: 'compare',
    summary: 'Compare two results folders cell by cell: ratio with bootstrap CI, Mann–Whitney U, Holm, noise band; exit 2 on a regression',
    load: async () => (await import('./compare.ts')).registerCompare,
  },
  {
    name: 'assert',
    summary: 'Check a results folder against an assertion file (Lighthouse-CI style); exit 2 when an error-level assertion fails',
    load: async () => (await import('./assert.ts')).registerAssert,
  },
  {
    name: 'cloud',
    summary: 'OpenAI-compatible provider presets for `run --cloud <name>` (`cloud list`)',
    load: async () => (await import('./cloud.ts')).registerCloud,
  },
  {
    name: 'quality',
    summary:
      'Measure how close outputs are to a reference of the same weights (KL divergence, same top token, Δp; perplexity for real weights), teacher-forced over a fixed text',
    load: async () => (await import('./quality.ts')).registerQuality,
  },
  {
    name: 'publish',
    summary:
      'Publish results folders into the results store (embedded by default; a PostgreSQL server with --db or EDGEBENCH_DB): validated, privacy-trimmed, screened for implausible numbers, once per run',
    load: async () => (await import('./publish.ts')).registerPublish,
  },
  {
    name: 'leaderboard',
    summary:
      'Rank devices in the results store on one metric: only comparable rows (same model, dtype, shape, runner; synthetic and real weights apart), each with its CI and n',
    load: async () => (await import('./leaderboard.ts')).registerLeaderboard,
  },
  {
    name: 'history',
    summary:
      'One metric from the results store over runs and commits, per device and setup, with CIs; marks the changes `compare` would call regressions',
    load: async () => (await import('./history.ts')).registerHistory,
  },
  {
    name: 'export',
    summary:
      "Export a run's metric summaries (median, 95 % CI, n per cell and metric) for existing dashboards: Bencher Metric Format JSON or Parquet",
    load: async () => (await import('./export.ts')).registerExport,
  },
];

/** The command named on the command line (`help <cmd>` names one too); global options take no values. */
export function commandInArgs(args: readonly string[]): string | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/**
 * Registers the command in `args` in full and every other one as a name and summary (enough for
 * the command list and "did you mean"). Pass `all` to load every command (tests, docs).
 */
export async function registerCommands(program: Command, args: readonly string[], all = false): Promise<void> {
  const active = commandInArgs(args);
  for (const c of COMMANDS) {
    if (all || c.name === active) (await c.load())(program);
    else program.command(c.name).description(c.summary);
  }
}
