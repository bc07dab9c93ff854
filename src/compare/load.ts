/**
 * A results folder as `compare` and `assert` see it: run.json (device fingerprint) and the summary,
 * always recomputed from the raw traces. Cells and run.json are upgraded on read (results/io.ts),
 * so runs written by older edgebench versions compare with new ones on the same definitions.
 */
import { stat } from 'node:fs/promises';
import { summarizeRun } from '../analyze/analyze-run.ts';
import { EdgebenchError } from '../errors.ts';
import { readRun } from '../results/io.ts';
import type { Environment, RunManifest, RunSummary } from '../results/schema.ts';

export interface LoadedRun {
  dir: string;
  manifest: RunManifest;
  summary: RunSummary;
}

export interface RunRef {
  dir: string;
  runId: string;
  createdAt: string;
  device: string;
  fingerprint: string;
  git: { commit: string; dirty: boolean } | null;
}

export async function loadRunForCompare(dir: string, role: 'baseline' | 'head'): Promise<LoadedRun> {
  const isDir = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) {
    throw new EdgebenchError('RESULTS_INVALID', `${role} ${dir}: no such results folder`, 'pass a folder written by `edgebench run` (it holds run.json and cells/)');
  }
  const run = await readRun(dir);
  // summaries are recomputed so both sides use this edgebench's metric definitions and seed
  return { dir, manifest: run.manifest, summary: summarizeRun(run, { now: new Date(run.manifest.createdAt) }) };
}

export function deviceOf(env: Environment): string {
  const cpu = `${env.cpu.manufacturer} ${env.cpu.brand}`.trim();
  const gpu = env.gpus[0] ? ` + ${env.gpus[0].model}` : '';
  return `${cpu}${gpu} (${env.kind === 'browser' ? 'browser, ' : ''}${env.os.platform} ${env.os.arch})`;
}

export function runRef(r: LoadedRun): RunRef {
  const env = r.manifest.environment;
  return { dir: r.dir, runId: r.manifest.runId, createdAt: r.manifest.createdAt, device: deviceOf(env), fingerprint: env.fingerprint, git: env.git };
}
