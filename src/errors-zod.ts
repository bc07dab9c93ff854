import type { z } from 'zod';
import { EdgebenchError, type ErrorCode } from './errors.ts';

/** Turn a zod failure into one EdgebenchError that names every bad field and where it is. */
export function zodToError(code: ErrorCode, where: string, err: z.ZodError, hint: string): EdgebenchError {
  const issues = err.issues.slice(0, 5).map((i) => {
    const path = i.path.length ? i.path.map(String).join('.') : '(root)';
    return `${path}: ${i.message}`;
  });
  const more = err.issues.length > 5 ? ` (+${err.issues.length - 5} more)` : '';
  return new EdgebenchError(code, `${where}: ${issues.join('; ')}${more}`, hint);
}
