import type { Command } from 'commander';
import { registerModels } from './models.ts';
import { registerRun } from './run.ts';
import { registerAnalyze } from './analyze.ts';
import { registerDoctor } from './doctor.ts';
import { registerReport } from './report.ts';
import { registerClaims } from './claims.ts';
import { registerReferences } from './references.ts';
import { registerServe } from './serve.ts';
import { registerCompare } from './compare.ts';
import { registerAssert } from './assert.ts';
import { registerQuality } from './quality.ts';

/** Every subcommand registers itself here; keep each command in its own file. */
export function registerCommands(program: Command): void {
  registerRun(program);
  registerModels(program);
  registerAnalyze(program);
  registerDoctor(program);
  registerReport(program);
  registerClaims(program);
  registerReferences(program);
  registerServe(program);
  registerCompare(program);
  registerAssert(program);
  registerQuality(program);
}
