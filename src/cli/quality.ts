/**
 * `edgebench quality`: how close a runner's outputs are to a reference of the same weights
 * (KL divergence, same-top rate, Δp, perplexity for real weights), for a run folder or one model.
 */
import { threadsFlag } from '../config/bounds.ts';
import type { Command } from 'commander';
import { EdgebenchError } from '../errors.ts';
import { analyzeRun } from '../analyze/analyze-run.ts';
import { textTable } from '../format/tables.ts';
import { DEFAULT_QUALITY_TOKENS, MAX_QUALITY_TOKENS, runQualityJob } from '../quality/quality-job.ts';
import { addQualityToRun } from '../quality/quality-stage.ts';
import { QUALITY_HEADER, QUALITY_NOTES, qualityRow } from '../quality/format.ts';
import type { QualityFloor } from '../quality/floors.ts';
import type { QualityEntry } from '../results/quality-schema.ts';
import { runnerIdFor } from '../runners/registry.ts';

interface Flags {
  model?: string;
  runner: string;
  dtype: string;
  ep: string;
  threads?: number;
  reference: string;
  tokens: number;
  floor?: Partial<QualityFloor>;
  force?: boolean;
  endpoint?: string;
  apiModel?: string;
  json?: boolean;
  quiet?: boolean;
}

export function parseQualityTokens(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 2 || n > MAX_QUALITY_TOKENS) {
    throw new EdgebenchError(
      'USAGE',
      `--quality-tokens must be an integer from 2 to ${MAX_QUALITY_TOKENS}, got "${v}"`,
      `the default is ${DEFAULT_QUALITY_TOKENS}; the bundled stream has about 2,000 tokens`,
    );
  }
  return n;
}

/** "kl=0.05,same-top=0.9" → a floor override (each key optional). */
export function parseQualityFloor(v: string): Partial<QualityFloor> {
  const out: Partial<QualityFloor> = {};
  for (const part of v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [k, raw] = part.split('=');
    const x = Number(raw);
    if (k === 'kl' && Number.isFinite(x) && x >= 0 && x <= 100) out.maxKlMeanNats = x;
    else if (k === 'same-top' && Number.isFinite(x) && x >= 0 && x <= 1) out.minSameTopRate = x;
    else
      throw new EdgebenchError(
        'USAGE',
        `--quality-floor: cannot read "${part}"`,
        'use kl=<max mean KL in nats, 0–100> and/or same-top=<min rate, 0–1>, e.g. --quality-floor kl=0.05,same-top=0.9',
      );
  }
  return out;
}

function parseThreads(v: string): number {
  const n = threadsFlag(v); // bounded by this machine's cores (src/config/bounds.ts)
  if (n === null) throw new EdgebenchError('USAGE', '--threads auto is not available here', 'give a number, e.g. --threads 2');
  return n;
}

export function printQuality(entries: readonly QualityEntry[]): void {
  if (entries.length === 0) return;
  console.log(textTable([QUALITY_HEADER, ...entries.map(qualityRow)]));
  for (const n of QUALITY_NOTES) console.log(n);
}

export function registerQuality(program: Command): void {
  program
    .command('quality')
    .description(
      'Measure how close outputs are to a reference of the same weights (KL divergence, same top token, Δp; perplexity for real weights), teacher-forced over a fixed text',
    )
    .argument('[run]', 'a results folder: adds quality/<…>.json for each measured (model, runner, ep, dtype) and re-analyses it')
    .option('--model <spec>', 'instead of a run: one model (preset id, folder or .gguf)')
    .option('--runner <id>', 'runner for --model', runnerIdFor('default'))
    .option('--dtype <dtype>', 'dtype for --model (q4, q8, fp16, fp32; q4_0, q8_0… for GGUF)', 'q4')
    .option('--ep <ep>', 'execution provider for --model', 'cpu')
    .option('--threads <n>', "threads for --model (default: the runtime's)", parseThreads)
    .option('--endpoint <url>', 'openai-http with --model: the OpenAI-compatible base URL (key from EDGEBENCH_API_KEY)')
    .option('--api-model <name>', 'openai-http with --model: the model name sent to the endpoint (default: --model)')
    .option(
      '--reference <dtype|path>',
      "the reference: the same weights at fp32 (default) or fp16 (built for presets), or a path to them; q8/q4 = ort-node on the same quantized weights (a runtime's own difference)",
      'fp32',
    )
    .option(
      '--quality-tokens <n>',
      `tokens of the bundled stream to compare (2–${MAX_QUALITY_TOKENS})`,
      parseQualityTokens,
      DEFAULT_QUALITY_TOKENS,
    )
    .option(
      '--quality-floor <spec>',
      'override the floor, e.g. kl=0.05,same-top=0.9 (defaults per dtype: README "Quality")',
      parseQualityFloor,
    )
    .option('--force', 'measure again where a run already has a record')
    .option('--json', 'print the records as JSON')
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      `
Examples:
  edgebench quality results/quick-20261206-101500
  edgebench quality --model llama-3.2-1b --dtype q4 --reference fp32
  edgebench quality --model tiny-llama --runner llama-cpp --dtype q4_0
  edgebench quality --model llama-3.2-1b --runner ort-web --dtype q4 --reference q4   # wasm vs native ORT, same weights
  edgebench run --model llama-3.2-1b --runner ort-node,llama-cpp --quality`,
    )
    .action(
      async (
        run: string | undefined,
        opts: Omit<Flags, 'tokens' | 'floor'> & { qualityTokens: number; qualityFloor?: Partial<QualityFloor> },
      ) => {
        const log = (m: string) => {
          if (!opts.quiet) process.stderr.write(`${m}\n`);
        };
        if ((run === undefined) === (opts.model === undefined)) {
          throw new EdgebenchError(
            'USAGE',
            run === undefined ? 'give a results folder or --model' : 'give a results folder or --model, not both',
            'edgebench quality results/<run>  |  edgebench quality --model <preset|folder|file>',
          );
        }
        const common = {
          tokens: opts.qualityTokens,
          reference: opts.reference,
          log,
          ...(opts.qualityFloor && { floor: opts.qualityFloor }),
        };
        let entries: QualityEntry[];
        if (run !== undefined) {
          entries = await addQualityToRun(run, { ...common, force: opts.force === true });
          await analyzeRun(run);
        } else {
          const settings: Record<string, string> = {
            ...(opts.endpoint && { endpoint: opts.endpoint }),
            ...(opts.apiModel && { model: opts.apiModel }),
          };
          const job = { model: opts.model!, runner: opts.runner, ep: opts.ep, dtype: opts.dtype, threads: opts.threads ?? null, settings };
          entries = [await runQualityJob(job, common)];
        }
        if (opts.json) process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
        else printQuality(entries);
        if (entries.some((e) => 'belowFloor' in e && e.belowFloor.length > 0)) process.exitCode = 2;
      },
    );
}
