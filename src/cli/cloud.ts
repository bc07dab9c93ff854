/** `edgebench cloud list`: the provider presets `run --cloud <name>` knows, from their dated data file. */
import type { Command } from 'commander';
import { formatProviders, loadProviders } from '../cloud/presets.ts';

export function registerCloud(program: Command): void {
  const cloud = program.command('cloud').description('OpenAI-compatible provider presets for `run --cloud <name>` (`cloud list`)');
  cloud
    .command('list')
    .description('list the provider presets: base URL, key variable, model names per edgebench preset, what each honours')
    .option('--json', 'print the data as JSON')
    .action((flags: { json?: boolean }) => {
      const f = loadProviders();
      process.stdout.write(flags.json ? `${JSON.stringify(f, null, 2)}\n` : `${formatProviders(f)}\n`);
    });
}
