import type { Command } from 'commander';
import { registerModels } from './models.ts';

/** Every subcommand registers itself here; keep each command in its own file. */
export function registerCommands(program: Command): void {
  registerModels(program);
}
