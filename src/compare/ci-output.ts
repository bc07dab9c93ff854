/**
 * Writes the CI outputs of `compare` / `assert`: JSON, JUnit XML and Markdown files when asked,
 * and the Markdown appended to $GITHUB_STEP_SUMMARY when that variable is set (GitHub Actions).
 */
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { EdgebenchError } from '../errors.ts';

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
    await (append ? appendFile : writeFile)(path, text, 'utf8');
  } catch (e) {
    throw new EdgebenchError('OUTPUT_UNWRITABLE', `cannot write ${path}: ${e instanceof Error ? e.message : String(e)}`, 'choose a writable path');
  }
}

/** Returns the paths written (for the log line). */
export async function writeCiOutputs(
  flags: CiOutputFlags,
  out: { json: unknown; junit: () => string; markdown: () => string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<string[]> {
  const written: string[] = [];
  const files: [string | undefined, () => string][] = [
    [flags.jsonOut, () => `${JSON.stringify(out.json, null, 2)}\n`],
    [flags.junit, out.junit],
    [flags.markdown, out.markdown],
  ];
  for (const [path, text] of files) {
    if (!path) continue;
    await write(path, text());
    written.push(path);
  }
  const summary = env.GITHUB_STEP_SUMMARY;
  if (summary && flags.stepSummary !== false) {
    await write(summary, `${out.markdown()}\n`, true);
    written.push(`$GITHUB_STEP_SUMMARY (${summary})`);
  }
  return written;
}
