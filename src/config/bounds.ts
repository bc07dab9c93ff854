/**
 * Every number a user controls has a bound, checked before any work starts: a thread count, a
 * token count or a repetition count far beyond reason otherwise turns into gigabytes of memory or
 * a run that never ends. The bounds are generous (no real benchmark comes near them) and each
 * refusal names its bound. Flags, suite files, model configs and HTTP bodies all use these.
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { EdgebenchError, type ErrorCode } from '../errors.ts';

/** Threads beyond a few per logical core only add contention; 4096 threads exhaust memory. */
export const THREADS_PER_CORE_MAX = 4;
export const maxThreads = (): number => Math.max(16, THREADS_PER_CORE_MAX * availableParallelism());

export const BOUNDS = {
  /** tokens in one prompt / one generation / a KV depth (far past any released context) */
  tokens: 1_048_576,
  /** requests per cell: warmup, minCount, maxCount */
  requests: 100_000,
  /** seconds in any duration a user sets (minTimeS, maxTimeS, cooldown, timeouts): one day */
  seconds: 86_400,
  /** bootstrap resamples: 10 000 is the default, 1 000 000 is already minutes of CPU */
  resamples: 1_000_000,
  /** seeds are 32-bit */
  seed: 0xffff_ffff,
  /** cells in one matrix (models × runners × eps × threads × shapes) */
  cells: 10_000,
} as const;

/** Architecture fields of a model's config.json (largest released models are far inside these). */
export const ARCH_BOUNDS = {
  numLayers: 1024,
  numHeads: 1024,
  numKvHeads: 1024,
  headDim: 1024,
  hiddenSize: 131_072,
  intermediateSize: 1_048_576,
  vocabSize: 4_194_304,
  maxPositionEmbeddings: 16_777_216,
} as const;

/** zod: a whole number in min..max whose message names the bound. */
export const boundedInt = (min: number, max: number, what: string) =>
  z.number().int().min(min, `${what} must be at least ${min}`).max(max, `${what} must be at most ${max}`);

/** zod: a finite number in min..max whose message names the bound. */
export const boundedNumber = (min: number, max: number, what: string) =>
  z
    .number()
    .min(min, `${what} must be at least ${min}`)
    .max(max, `${what} must be at most ${max}`)
    .refine(Number.isFinite, `${what} must be a finite number`);

/** zod: a thread count, bounded by this machine's cores. */
export const threadCount = () =>
  boundedInt(1, maxThreads(), `threads (at most ${THREADS_PER_CORE_MAX}× the ${availableParallelism()} logical cores here, min 16)`);

/** Parse a command-line whole number in min..max; the error names the flag and the bound. */
export function intFlag(flag: string, value: string, min: number, max: number, code: ErrorCode = 'USAGE'): number {
  const n = value.trim() === '' ? NaN : Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new EdgebenchError(
      code,
      `--${flag} ${value}: expected a whole number from ${min} to ${max}`,
      `e.g. --${flag} ${Math.min(max, Math.max(min, 1))}`,
    );
  }
  return n;
}

/** Parse a command-line number (decimals allowed) in min..max. */
export function numberFlag(flag: string, value: string, min: number, max: number, code: ErrorCode = 'USAGE'): number {
  const n = value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new EdgebenchError(
      code,
      `--${flag} ${value}: expected a number from ${min} to ${max}`,
      `e.g. --${flag} ${Math.min(max, Math.max(min, 1))}`,
    );
  }
  return n;
}

/** --threads on the command line: a whole number up to maxThreads(), or auto (null). */
export function threadsFlag(value: string, flag = 'threads'): number | null {
  if (value.trim() === 'auto') return null;
  const max = maxThreads();
  const n = value.trim() === '' ? NaN : Number(value);
  if (!Number.isSafeInteger(n) || n < 1 || n > max) {
    throw new EdgebenchError(
      'USAGE',
      `--${flag} ${value}: expected auto or a whole number from 1 to ${max} (${THREADS_PER_CORE_MAX}× the ${availableParallelism()} logical cores here, min 16)`,
      `e.g. --${flag} ${Math.min(availableParallelism(), max)}`,
    );
  }
  return n;
}
