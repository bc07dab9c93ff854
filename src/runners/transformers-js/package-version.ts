/** Installed version of a package whose package.json is not in its `exports` (resolve its entry, walk up). */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export function packageVersion(name: string, from: string = import.meta.url): string | null {
  try {
    let dir = dirname(createRequire(from).resolve(name));
    for (let i = 0; i < 8; i++) {
      const pkg = join(dir, 'package.json');
      if (existsSync(pkg)) {
        const j = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string; version?: string };
        if (j.name === name && j.version) return j.version;
      }
      dir = dirname(dir);
    }
  } catch {
    // not installed
  }
  return null;
}

/** Directory of an installed package (for resolving its own dependencies). */
export function packageDir(name: string, from: string = import.meta.url): string | null {
  try {
    let dir = dirname(createRequire(from).resolve(name));
    for (let i = 0; i < 8; i++) {
      if (
        existsSync(join(dir, 'package.json')) &&
        (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === name
      )
        return dir;
      dir = dirname(dir);
    }
  } catch {
    // not installed
  }
  return null;
}
