/** `edgebench run`: suite → matrix → measured cells in a results folder → summary and table. */
import { byteProgressBar } from './byte-progress.ts';
import { progressLabel } from '../format/labels.ts';
import { runStamp, shownPath } from '../util/shown-path.ts';
import { listenForStop } from '../util/wait-for-stop.ts';
import { join } from 'node:path';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { suiteFromFlags, type RunFlags, type RunOutputFlags } from '../config/run-options.ts';
import { SuiteFile } from '../config/suite.ts';
import { EdgebenchError } from '../errors.ts';
import { formatRunTable, formatWarningsCompact } from './run-table.ts';
import { cellId } from '../config/matrix.ts';
import { runSuite, type RunEvent } from '../measure/run-suite.ts';
import { restartForRunners, usesOfSuite } from './restart.ts';
import { realRunDeps } from '../measure/run-deps.ts';
import { clockResolutionNs } from '../clock.ts';
import { collectEnvironment } from '../probes/environment.ts';
import { appendCell, createRunFolder, finishedCellKeys, readManifest, setRunStatus } from '../results/io.ts';
import { SCHEMA_VERSION, type RunManifest } from '../results/schema.ts';
import { analyzeRun } from '../analyze/analyze-run.ts';
import { listRunners, runnerEntry } from '../runners/registry.ts';
import { readPackageVersion, PROJECT_ROOT } from '../version.ts';
import { afterRunHooks } from './run-hooks.ts';
import { runAbCommand } from './run-ab.ts';
import { EXIT_CODES_HELP, runOutcome } from './run-outcome.ts';
import { formatSideBySide } from '../analyze/side-by-side-table.ts';
import { ENERGY_OPTION_HELP, energyFromFlags, type EnergyFlags } from '../probes/energy/from-flags.ts';
import { formatEnergyTable } from '../analyze/energy-table.ts';
import {
  addCostOptions,
  addDeviceOptions,
  applyCostFlags,
  parseDeviceFlags,
  type CostFlags,
  type DeviceFlags,
} from '../edge-cloud/options.ts';
import { defaultClaimsConfig } from '../claims/config.ts';
import { addLoadOptions, applyLoadFlags, type LoadFlags } from './load-options.ts';
import { writeLoadFile } from '../load/io.ts';
import { printLadders } from './load-table.ts';
import { addQualityToRun } from '../quality/quality-stage.ts';
import { DEFAULT_QUALITY_TOKENS, MAX_QUALITY_TOKENS } from '../quality/quality-job.ts';
import type { QualityFloor } from '../quality/floors.ts';
import { parseQualityFloor, parseQualityTokens } from './quality.ts';

interface Flags extends RunFlags, RunOutputFlags, EnergyFlags, LoadFlags, DeviceFlags, CostFlags {
  report: boolean;
  ab?: string;
  quality?: boolean;
  qualityTokens: number;
  qualityReference: string;
  qualityFloor?: Partial<QualityFloor>;
  waitForQuiet?: string;
  interleave?: boolean;
}

/** Longest --wait-for-quiet per cell (an hour): a bound checked before any work starts. */
export const MAX_WAIT_FOR_QUIET_S = 3600;

function parseWaitForQuiet(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > MAX_WAIT_FOR_QUIET_S) {
    throw new EdgebenchError(
      'USAGE',
      `--wait-for-quiet ${v}: expected seconds in (0, ${MAX_WAIT_FOR_QUIET_S}]`,
      'e.g. --wait-for-quiet 120 (wait up to 2 minutes per cell for other processes to go quiet)',
    );
  }
  return n;
}

/** Progress of a first-use model build inside `run` (the bar closes when the last byte is written). */
function buildProgress(): (p: { doneBytes: number; totalBytes: number }) => void {
  const bar = byteProgressBar('building model');
  return (p) => {
    bar.onProgress(p);
    if (p.doneBytes >= p.totalBytes) bar.stop();
  };
}

