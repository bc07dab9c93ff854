import type { Command } from 'commander';

export function registerModels(program: Command): void {
  program.command('models').description('List, build, inspect and pull models (see `models --help`)');
}
