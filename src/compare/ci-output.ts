/**
 * Writes the CI outputs of `compare` / `assert`: JSON, JUnit XML and Markdown files when asked,
 * and the Markdown appended to $GITHUB_STEP_SUMMARY when that variable is set (GitHub Actions).
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { EdgebenchError } from '../errors.ts';
import { CI_EXPORTERS, type CiFormat, type CiInput } from '../exporters/index.ts';
import { ciMarkdown } from '../exporters/ci-markdown.ts';
import { writeFileAtomic } from '../results/atomic-write.ts';

export interface CiOutputFlags {
  jsonOut?: string;
  junit?: string;
  markdown?: string;
  /** commander's --no-step-summary sets this false */
  stepSummary?: boolean;
}

async function write(path: string, text: string, append = false): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
  } catch (e) {
    throw new EdgebenchError(
      'OUTPUT_UNWRITABLE',
      `cannot write ${path}: ${e instanceof Error ? e.message : String(e)}`,
      'choose a writable path',
    );
  }
  if (!append) return writeFileAtomic(path, text); // a killed command leaves the previous file whole
  try {
    await appendFile(path, text, 'utf8');
  } catch (e) {
    throw new EdgebenchError(
      'OUTPUT_UNWRITABLE',
      `cannot write ${path}: ${e instanceof Error ? e.message : String(e)}`,
      'choose a writable path',
    );
  }
}

/** The flag that names each CI exporter's file. */
const FLAG: Record<CiFormat, keyof Omit<CiOutputFlags, 'stepSummary'>> = { json: 'jsonOut', junit: 'junit', markdown: 'markdown' };

/** Writes the CI exporters (src/exporters) whose flag names a file; returns the paths written (for the log line). */
export async function writeCiOutputs(flags: CiOutputFlags, out: CiInput, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const written: string[] = [];
  for (const exporter of CI_EXPORTERS) {
    const path = flags[FLAG[exporter.format]];
    if (!path) continue;
    await write(path, await exporter.render(out));
    written.push(path);
  }
  const summary = env.GITHUB_STEP_SUMMARY;
  if (summary && flags.stepSummary !== false) {
    await write(summary, `${await ciMarkdown.render(out)}\n`, true);
    written.push(`$GITHUB_STEP_SUMMARY (${summary})`);
  }
  return written;
}