export function registerRun(program: Command): void {
  const cmd = program.command('run');
  addLoadOptions(cmd);
  cmd
    .description('Benchmark models on this device (default: the quick suite, a Llama-3.2-1B-shaped 4-bit model on the CPU)')
    .option('--suite <name|file>', 'preset suite (quick, ci, publish) or a YAML file', 'quick')
    .option('--model <list>', 'models: preset ids (built on first use), model folders or pulled hub ids; comma-separated')
    .option(
      '--runner <list>',
      `runners: ${listRunners()
        .map((r) => r.id)
        .join(', ')}`,
    )
    .option('--ep <list>', 'execution providers for ort-node: cpu, cuda, tensorrt, webgpu, coreml, dml, qnn')
    .option('--gpu <device>', 'llama-cpp device, same as --ep: auto (the GPU llama.cpp finds, else cpu) | cuda | vulkan | metal | cpu')
    .option('--threads <list>', 'thread counts, e.g. 1,2 or auto (the runtime default)')
    .option('--shape <list>', 'llama-bench shapes: pp512, tg128, pp512+tg128, tg128@d1024')
    .option('--dtype <dtype>', 'model weights: q4 (default), q8, fp16, fp32')
    .option('--style <style>', 'graph style for built presets: optimum | genai')
    .option('--reps <n>', 'minimum measured requests per cell')
    .option(
      '--min-time <s>',
      'minimum seconds of timed windows per cell (t_submit → last token of each measured request; both minimums must be met)',
    )
    .option(
      '--target-ci <pct>',
      'stop a cell once the 95 % CI of its headline metric (decode t/s for tg, TTFT for pp) is within ±pct % (0 = fixed counts); suite key repetitions.targetCiPct',
    )
    .option(
      '--wait-for-quiet <s>',
      `before each cell wait up to <s> seconds (≤ ${MAX_WAIT_FOR_QUIET_S}) until other processes use less CPU than the BUSY_MACHINE threshold`,
    )
    .option(
      '--interleave',
      'measure the cells of each model (its shapes and thread counts; thread counts stay loaded at once) round-robin, request by request, so slow drift spreads over all of them (order recorded per cell)',
    )
    .option('--warmup <n>', 'warmup requests per cell (discarded)')
    .option('--seed <n>', 'seed for token workloads and bootstrap CIs')
    .option('--prompt <text>', 'use this text (through the model tokenizer) instead of seeded token ids')
    .option('--endpoint <url>', 'openai-http: OpenAI-compatible base URL, e.g. http://127.0.0.1:8080 (key from EDGEBENCH_API_KEY)')
    .option('--api-model <name>', 'openai-http: model name sent to the endpoint (default: the --model id)')
    .option('--out <dir>', 'results folder (default results/<suite>-<timestamp>)')
    .option('--resume <dir>', 'finish an interrupted run: skips the cells already in <dir>')
    .option('--force', 'overwrite an existing results folder')
    .option('--energy <source>', ENERGY_OPTION_HELP.energy)
    .option('--tdp-watts <W>', ENERGY_OPTION_HELP.tdpWatts)
    .option('--energy-baseline <s>', ENERGY_OPTION_HELP.energyBaseline)
    .option('--no-bandwidth', 'skip the memory-bandwidth probe (rooflineFraction becomes n/a)')
    .option('--no-report', 'do not write the report at the end')
    .option(
      '--quality',
      "after measuring, compare each runner's outputs with a reference of the same weights (on in the publish suite; see `edgebench quality --help`)",
    )
    .option(
      '--quality-tokens <n>',
      `quality: tokens of the bundled stream (2–${MAX_QUALITY_TOKENS})`,
      parseQualityTokens,
      DEFAULT_QUALITY_TOKENS,
    )
    .option('--quality-reference <fp32|fp16|path>', 'quality: the reference model', 'fp32')
    .option('--quality-floor <spec>', 'quality: override the floor, e.g. kl=0.05,same-top=0.9', parseQualityFloor)
    .option('--json', 'print the run summary as JSON on stdout (progress goes to stderr)')
    .option('--quiet', 'no progress output')
    .option(
      '--ab <baseline>',
      "A/B run: alternate requests (ABBA) with a baseline arm — a model folder/preset replacing the suite's model, or a suite YAML; writes <out>/baseline and <out>/head",
    )
    .addHelpText(
      'after',
      `
Results: <out>/run.json (suite, environment), <out>/cells/*.json (raw per-token traces, one file per
finished cell, written atomically), <out>/summary.json (statistics; recompute with \`edgebench analyze\`).
A killed run keeps every finished cell; \`edgebench run --resume <out>\` finishes the rest.

${EXIT_CODES_HELP}

Examples:
  edgebench run
  edgebench run --model qwen2.5-0.5b --threads 1,2 --shape pp512,tg128,pp512+tg128@d1024
  edgebench run --suite harness/ci.yaml --out results/my-run --json
  edgebench run --model ~/hf/onnx-community/Qwen2.5-0.5B-Instruct --dtype q4
  edgebench run --runner openai-http --endpoint http://127.0.0.1:8080 --model tiny-llama --shape pp128+tg32
  edgebench run --cloud groq --model llama-3.1-8b --shape pp128+tg128            # key from GROQ_API_KEY
  edgebench run --endpoint http://127.0.0.1:8080 --model m --concurrency 1,2,4,8 --slo ttft=500,tpot=50
  edgebench run --suite claims --device-price-usd 1200      # let this laptop decide C1–C3`,
    );
  addCostOptions(addDeviceOptions(cmd)).action(async (flags: Flags) => {
    process.exitCode = flags.ab !== undefined ? await runAbCommand({ ...flags, ab: flags.ab }) : await runCommand(flags);
  });
}

