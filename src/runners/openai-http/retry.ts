/**
 * Retry policy: 429 (honouring Retry-After / retry-after-ms), 5xx and network errors before the
 * answer starts are retried with exponential backoff; a stream cut after tokens arrived is not
 * (the request's timing is already spoiled, and the cell is reported as errored).
 */
import { EdgebenchError } from '../../errors.ts';

/** A failed attempt that may be retried. */
export class RetryableFailure extends Error {
  constructor(
    readonly kind: 'rate-limited' | 'server-error' | 'network',
    message: string,
    /** the server's own wait (Retry-After), ms */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'RetryableFailure';
  }
}

/** Retry-After is either delay-seconds or an HTTP date; OpenAI also sends retry-after-ms. */
export function parseRetryAfterMs(headers: Headers, now = Date.now()): number | null {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && /^\d+(\.\d+)?$/.test(ms.trim())) return Number(ms);
  const v = headers.get('retry-after')?.trim();
  if (!v) return null;
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export interface RetryPolicy {
  maxRetries: number;
  retryBaseMs: number;
  maxRetryWaitS: number;
}

/** Wait before retry number `retry` (0-based), or an error when the server asks for too long. */
export function retryDelayMs(retry: number, failure: RetryableFailure, p: RetryPolicy): number {
  const wait = failure.retryAfterMs ?? p.retryBaseMs * 2 ** retry;
  if (wait > p.maxRetryWaitS * 1000) {
    throw new EdgebenchError(
      'NETWORK',
      `${failure.message}; the server asks to wait ${(wait / 1000).toFixed(1)} s, more than maxRetryWaitS ${p.maxRetryWaitS} s`,
      'lower the request rate (fewer repetitions, a cooldown) or raise runnerSettings.openai-http.maxRetryWaitS',
    );
  }
  return wait;
}

export function isStatusRetryable(status: number): 'rate-limited' | 'server-error' | null {
  if (status === 429) return 'rate-limited';
  if (status === 500 || status === 502 || status === 503 || status === 504) return 'server-error';
  return null;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
