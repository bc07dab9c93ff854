/** The session token: 128 random bits in the URL path (`/s/<token>/`), compared in constant time. */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const newSessionToken = (): string => randomBytes(16).toString('base64url');

export function tokenMatches(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