async function runCommand(flags: Flags): Promise<number> {
  const quiet = flags.quiet === true;
  const log = (m: string) => {
    if (!quiet) process.stderr.write(`${m}\n`);
  };
  const waitForQuietS = parseWaitForQuiet(flags.waitForQuiet);
  if (flags.interleave && flags.energy !== undefined && flags.energy !== 'off') {
    throw new EdgebenchError(
      'USAGE',
      '--interleave and --energy cannot be combined: interleaved cells share one time span, so energy cannot be told apart per cell',
      'measure energy without --interleave',
    );
  }
  let dir: string;
  let suite: SuiteFile;
  if (flags.resume) {
    dir = flags.resume;
    const stored = await readManifest(dir);
    const parsed = SuiteFile.safeParse(stored.suite);
    if (!parsed.success)
      throw new EdgebenchError(
        'RESULTS_INVALID',
        `${dir}/run.json: stored suite is invalid (${parsed.error.issues[0]?.message})`,
        'start a new run instead of resuming this one',
      );
    suite = parsed.data;
  } else {
    suite = applyLoadFlags(suiteFromFlags(flags), flags);
    dir = flags.out ?? join(PROJECT_ROOT, 'results', `${suite.name}-${runStamp()}`);
  }
  const device = parseDeviceFlags(flags); // bad class / price → usage error before any work
  const claimsConfig = applyCostFlags(defaultClaimsConfig(), flags);
  for (const r of suite.runners) runnerEntry(r); // unknown runner → usage error before any folder is created
  // before anything probes or prints: the restarted process does all of it once
  const restarted = await restartForRunners(usesOfSuite(suite), log);
  if (restarted !== null) return restarted;
  const energy = await energyFromFlags(flags, suite.eps, log);
  const environment = await collectEnvironment(device);
  const manifest: RunManifest = {
    schemaVersion: SCHEMA_VERSION,
    runId: dir.split('/').filter(Boolean).pop() ?? 'run',
    createdAt: new Date().toISOString(),
    edgebenchVersion: readPackageVersion(),
    suite,
    seed: suite.seed,
    argv: process.argv.slice(2),
    environment,
    status: 'running',
    clock: { source: 'process.hrtime.bigint', resolutionMs: clockResolutionNs() / 1e6 },
  };
  const priorStatus = flags.resume ? (await readManifest(dir)).status : null;
  await createRunFolder(dir, manifest, { force: flags.force === true, resume: Boolean(flags.resume) });
  let done: Set<string>;
  try {
    done = new Set((await finishedCellKeys(dir)).map(cellId));
  } catch (e) {
    // a resume that cannot start must leave run.json as it found it, not 'running'
    await setRunStatus(dir, priorStatus === 'complete' ? 'complete' : 'interrupted');
    throw e;
  }
  log(`edgebench run ${suite.name} → ${shownPath(dir)}${done.size ? ` (resuming: ${done.size} cell(s) already done)` : ''}`);

  const stop = listenForStop(
    () =>
      process.stderr.write(`\nstopping after the current request (Ctrl-C again to quit now); resume with: edgebench run --resume ${dir}\n`),
    '\ninterrupted again: exiting now; finished cells are kept',
  );

  const tty = process.stderr.isTTY && !quiet;
  const bar = tty
    ? new cliProgress.SingleBar(
        {
          format: '{cell} [{bar}] {value}/{total} {phase} | cell {pos}/{cells} | eta {eta_formatted}',
          stream: process.stderr,
          hideCursor: true,
          etaBuffer: 5,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let barStarted = false;
  const stopBar = () => {
    if (bar && barStarted) bar.stop();
    barStarted = false;
  };
  const onEvent = (e: RunEvent) => {
    if (e.type === 'log') {
      stopBar();
      log(e.message);
    } else if (e.type === 'cell-start') {
      const label = progressLabel(e.key);
      if (bar) {
        if (barStarted) bar.stop();
        bar.start(suite.repetitions.minCount, 0, { cell: label, phase: 'cold', pos: e.position + 1, cells: e.total });
        barStarted = true;
      } else log(`[${e.position + 1}/${e.total}] ${label}`);
    } else if (e.type === 'progress' && bar && barStarted) {
      bar.setTotal(Math.max(1, e.progress.expected));
      bar.update(e.progress.done, { phase: e.progress.phase });
    } else if (e.type === 'cell-end') {
      stopBar();
      if (e.cell.status !== 'ok')
        log(
          `[${e.position}/${e.total}] ${e.cell.status}: ${e.cell.error?.message ?? ''}${e.cell.error?.hint ? `\n  hint: ${e.cell.error.hint}` : ''}`,
        );
    }
  };

  let interrupted = false;
  let failed = true;
  try {
    const r = await runSuite(
      {
        suite,
        done,
        appendCell: async (c) => void (await appendCell(dir, c)),
        onEvent,
        shouldStop: () => stop.requested,
        ...(waitForQuietS !== undefined && { waitForQuietS }),
        ...(flags.interleave && { interleave: true }),
        ...(suite.load && { load: { plan: suite.load, appendLoad: async (f) => void (await writeLoadFile(dir, f)) } }),
      },
      {
        ...realRunDeps(environment, { bandwidth: flags.bandwidth, log, ...(!quiet && { onBuildProgress: buildProgress() }) }),
        ...(energy && { energy }),
      },
    );
    interrupted = r.interrupted;
    failed = false;
  } finally {
    if (bar && barStarted) bar.stop();
    stop.release();
    // a run that threw is resumable, never left 'running' nor called complete
    await setRunStatus(dir, stop.requested || failed ? 'interrupted' : 'complete');
  }
  if (!interrupted && (flags.quality ?? suite.quality ?? false)) {
    await addQualityToRun(dir, {
      tokens: flags.qualityTokens,
      reference: flags.qualityReference,
      log,
      ...(flags.qualityFloor && { floor: flags.qualityFloor }),
    });
  }
  const summary = await analyzeRun(dir, { replaceLargerSummary: true });
  if (flags.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else if (!quiet) {
    console.log(`\n${formatRunTable(summary)}`);
    if (summary.sideBySide) console.log(`\n${formatSideBySide(summary.sideBySide)}`);
    const energyTable = formatEnergyTable(summary);
    if (energyTable) console.log(`\n${energyTable}`);
    await printLadders(dir);
    const warnings = formatWarningsCompact(summary);
    if (warnings) console.log(`\nwarnings (details: edgebench analyze ${shownPath(dir)}):\n${warnings}`);
  }
  await afterRunHooks({ dir, summary, report: flags.report, log, claimsConfig });
  log(`results: ${shownPath(dir)} (re-analyse with: edgebench analyze ${shownPath(dir)})`);
  // the short answer comes last, where the eye lands; the tables above and the report hold the details
  if (!flags.json && !quiet && summary.cells.some((c) => c.status === 'ok')) {
    const { answerForRun } = await import('../edge-cloud/answer.ts'); // loads references and claims only here
    console.log(`\n${await answerForRun(dir, claimsConfig)}`);
  }
  const outcome = runOutcome([summary], interrupted, `edgebench run --resume ${dir}`);
  // the verdict is printed even with --quiet: it is the one line a script reads
  if (outcome.line) process.stderr.write(`${outcome.line}\n`);
  return outcome.code;
}
