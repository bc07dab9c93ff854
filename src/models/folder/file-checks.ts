import { createHash } from 'node:crypto';
import { createReadStream, closeSync, openSync, readSync } from 'node:fs';
import { EdgebenchError } from '../../errors.ts';

const LFS_HEADER = 'version https://git-lfs.github.com/spec/v1';

/** True when the file is a Git LFS pointer (a ~130-byte text stub) rather than the real content. */
export function isLfsPointer(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(LFS_HEADER.length);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return n === buf.length && buf.toString('latin1') === LFS_HEADER;
  } finally {
    closeSync(fd);
  }
}

export function lfsPointerError(file: string): EdgebenchError {
  return new EdgebenchError(
    'MODEL_INVALID',
    `${file} is a Git LFS pointer, not the weights (the repository was cloned without LFS)`,
    'run `git lfs install && git lfs pull` in the model folder, or use `edgebench models pull <hf-id>`',
  );
}

/** sha256 of a file, streamed (never the whole file in memory). */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
