/**
 * Small HTTP helpers for the page server: bounded JSON bodies validated with zod, JSON errors
 * (`{ error: { code, message, hint } }`), and the headers every response carries (cross-origin
 * isolation for wasm threads, no referrer so the session token never leaks to another origin).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { ApiError } from './shared/protocol.ts';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** COOP + COEP make the page crossOriginIsolated (SharedArrayBuffer → wasm threads). */
export const ISOLATION_HEADERS: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

export function setCommonHeaders(res: ServerResponse): void {
  for (const [k, v] of Object.entries(ISOLATION_HEADERS)) res.setHeader(k, v);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

export function sendError(res: ServerResponse, e: HttpError): void {
  const body: ApiError = { error: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) } };
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, e.status, body);
}

/** Read at most `limit` bytes of JSON; 411/413/415/400 for what is wrong with it. */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  // sendBeacon posts text/plain unless given a Blob with a type; both are accepted as JSON text
  if (type !== 'application/json' && type !== 'text/plain') {
    throw new HttpError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `expected Content-Type application/json, got '${type || 'none'}'`,
      'send the body as JSON',
    );
  }
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `body of ${declared} bytes exceeds the ${limit}-byte limit`, 'post one cell at a time');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit) throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `body exceeds the ${limit}-byte limit`, 'post one cell at a time');
    chunks.push(b);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new HttpError(400, 'BAD_JSON', `body is not valid JSON (${(e as Error).message})`, 'send the body as JSON');
  }
}

/** Validate with zod; the message names every bad field (first 5). */
export function validateBody<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`);
  const more = r.error.issues.length > 5 ? ` (+${r.error.issues.length - 5} more)` : '';
  throw new HttpError(
    400,
    'INVALID_BODY',
    `${what}: ${issues.join('; ')}${more}`,
    'the page and the server disagree about the protocol: reload the page',
  );
}
