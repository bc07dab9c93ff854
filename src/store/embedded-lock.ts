/**
 * PGlite opens its folder exclusively (a second process would corrupt it), so publishers take a
 * lock file first: created with O_EXCL, holding the owner's pid. A lock whose process is gone
 * (killed publish) is stale and taken over; a live one is waited for, up to a bound.
 */
import { link, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EdgebenchError } from '../errors.ts';

export const LOCK_FILE = 'edgebench-store.lock';

export interface FolderLock {
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function tryCreate(path: string): Promise<boolean> {
  try {
    const fh = await open(path, 'wx');
    await fh.writeFile(String(process.pid));
    await fh.close();
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new EdgebenchError(
      'STORE_UNAVAILABLE',
      `cannot lock the embedded store (${path}): ${(e as Error).message}`,
      'pass a writable folder with --db <path>, or set EDGEBENCH_DB',
    );
  }
}

async function ownerOf(path: string): Promise<number | null> {
  const text = await readFile(path, 'utf8').catch(() => null);
  const pid = text === null ? NaN : Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/**
 * Move the stale lock aside atomically and check it is still the dead owner's: between reading it
 * and moving it another waiter may have replaced it with a live lock, which is put back.
 */
async function removeStale(path: string, deadOwner: number): Promise<void> {
  const aside = `${path}.${process.pid}.stale`;
  try {
    await rename(path, aside);
  } catch {
    return; // someone else moved it first
  }
  if ((await ownerOf(aside)) !== deadOwner) await link(aside, path).catch(() => undefined);
  await rm(aside, { force: true });
}

export async function acquireFolderLock(dir: string, timeoutMs: number): Promise<FolderLock> {
  const path = join(dir, LOCK_FILE);
  const deadline = Date.now() + timeoutMs;
  let wait = 10;
  for (;;) {
    if (await tryCreate(path)) break;
    const owner = await ownerOf(path);
    // an empty file is a lock being written this instant; only a dead owner's lock is stale
    if (owner !== null && owner !== process.pid && !alive(owner)) {
      await removeStale(path, owner);
      continue;
    }
    if (Date.now() > deadline) {
      throw new EdgebenchError(
        'STORE_UNAVAILABLE',
        `the embedded store ${dir} is in use by process ${owner ?? '?'} (waited ${Math.round(timeoutMs / 1000)} s)`,
        'wait for that edgebench to finish; for many concurrent publishers use a PostgreSQL server (--db postgres://… or EDGEBENCH_DB)',
      );
    }
    await new Promise((r) => setTimeout(r, wait));
    wait = Math.min(200, wait * 2);
  }
  return {
    async release() {
      if ((await ownerOf(path)) === process.pid) await rm(path, { force: true });
    },
  };
}
