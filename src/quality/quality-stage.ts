/**
 * The quality stage of a run: for each distinct (model, runner, EP, dtype) that measured at least
 * one cell, one teacher-forced pass against the reference, written as `quality/<slug>.json` in the
 * run folder (atomic; a failure is written as an error row, the other jobs go on). Reads the run
 * through the one loader; re-analysis then attaches the records to the cells.
 */
import { isEdgebenchError } from '../errors.ts';
import { openRun } from '../results/open-run.ts';
import { writeQualityEntry } from '../results/quality-io.ts';
import { QUALITY_SCHEMA_VERSION, qualityKey, type QualityEntry } from '../results/quality-schema.ts';
import type { QualityFloor } from './floors.ts';
import { runQualityJob, type QualityJob } from './quality-job.ts';

export interface QualityStageOptions {
  tokens: number;
  reference: string;
  floor?: Partial<QualityFloor>;
  /** measure again even where a record exists */
  force?: boolean;
  log(msg: string): void;
}

export async function addQualityToRun(dir: string, o: QualityStageOptions): Promise<QualityEntry[]> {
  const run = await openRun(dir);
  const have = new Set((run.quality ?? []).map(qualityKey));
  const settingsOf = (runner: string) =>
    (run.manifest.suite as { runnerSettings?: Record<string, Record<string, string | number | boolean>> }).runnerSettings?.[runner] ?? {};
  const jobs = new Map<string, QualityJob>();
  for (const c of run.cells) {
    if (c.status !== 'ok') continue;
    const job: QualityJob = {
      model: c.key.model,
      runner: c.key.runner,
      ep: c.key.ep,
      dtype: c.key.dtype,
      threads: c.key.threads,
      settings: settingsOf(c.key.runner),
    };
    const key = qualityKey({ ...job, executionProvider: job.ep });
    if (!jobs.has(key) && (o.force || !have.has(key))) jobs.set(key, job);
  }
  if (jobs.size === 0)
    o.log('quality: every measured (model, runner, ep, dtype) already has a quality record (use --force to measure again)');
  const written: QualityEntry[] = [];
  for (const job of jobs.values()) {
    let entry: QualityEntry;
    try {
      entry = await runQualityJob(job, o);
      const f = entry.figures;
      o.log(
        `quality: ${job.model} ${job.runner}/${job.ep} ${job.dtype}: same-top ${f.sameTopRate.toFixed(3)}, mean KL ${f.klMeanNats.toPrecision(3)} nats${entry.belowFloor.length ? ` — QUALITY_BELOW_FLOOR (${entry.belowFloor.join('; ')})` : ''}`,
      );
    } catch (e) {
      if (!isEdgebenchError(e) || e.code === 'INTERNAL') throw e;
      o.log(`quality: ${job.model} ${job.runner}/${job.ep} ${job.dtype}: not measured — ${e.message}`);
      entry = {
        schemaVersion: QUALITY_SCHEMA_VERSION,
        model: job.model,
        runner: job.runner,
        executionProvider: job.ep,
        dtype: job.dtype,
        error: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) },
        createdAt: new Date().toISOString(),
      };
    }
    await writeQualityEntry(dir, entry);
    written.push(entry);
  }
  return written;
}
