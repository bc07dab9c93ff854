import type { Command } from 'commander';
import { registerModelsBuild } from './models-build.ts';
import { registerModelsInfo } from './models-info.ts';
import { registerModelsList } from './models-list.ts';
import { registerModelsPull } from './models-pull.ts';

export function registerModels(program: Command): void {
  const models = program
    .command('models')
    .description('List, build, inspect and pull models (see `models <command> --help`)')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  edgebench models list\n' +
        '  edgebench models build qwen2.5-0.5b --dtype q4        # → models/qwen2.5-0.5b-q4\n' +
        '  edgebench models info models/qwen2.5-0.5b-q4\n' +
        '  edgebench models pull onnx-community/Qwen2.5-0.5B-Instruct --dtype q4',
    );
  registerModelsList(models);
  registerModelsBuild(models);
  registerModelsInfo(models);
  registerModelsPull(models);
}
