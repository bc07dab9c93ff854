/** Write a page or table a command was asked for (atomically: a killed command leaves the old file). */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { EdgebenchError } from '../errors.ts';
import { writeFileAtomic } from '../results/atomic-write.ts';

export async function writeTextOutput(path: string, text: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, text);
  } catch (e) {
    throw new EdgebenchError(
      'OUTPUT_UNWRITABLE',
      `cannot write ${path}: ${e instanceof Error ? e.message : String(e)}`,
      'choose a writable path',
    );
  }
  process.stderr.write(`wrote ${path}\n`);
}

/** Binary outputs (Parquet): written to a temporary name, then renamed. */
export async function writeBytesOutput(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new EdgebenchError(
      'OUTPUT_UNWRITABLE',
      `cannot write ${path}: ${e instanceof Error ? e.message : String(e)}`,
      'choose a writable path',
    );
  }
  process.stderr.write(`wrote ${path}\n`);
}
