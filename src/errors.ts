/**
 * The error catalogue (after Lighthouse's lh-error.js): every failure a user can cause or meet
 * has a code, a one-line message and a hint. The CLI prints `error[CODE]: message` + `hint: …`
 * and exits 1; nothing user-facing is a stack trace.
 */
import type { z } from 'zod';
import type { ErrorInfo } from './results/schema.ts';

export const ERROR_CODES = {
  USAGE: 'Bad command-line usage',
  CONFIG_INVALID: 'A suite/config file is invalid',
  PRESET_UNKNOWN: 'No model preset by that name',
  MODEL_NOT_FOUND: 'Model folder or file not found',
  MODEL_INVALID: 'Model folder or file is invalid',
  OUTPUT_UNWRITABLE: 'Output location cannot be written',
  DISK_FULL: 'Not enough free disk space',
  OUT_OF_MEMORY: 'Not enough free memory',
  BACKEND_NOT_INSTALLED: 'Runtime backend not installed',
  DEVICE_UNAVAILABLE: 'Requested device / execution provider is unavailable',
  RUNNER_UNKNOWN: 'Unknown runner',
  RESULTS_INVALID: 'A results file is invalid',
  RESULTS_EXISTS: 'Output folder already holds results',
  REFERENCE_INVALID: 'A reference-figures file is invalid',
  NETWORK: 'Network request failed',
  TIMEOUT: 'Timed out',
  SERVER_PROTOCOL: 'A server broke the OpenAI-compatible protocol',
  TOKEN_COUNT_MISMATCH: 'The output length differs from the one asked for',
  STORE_UNAVAILABLE: 'The results store cannot be reached or opened',
  STORE_VERSION: 'The results store was made by a newer edgebench',
  STORE_CONFLICT: 'The store already holds a different run under that id',
  STORE_NO_MATCH: 'Nothing in the results store matches the query',
  QUALITY_UNSUPPORTED: 'This runner or endpoint cannot report next-token scores',
  INTERNAL: 'Internal error (a bug in edgebench)',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class EdgebenchError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  constructor(code: ErrorCode, message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EdgebenchError';
    this.code = code;
    this.hint = hint;
  }
}

export function isEdgebenchError(e: unknown): e is EdgebenchError {
  return e instanceof EdgebenchError;
}

/** One-line rendering for terminals and `errored` result rows. */
export function formatError(e: unknown): string {
  if (isEdgebenchError(e)) return `error[${e.code}]: ${e.message}${e.hint ? `\n  hint: ${e.hint}` : ''}`;
  const msg = e instanceof Error ? e.message : String(e);
  return `error[INTERNAL]: ${msg.split('\n')[0]}\n  hint: this is a bug in edgebench; rerun with EDGEBENCH_DEBUG=1 for a stack trace and report it`;
}

/** Turn a zod failure into one EdgebenchError that names every bad field and where it is. */
export function zodToError(code: ErrorCode, where: string, err: z.ZodError, hint: string): EdgebenchError {
  const issues = err.issues.slice(0, 5).map((i) => {
    const path = i.path.length ? i.path.map(String).join('.') : '(root)';
    return `${path}: ${i.message}`;
  });
  const more = err.issues.length > 5 ? ` (+${err.issues.length - 5} more)` : '';
  return new EdgebenchError(code, `${where}: ${issues.join('; ')}${more}`, hint);
}

/** An exception as an `errored` cell's error row (catalogue errors keep their code and hint). */
export function errorInfo(e: unknown): ErrorInfo {
  if (isEdgebenchError(e)) return { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
  const msg = e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e);
  return { code: 'INTERNAL', message: msg, hint: 'rerun with EDGEBENCH_DEBUG=1 and report it' };
}
