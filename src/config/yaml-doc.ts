/**
 * YAML configs (suites, assertion files, claims configs, references) are read through one function
 * that keeps positions, so every schema error names file:line, the key, and what is wrong. Anything
 * YAML can throw — a syntax error, an alias bomb ("billion laughs"), nesting deep enough to exhaust
 * the stack, an unknown tag — is the user's file, not a bug: one error with the file and a hint.
 */
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { EdgebenchError, type ErrorCode } from '../errors.ts';
import { readTextFile } from '../util/input-path.ts';

/** Aliases are legitimate (anchors for repeated settings) but each may expand only so far. */
export const MAX_YAML_ALIASES = 100;
/** YAML config files are hand-written; this is far beyond any real one. */
export const MAX_YAML_BYTES = 8 * 1024 * 1024;

const firstLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';

type Path = readonly PropertyKey[];

export interface YamlDoc {
  file: string;
  doc: Document;
  /** `file:line` of the value at `path` (of its key when `key`), `file` when the position is unknown */
  at(path: Path, key?: boolean): string;
}

/** Parse YAML keeping positions; syntax errors throw `code` (CONFIG_INVALID) with the line. */
export function readYamlDoc(text: string, file: string, code: ErrorCode = 'CONFIG_INVALID'): YamlDoc {
  const lines = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  } catch (e) {
    throw new EdgebenchError(code, `${file}: YAML could not be parsed: ${firstLine(e)}`, 'fix the YAML syntax');
  }
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0];
    throw new EdgebenchError(code, `${file}${pos ? `:${pos.line}` : ''}: YAML syntax error: ${firstLine(e)}`, 'fix the YAML syntax');
  }
  const at = (path: Path, key = false): string => {
    const p = path.map((x) => (typeof x === 'symbol' ? String(x) : x));
    let node: unknown = doc.getIn(p, true);
    if (key && p.length) {
      const parent = (p.length > 1 ? doc.getIn(p.slice(0, -1), true) : doc.contents) as { items?: { key?: unknown }[] } | null;
      node = parent?.items?.find((it) => (it.key as { value?: unknown } | undefined)?.value === p[p.length - 1])?.key ?? node ?? parent;
    }
    const offset = isNode(node) ? node.range?.[0] : undefined;
    return offset !== undefined ? `${file}:${lines.linePos(offset).line}` : file;
  };
  return { file, doc, at };
}

/** The document as plain data, with alias expansion bounded. */
export function yamlToJs(y: Pick<YamlDoc, 'doc' | 'file'>, code: ErrorCode = 'CONFIG_INVALID'): unknown {
  try {
    return y.doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (e) {
    const msg = firstLine(e);
    if (/alias/i.test(msg)) {
      throw new EdgebenchError(
        code,
        `${y.file}: YAML aliases expand too far (${msg})`,
        `each alias may expand to at most ${MAX_YAML_ALIASES} nodes; write the values out instead of nesting anchors`,
      );
    }
    if (e instanceof RangeError)
      throw new EdgebenchError(
        code,
        `${y.file}: YAML nested too deeply to read`,
        'flatten the structure; a config file needs only a few levels',
      );
    throw new EdgebenchError(
      code,
      `${y.file}: YAML could not be read: ${msg}`,
      'fix the YAML (plain maps, lists, strings and numbers only)',
    );
  }
}

/** Text → plain data in one step (for files that need no line numbers). */
export function parseYamlSafe(text: string, file: string, code: ErrorCode = 'CONFIG_INVALID'): unknown {
  return yamlToJs(readYamlDoc(text, file, code), code);
}

/** A YAML file the user named, as text: path checks (a file, not a folder or a loop) and a size bound. */
export function readYamlText(file: string, what: string, hint: string, code: ErrorCode = 'CONFIG_INVALID'): string {
  return readTextFile(file, { what, code, hint }, MAX_YAML_BYTES);
}

/** One zod issue (found under `prefix` of the document) as a CONFIG_INVALID naming file:line and the key. */
export function issueError(y: YamlDoc, issue: z.core.$ZodIssue, prefix: Path, hint: string): EdgebenchError {
  const unknownKey = issue.code === 'unrecognized_keys';
  const inner = [...prefix, ...issue.path];
  const path = unknownKey ? [...inner, issue.keys[0]!] : inner;
  const shown = inner.map(String).join('.');
  const what = unknownKey
    ? `unknown key '${issue.keys.join("', '")}'${shown ? ` in ${shown}` : ''}`
    : `${path.map(String).join('.') || '(root)'}: ${issue.message}`;
  return new EdgebenchError('CONFIG_INVALID', `${y.at(path, unknownKey)}: ${what}`, hint);
}

function validKeys(schema: z.ZodType): string[] | null {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape && typeof shape === 'object' ? Object.keys(shape) : null;
}

export interface YamlSchemaOptions<T> {
  /** hint for any issue except an unknown top-level key (which lists the valid keys) */
  hint: string;
  /** checks with positions before the schema runs (may rewrite the plain value) */
  before?(raw: unknown, y: YamlDoc): unknown;
  /** checks with positions after the schema accepted the document */
  after?(data: T, y: YamlDoc): void;
}

/** Read `text` as YAML and check it against `schema`: the first problem is a CONFIG_INVALID naming file:line. */
export function parseYamlWith<S extends z.ZodType>(schema: S, text: string, file: string, o: YamlSchemaOptions<z.output<S>>): z.output<S> {
  const y = readYamlDoc(text, file);
  let raw: unknown = yamlToJs(y) ?? {};
  if (o.before) raw = o.before(raw, y);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const keys = validKeys(schema);
    const rootKey = issue.code === 'unrecognized_keys' && issue.path.length === 0 && keys;
    throw issueError(y, issue, [], rootKey ? `valid keys: ${keys.join(', ')}` : o.hint);
  }
  o.after?.(parsed.data, y);
  return parsed.data;
}
