/** `edgebench references list|add|import`: the published reference figures the reports compare with. */
import type { Command } from 'commander';
import { EdgebenchError } from '../errors.ts';
import { DEFAULT_REFERENCES_DIR, isDecisive, loadReferences } from '../references/load.ts';
import { CATEGORIES, type Figure } from '../references/schema.ts';
import { addFigures, importPublished } from '../references/store.ts';
import { formatFigureValue } from '../references/value.ts';

interface ListFlags {
  category?: string;
  metric?: string;
  claim?: string;
  json?: boolean;
  dir?: string;
}

function filterFigures(figs: readonly Figure[], f: ListFlags): Figure[] {
  if (f.category && !(CATEGORIES as readonly string[]).includes(f.category)) {
    throw new EdgebenchError('USAGE', `--category: unknown category "${f.category}"`, `use one of ${CATEGORIES.join(', ')}`);
  }
  return figs.filter(
    (x) =>
      (!f.category || x.category === f.category) &&
      (!f.metric || x.metric === f.metric) &&
      (!f.claim || (x.bears_on as string[]).includes(f.claim)),
  );
}

export function registerReferences(program: Command): void {
  const refs = program.command('references').description('List, add and import the published reference figures (references/)');
  refs
    .command('list')
    .description('List reference figures (id, value, conditions, source, audit)')
    .option('--category <name>', `only this category (${CATEGORIES.join(', ')})`)
    .option('--metric <name>', 'only this metric, e.g. decode_tokens_per_s')
    .option('--claim <key>', 'only figures bearing on this claim key, e.g. phone_sub50ms')
    .option('--json', 'print the figures as JSON')
    .option('--dir <dir>', 'references folder', DEFAULT_REFERENCES_DIR)
    .action((flags: ListFlags) => {
      const set = loadReferences(flags.dir);
      const figs = filterFigures(set.figures, flags);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(figs, null, 2)}\n`);
        return;
      }
      for (const f of figs) {
        const mark = isDecisive(f) ? '' : `  [${f.audit}: context only]`;
        console.log(`${f.id}\n  ${f.system} · ${f.model ?? 'n/a'} · ${f.metric} = ${formatFigureValue(f)}${mark}`);
        console.log(
          `  batch ${f.conditions.batch}${f.conditions.batch_size ? ` (${f.conditions.batch_size})` : ''}, prompt ${f.conditions.prompt_tokens ?? '?'}, output ${f.conditions.output_tokens ?? '?'}, precision ${f.conditions.precision}`,
        );
        console.log(`  ${f.evidence_kind}${f.evidence_secondary ? ' (secondary)' : ''} · ${f.source_date} · ${f.source_url}`);
      }
      console.log(`${figs.length} of ${set.figures.length} figures (${set.unverified.length} unverified entries kept apart, never used)`);
    });
  refs
    .command('add')
    .description('Validate figures in a YAML file (project or published format) and add them; an existing id needs --correct')
    .argument('<file>', 'YAML file with one figure or a list of figures')
    .option('--correct <reason>', 'replace figures whose id exists; their previous value goes into history with this reason')
    .option('--date <YYYY-MM-DD>', 'date of the correction (default: today)')
    .option('--dir <dir>', 'references folder', DEFAULT_REFERENCES_DIR)
    .action((file: string, flags: { correct?: string; date?: string; dir: string }) => {
      const r = addFigures(file, flags.dir, {
        ...(flags.correct && { correctReason: flags.correct }),
        ...(flags.date && { date: flags.date }),
      });
      for (const id of r.added) console.log(`added ${id}`);
      for (const id of r.corrected) console.log(`corrected ${id} (previous value kept in history)`);
    });
  refs
    .command('import')
    .description('Convert a published-figures.yaml compilation into the project data files (replaces them)')
    .argument('<file>', 'published-figures.yaml')
    .option('--dir <dir>', 'references folder to write', DEFAULT_REFERENCES_DIR)
    .action((file: string, flags: { dir: string }) => {
      const r = importPublished(file, flags.dir);
      console.log(`imported ${r.figures} figures and ${r.unverified} unverified entries into ${flags.dir}`);
    });
}
