import { existsSync, statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EdgebenchError } from '../errors.ts';

/**
 * TEST-ONLY override of the free-space reading (bytes), so tests can simulate a full disk:
 * EDGEBENCH_FAKE_FREE_BYTES=1000 edgebench models build …
 */
export const FAKE_FREE_BYTES_ENV = 'EDGEBENCH_FAKE_FREE_BYTES';

/** Free bytes for an unprivileged writer on the filesystem that holds `path` (or its nearest existing parent). */
export function freeBytes(path: string): number {
  const fake = process.env[FAKE_FREE_BYTES_ENV];
  if (fake !== undefined && fake !== '') {
    const n = Number(fake);
    if (!Number.isFinite(n) || n < 0) throw new EdgebenchError('USAGE', `${FAKE_FREE_BYTES_ENV}='${fake}' is not a byte count`, `unset ${FAKE_FREE_BYTES_ENV} (it exists for tests)`);
    return n;
  }
  let p = resolve(path);
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  const s = statfsSync(p);
  return s.bavail * s.bsize;
}

export function assertFreeSpace(path: string, needBytes: number, what: string): void {
  const free = freeBytes(path);
  const margin = 64 * 2 ** 20;
  if (free < needBytes + margin) {
    const gb = (n: number): string => (n / 1e9).toFixed(2);
    throw new EdgebenchError(
      'DISK_FULL',
      `${what} needs ${gb(needBytes)} GB (+0.07 GB margin) in ${resolve(path)} but only ${gb(free)} GB are free`,
      'free some disk space or choose another folder (--out / EDGEBENCH_MODELS_DIR)',
    );
  }
}
