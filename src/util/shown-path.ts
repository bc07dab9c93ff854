import { relative } from 'node:path';

/** A path as the user would type it: relative when inside the current folder, else as given. */
export function shownPath(p: string): string {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
}

/** A results-folder timestamp: 20261123-091505 (UTC). */
export function runStamp(d: Date = new Date()): string {
  return d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}
