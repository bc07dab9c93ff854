/**
 * One place that checks a path the user gave before anything reads it: missing, a folder where a
 * file is wanted (or the reverse), a symlink loop, no permission, or a file too large to be what
 * it claims. Each becomes the caller's error code with the path and a hint, never a raw EISDIR /
 * ELOOP surfacing as error[INTERNAL].
 */
import { lstatSync, readFileSync, statSync, type Stats } from 'node:fs';
import { EdgebenchError, type ErrorCode } from '../errors.ts';

const lexists = (path: string): boolean => {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
};

export interface PathSpec {
  /** what the path should be, in words: 'suite file', 'assertion config', 'model folder' */
  what: string;
  /** error code for every failure (CONFIG_INVALID, MODEL_NOT_FOUND, RESULTS_INVALID…) */
  code: ErrorCode;
  /** error code when the path does not exist (defaults to `code`) */
  missingCode?: ErrorCode;
  hint: string;
}

/** Text config files (suites, assertions, claims, references, meter logs) are small. */
export const MAX_TEXT_FILE_BYTES = 64 * 1024 * 1024;

function statOf(path: string, spec: PathSpec): Stats {
  try {
    return statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new EdgebenchError(spec.missingCode ?? spec.code, `${spec.what} ${path} not found`, spec.hint);
    if (code === 'ELOOP')
      throw new EdgebenchError(
        spec.code,
        `${spec.what} ${path} is a symbolic link loop`,
        `point the link at a real ${spec.what}; ${spec.hint}`,
      );
    if (code === 'EACCES' || code === 'EPERM')
      throw new EdgebenchError(
        spec.code,
        `${spec.what} ${path}: permission denied`,
        `make it readable (chmod) or copy it somewhere you can read; ${spec.hint}`,
      );
    if (code === 'ENOTDIR')
      throw new EdgebenchError(
        spec.missingCode ?? spec.code,
        `${spec.what} ${path} not found (a part of the path is a file, not a folder)`,
        spec.hint,
      );
    if (code === 'ENAMETOOLONG')
      throw new EdgebenchError(spec.code, `${spec.what}: the path is too long (${path.length} characters)`, spec.hint);
    throw new EdgebenchError(spec.code, `${spec.what} ${path}: ${(e as Error).message.split('\n')[0]}`, spec.hint);
  }
}

/** The path must be a regular file (symlinks followed); returns its size in bytes. */
export function checkFile(path: string, spec: PathSpec, maxBytes = Number.POSITIVE_INFINITY): number {
  if (path.includes('\0')) throw new EdgebenchError(spec.code, `${spec.what}: the path contains a NUL byte`, spec.hint);
  const st = statOf(path, spec);
  if (st.isDirectory())
    throw new EdgebenchError(spec.code, `${spec.what} ${path} is a folder, not a file`, `pass the file itself; ${spec.hint}`);
  if (!st.isFile()) throw new EdgebenchError(spec.code, `${spec.what} ${path} is not a regular file (a device, pipe or socket)`, spec.hint);
  if (st.size > maxBytes)
    throw new EdgebenchError(
      spec.code,
      `${spec.what} ${path} is ${st.size} bytes, over the ${maxBytes}-byte limit for this kind of file`,
      spec.hint,
    );
  return st.size;
}

/** The path must be a folder (symlinks followed); a missing one throws only when `missingOk` is not set. */
export function checkDir(path: string, spec: PathSpec, missingOk = false): void {
  if (path.includes('\0')) throw new EdgebenchError(spec.code, `${spec.what}: the path contains a NUL byte`, spec.hint);
  if (missingOk && !lexists(path)) return;
  const st = statOf(path, spec);
  if (!st.isDirectory())
    throw new EdgebenchError(spec.code, `${spec.what} ${path} is a file, not a folder`, `pass the folder; ${spec.hint}`);
}

/** Read a small text file the user named, after `checkFile`; invalid UTF-8 is replaced, not fatal. */
export function readTextFile(path: string, spec: PathSpec, maxBytes = MAX_TEXT_FILE_BYTES): string {
  checkFile(path, spec, maxBytes);
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    // raced with a delete/chmod between stat and read: same wording as statOf
    statOf(path, spec);
    throw new EdgebenchError(spec.code, `${spec.what} ${path}: cannot read (${(e as Error).message.split('\n')[0]})`, spec.hint);
  }
}
