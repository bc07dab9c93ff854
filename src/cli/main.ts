import { Command, CommanderError } from 'commander';
import { formatError } from '../errors.ts';
import { registerCommands } from './commands.ts';
import { readPackageVersion } from '../version.ts';
import { EXIT_CODES_HELP } from './run-outcome.ts';
import { watchParentOfRestart } from './restart.ts';

export async function main(argv: string[]): Promise<number> {
  watchParentOfRestart();
  const program = new Command('edgebench')
    .description(
      'Benchmark small quantized LLMs on this device and compare with published cloud GPU/ASIC figures.\n' +
        'Pipeline: run → analyze → report → compare/assert, with files between stages.',
    )
    .version(readPackageVersion())
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', `\n${EXIT_CODES_HELP}`)
    .exitOverride();
  await registerCommands(program, argv.slice(2));
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander already printed its message (help, version, or a usage error)
      return e.exitCode === 0 ? 0 : 1;
    }
    if (process.env.EDGEBENCH_DEBUG && e instanceof Error) console.error(e.stack);
    console.error(formatError(e));
    return 1;
  }
}
