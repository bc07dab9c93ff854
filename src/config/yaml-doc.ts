import { LineCounter, parseDocument } from 'yaml';
import { EdgebenchError } from '../errors.ts';

/** Parse a YAML config keeping positions, so schema errors can name file:line; syntax errors throw. */
export function parseYamlWithLines(text: string, file: string): { doc: ReturnType<typeof parseDocument>; lines: LineCounter } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0];
    throw new EdgebenchError('CONFIG_INVALID', `${file}${pos ? `:${pos.line}` : ''}: YAML syntax error: ${e.message.split('\n')[0]}`, 'fix the YAML syntax');
  }
  return { doc, lines };
}
