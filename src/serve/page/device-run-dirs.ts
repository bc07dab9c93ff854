/**
 * A serve folder holds one run folder per device (device-NN-…/run.json), so that reports treat
 * each phone or browser as its own device. `edgebench report <serve folder>` means all of them.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Each folder as given, except a folder without run.json whose subfolders are runs: those, in name order. */
export function expandDeviceRunDirs(dirs: readonly string[]): string[] {
  return dirs.flatMap((dir) => {
    if (existsSync(join(dir, 'run.json')) || !existsSync(dir) || !statSync(dir).isDirectory()) return [dir];
    const runs = readdirSync(dir)
      .filter((name) => existsSync(join(dir, name, 'run.json')))
      .sort()
      .map((name) => join(dir, name));
    return runs.length > 0 ? runs : [dir];
  });
}
