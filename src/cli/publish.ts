/** `edgebench publish <run…>`: put results folders into the results store (embedded or PostgreSQL). */
import type { Command } from 'commander';
import { EdgebenchError } from '../errors.ts';
import { DeviceClass } from '../references/schema.ts';

interface PublishFlags {
  db?: string;
  dryRun?: boolean;
  deviceClass?: string;
  source?: string;
  references: boolean;
  json?: boolean;
}

const SOURCES = ['cli', 'ci', 'serve'] as const;

export function registerPublish(program: Command): void {
  program
    .command('publish')
    .description(
      'Publish results folders into the results store (embedded by default; a PostgreSQL server with --db or EDGEBENCH_DB): validated, privacy-trimmed, screened for implausible numbers, once per run',
    )
    .argument('<run-dirs...>', 'results folders written by `edgebench run` (a serve folder = each device run inside)')
    .option(
      '--db <url|dir>',
      'postgres://user:password@host:port/db, or a folder for the embedded store (default: $EDGEBENCH_DB, else ~/.edgebench/store)',
    )
    .option('--dry-run', 'print exactly what would be stored (JSON) and write nothing')
    .option('--device-class <class>', `set the device class instead of the detected one: ${DeviceClass.options.join(', ')}`)
    .option('--source <source>', `how the run arrived: ${SOURCES.join(', ')} (default: ci when $CI is set, else cli)`)
    .option('--no-references', 'do not record which published reference figures the run is set beside')
    .option('--json', 'print the outcome per run as JSON')
    .addHelpText(
      'after',
      `
Stored: the run's cells, metric summaries with raw samples, raw per-token traces, device
(fingerprint, label, class), the environment trimmed to what a comparison needs, and the
reference figures used. Never stored: hostname, user names, paths, argv, credentials in URLs.
Publishing the same run again is a no-op; a different run under the same id is refused.
Cells beyond physical limits are stored flagged IMPLAUSIBLE and left out of leaderboards.

Examples:
  edgebench publish results/2026-12-06T10-00-00
  edgebench publish results/head --db postgres://bench:secret@db.lab:5432/edgebench
  edgebench publish results/head --dry-run | less`,
    )
    .action(async (dirs: string[], flags: PublishFlags) => {
      process.exitCode = await publishCommand(dirs, flags);
    });
}

async function publishCommand(dirs: string[], flags: PublishFlags): Promise<number> {
  let deviceClass: DeviceClass | undefined;
  if (flags.deviceClass !== undefined) {
    const r = DeviceClass.safeParse(flags.deviceClass);
    if (!r.success)
      throw new EdgebenchError(
        'USAGE',
        `--device-class ${flags.deviceClass}: unknown class`,
        `use one of ${DeviceClass.options.join(', ')}`,
      );
    deviceClass = r.data;
  }
  const source = flags.source ?? (process.env.CI && process.env.CI !== 'false' ? 'ci' : 'cli');
  if (!(SOURCES as readonly string[]).includes(source))
    throw new EdgebenchError('USAGE', `--source ${source}: unknown`, `use one of ${SOURCES.join(', ')}`);
  const { resolveStoreTarget, describeTarget, openStore } = await import('../store/open-store.ts');
  const { payloadOf, resolveReferences } = await import('../store/publish-runs.ts');
  const { publishRuns } = await import('../store/publish-stream.ts');
  const { expandDeviceRunDirs } = await import('../serve/page/device-run-dirs.ts');
  const target = resolveStoreTarget(flags.db);
  const runDirs = expandDeviceRunDirs(dirs);
  const prepareOpts = {
    source: source as 'cli' | 'ci' | 'serve',
    ...(deviceClass && { deviceClass }),
    ...(!flags.references && { references: false as const }),
  };
  if (flags.dryRun) {
    const refs = resolveReferences(prepareOpts);
    const shown = [];
    for (const d of runDirs) {
      const { payload, contentHash } = await payloadOf(d, prepareOpts, refs);
      shown.push({ contentHash, payload });
    }
    process.stderr.write(`dry run: nothing written; would publish to the ${describeTarget(target)}:\n`);
    process.stdout.write(`${JSON.stringify(shown.length === 1 ? shown[0] : shown, null, 2)}\n`);
    return 0;
  }
  const { results } = await publishRuns(runDirs, () => openStore(target), {
    ...prepareOpts,
    onBatch: (runs, written) => {
      for (const [i, r] of written.entries()) {
        if (!flags.json) {
          console.log(
            r.outcome === 'published'
              ? `published ${r.runId}: ${r.cells} cells (${r.implausible} implausible) to the ${describeTarget(target)} [${r.contentHash.slice(0, 19)}…]`
              : `${r.runId} is already in the ${describeTarget(target)} with the same content [${r.contentHash.slice(0, 19)}…]: nothing to do`,
          );
        }
        for (const c of runs[i]!.implausible) {
          process.stderr.write(
            `warning: ${r.runId} cell ${c.index} (${c.model} ${c.dtype} ${c.shape}) is IMPLAUSIBLE, kept out of leaderboards: ${c.reasons.map((x) => x.reason).join('; ')}\n  fix: check the memory-bandwidth measurement and the model's size; rerun the cell (edgebench run --resume)\n`,
          );
        }
      }
    },
  });
  if (flags.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  return 0;
}
