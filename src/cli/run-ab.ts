/**
 * `edgebench run --ab <baseline>`: the suite (head arm) and a baseline arm measured alternately
 * in the same process (see src/measure/ab-interleave.ts). <baseline> is a model (folder, preset or
 * hub id) replacing the suite's one model, or a suite YAML (e.g. the same suite with other runner
 * settings). Writes <out>/baseline and <out>/head (normal results folders) and <out>/ab.json.
 */
import { restartForRunners, usesOfSuite } from './restart.ts';
import { runStamp, shownPath } from '../util/shown-path.ts';
import { progressLabel } from '../format/labels.ts';
import { listenForStop } from '../util/wait-for-stop.ts';
import { basename, join } from 'node:path';
import { suiteFromFlags, type RunFlags, type RunOutputFlags } from '../config/run-options.ts';
import { PRESET_SUITES, type SuiteFile } from '../config/suite.ts';
import { EdgebenchError } from '../errors.ts';
import { formatRunTable } from './run-table.ts';
import { AB_INTERLEAVE, describePairs, pairAbCells, runAbSuite, type Arm } from '../measure/ab-interleave.ts';
import type { RunEvent } from '../measure/run-suite.ts';
import { realRunDeps } from '../measure/run-deps.ts';
import { clockResolutionNs } from '../clock.ts';
import { collectEnvironment } from '../probes/environment.ts';
import { appendCell, createRunFolder, setRunStatus } from '../results/io.ts';
import { writeJsonAtomic } from '../results/atomic-write.ts';
import { SCHEMA_VERSION, type RunManifest } from '../results/schema.ts';
import { analyzeRun } from '../analyze/analyze-run.ts';
import { runOutcome } from './run-outcome.ts';
import { readPackageVersion, PROJECT_ROOT } from '../version.ts';

export interface AbFlags extends RunFlags, RunOutputFlags {
  ab: string;
}

function isSuiteRef(ref: string): boolean {
  return /\.ya?ml$/i.test(ref) || (PRESET_SUITES as readonly string[]).includes(ref);
}

/** The baseline arm: another suite (same command-line overrides as the head) or the head suite with another model. */
export function baselineArm(ref: string, flags: RunFlags, head: SuiteFile): SuiteFile {
  if (isSuiteRef(ref)) return suiteFromFlags({ ...flags, suite: ref });
  if (head.models.length !== 1) {
    throw new EdgebenchError(
      'USAGE',
      `--ab ${ref}: the suite has ${head.models.length} models; a baseline model replaces exactly one`,
      'pick one model with --model, or pass a baseline suite YAML to --ab',
    );
  }
  return { ...structuredClone(head), models: [ref] };
}

export async function runAbCommand(flags: AbFlags): Promise<number> {
  if (flags.resume)
    throw new EdgebenchError('USAGE', '--ab runs cannot be resumed', 'start the A/B run again (add --force to overwrite the folder)');
  const log = (m: string) => {
    if (!flags.quiet) process.stderr.write(`${m}\n`);
  };
  const head = suiteFromFlags(flags);
  const baseline = baselineArm(flags.ab, flags, head);
  const pairs = pairAbCells(baseline, head);
  const restarted = await restartForRunners([...usesOfSuite(baseline), ...usesOfSuite(head)], log);
  if (restarted !== null) return restarted;
  const stamp = runStamp();
  const out = flags.out ?? join(PROJECT_ROOT, 'results', `${head.name}-ab-${stamp}`);
  const dirs: Record<Arm, string> = { baseline: join(out, 'baseline'), head: join(out, 'head') };
  const environment = await collectEnvironment();
  const arms: Record<Arm, SuiteFile> = { baseline, head };
  for (const arm of ['baseline', 'head'] as const) {
    const manifest: RunManifest = {
      schemaVersion: SCHEMA_VERSION,
      runId: `${basename(out)}-${arm}`,
      createdAt: new Date().toISOString(),
      edgebenchVersion: readPackageVersion(),
      suite: arms[arm],
      seed: arms[arm].seed,
      argv: process.argv.slice(2),
      environment,
      status: 'running',
      clock: { source: 'process.hrtime.bigint', resolutionMs: clockResolutionNs() / 1e6 },
    };
    await createRunFolder(dirs[arm], manifest, { force: flags.force === true });
  }
  await writeJsonAtomic(join(out, 'ab.json'), {
    interleave: AB_INTERLEAVE,
    baselineRef: flags.ab,
    arms: { baseline: 'baseline', head: 'head' },
    pairs: describePairs(pairs),
  });
  const same = JSON.stringify(baseline) === JSON.stringify(head);
  log(
    `edgebench run --ab: ${pairs.length} pair(s), requests interleaved ABBA → ${shownPath(out)}/{baseline,head}${same ? ' (identical arms: an A/A run)' : ''}`,
  );

  const stop = listenForStop(
    () => process.stderr.write('\nstopping after the current request (Ctrl-C again to quit now); finished pairs are kept\n'),
    '\ninterrupted again: exiting now; finished pairs are kept',
  );
  const onEvent = (e: RunEvent) => {
    if (e.type === 'log') log(e.message);
    else if (e.type === 'cell-start') log(`[pair ${e.position / 2 + 1}/${e.total / 2}] ${progressLabel(e.key)} (A/B)`);
    else if (e.type === 'cell-end' && e.cell.status !== 'ok')
      log(`  ${e.cell.status}: ${e.cell.error?.message ?? ''}${e.cell.error?.hint ? `\n  hint: ${e.cell.error.hint}` : ''}`);
  };
  let interrupted = false;
  try {
    const r = await runAbSuite(
      { arms, pairs, appendCell: async (arm, c) => void (await appendCell(dirs[arm], c)), onEvent, shouldStop: () => stop.requested },
      realRunDeps(environment, { bandwidth: flags.bandwidth, log }),
    );
    interrupted = r.interrupted;
  } finally {
    stop.release();
    for (const d of Object.values(dirs)) await setRunStatus(d, stop.requested ? 'interrupted' : 'complete');
  }
  const summaries = { baseline: await analyzeRun(dirs.baseline), head: await analyzeRun(dirs.head) };
  if (flags.json) process.stdout.write(`${JSON.stringify(summaries, null, 2)}\n`);
  else if (!flags.quiet)
    console.log(`\nbaseline arm (${flags.ab}):\n${formatRunTable(summaries.baseline)}\n\nhead arm:\n${formatRunTable(summaries.head)}`);
  const mismatch = pairs.some((p) => p.baseline.model !== p.head.model || p.baseline.dtype !== p.head.dtype);
  log(`compare with: edgebench compare ${shownPath(dirs.baseline)} ${shownPath(dirs.head)}${mismatch ? ' --allow-mismatch' : ''}`);
  const outcome = runOutcome([summaries.baseline, summaries.head], interrupted, `edgebench run --ab ${flags.ab} (A/B runs restart)`);
  if (outcome.line) process.stderr.write(`${outcome.line}\n`);
  return outcome.code;
}
