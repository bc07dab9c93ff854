/**
 * Crash-safe file writes: write a temp file in the same folder, fsync it, rename it over the
 * target (atomic on POSIX and NTFS), then fsync the folder. A SIGKILL leaves either the old file
 * or the new one, plus at worst a stray `*.tmp` that readers ignore.
 */
import { open, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { EdgebenchError } from '../errors.ts';

export const TMP_SUFFIX = '.tmp';

function ioError(e: unknown, path: string): EdgebenchError {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
  if (code === 'ENOSPC') return new EdgebenchError('DISK_FULL', `no space left writing ${path}`, 'free some disk space, then rerun with --resume', { cause: e });
  const msg = e instanceof Error ? e.message : String(e);
  return new EdgebenchError('OUTPUT_UNWRITABLE', `cannot write ${path}: ${msg}`, 'choose a writable folder with --out', { cause: e });
}

export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}${TMP_SUFFIX}`);
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(data, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw ioError(e, path);
  }
  // make the rename itself durable; not supported everywhere (e.g. Windows), so best effort
  try {
    const dh = await open(dirname(path), 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  } catch {
    /* directory fsync unsupported */
  }
}

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
