/**
 * llama-bench test names: `pp<N>` (prefill N), `tg<M>` (generate M), `pp<N>+tg<M>` (both, one
 * request), each optionally `@d<D>` (on top of a KV cache already holding D tokens).
 */
import type { Shape } from '../results/schema.ts';
import { EdgebenchError } from '../errors.ts';
import { BOUNDS } from './bounds.ts';

const SHAPE_RE = /^(?:pp(\d+))?(?:\+?tg(\d+))?(?:\s*@\s*d(\d+))?$/;

export function parseShape(text: string): Shape {
  const s = text.trim();
  const m = SHAPE_RE.exec(s);
  const pp = m?.[1] !== undefined ? Number(m[1]) : 0;
  const tg = m?.[2] !== undefined ? Number(m[2]) : 0;
  const depth = m?.[3] !== undefined ? Number(m[3]) : 0;
  if (!m || (m[1] === undefined && m[2] === undefined) || (m[1] !== undefined && m[2] !== undefined && !s.includes('+'))) {
    throw new EdgebenchError('USAGE', `'${text}' is not a shape`, 'shapes look like pp512, tg128, pp512+tg128 or tg128@d1024');
  }
  if ((m[1] !== undefined && pp <= 0) || (m[2] !== undefined && tg <= 0)) {
    throw new EdgebenchError('USAGE', `shape '${text}' has a zero token count`, 'use positive counts, e.g. pp512 or tg128');
  }
  for (const [n, what] of [
    [pp, 'prompt'],
    [tg, 'generated'],
    [depth, 'KV depth'],
  ] as const) {
    if (!Number.isSafeInteger(n) || n > BOUNDS.tokens) {
      throw new EdgebenchError(
        'USAGE',
        `shape '${text}': ${what} token count is over the ${BOUNDS.tokens}-token bound`,
        'shapes are token counts a model context can hold, e.g. pp512+tg128@d4096',
      );
    }
  }
  const name = [pp ? `pp${pp}` : '', tg ? `tg${tg}` : ''].filter(Boolean).join('+') + (depth ? ` @ d${depth}` : '');
  // pp-only: one token is generated (the prefill's output); tg-only: one token of prompt to start from.
  return { name, promptTokens: pp, genTokens: tg, depth };
}

/** Expand a comma list, rejecting empties. */
export function parseShapes(list: string): Shape[] {
  const parts = list
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new EdgebenchError('USAGE', 'no shapes given', 'e.g. --shape pp512,tg128');
  return parts.map(parseShape);
}
