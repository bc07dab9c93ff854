/**
 * The one YAML reader for user files (suites, assertion and claims configs, references). Positions
 * are kept so schema errors can name file:line. Anything YAML can throw at us — syntax errors, an
 * alias bomb ("billion laughs"), nesting deep enough to exhaust the stack, an unknown tag — is the
 * user's file, not a bug: it becomes one error with the given code, the file and a hint.
 */
import { LineCounter, parseDocument, type Document } from 'yaml';
import { EdgebenchError, type ErrorCode } from '../errors.ts';
import { readTextFile } from '../util/input-path.ts';

/** Aliases are legitimate (anchors for repeated settings) but each may expand only so far. */
export const MAX_YAML_ALIASES = 100;
/** YAML config files are hand-written; this is far beyond any real one. */
export const MAX_YAML_BYTES = 8 * 1024 * 1024;

export interface YamlDoc {
  doc: ReturnType<typeof parseDocument>;
  lines: LineCounter;
}

const firstLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';

/** Parse keeping positions; syntax errors throw `code` with file:line. */
export function parseYamlWithLines(text: string, file: string, code: ErrorCode = 'CONFIG_INVALID'): YamlDoc {
  const lines = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  } catch (e) {
    throw new EdgebenchError(code, `${file}: YAML could not be parsed: ${firstLine(e)}`, 'fix the YAML syntax');
  }
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0];
    throw new EdgebenchError(code, `${file}${pos ? `:${pos.line}` : ''}: YAML syntax error: ${firstLine(e)}`, 'fix the YAML syntax');
  }
  return { doc, lines };
}

/** The document as plain data, with the alias expansion bounded. */
export function yamlToJs(doc: Document.Parsed | Document, file: string, code: ErrorCode = 'CONFIG_INVALID'): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (e) {
    const msg = firstLine(e);
    if (/alias/i.test(msg)) {
      throw new EdgebenchError(code, `${file}: YAML aliases expand too far (${msg})`, `each alias may expand to at most ${MAX_YAML_ALIASES} nodes; write the values out instead of nesting anchors`);
    }
    if (e instanceof RangeError) throw new EdgebenchError(code, `${file}: YAML nested too deeply to read`, 'flatten the structure; a config file needs only a few levels');
    throw new EdgebenchError(code, `${file}: YAML could not be read: ${msg}`, 'fix the YAML (plain maps, lists, strings and numbers only)');
  }
}

/** Text → plain data in one step (for files that need no line numbers). */
export function parseYamlSafe(text: string, file: string, code: ErrorCode = 'CONFIG_INVALID'): unknown {
  return yamlToJs(parseYamlWithLines(text, file, code).doc, file, code);
}

/** Read a YAML file the user named: path checks (file, not folder/loop), size bound, then parse. */
export function readYamlFile(file: string, what: string, code: ErrorCode, hint: string): YamlDoc & { text: string } {
  const text = readTextFile(file, { what, code, hint }, MAX_YAML_BYTES);
  return { text, ...parseYamlWithLines(text, file, code) };
}
