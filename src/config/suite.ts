/**
 * Suite files (harness/*.yaml): models × runners × EPs × threads × shapes, with repetition rules.
 * Unknown keys are errors naming the key, the file and the line.
 */
import { parseYamlWithLines, yamlToJs, MAX_YAML_BYTES } from './yaml-doc.ts';
import { readTextFile } from '../util/input-path.ts';
import { join } from 'node:path';
import { isNode, type parseDocument } from 'yaml';
import { z } from 'zod';
import { EdgebenchError } from '../errors.ts';
import { RepetitionPolicy } from '../measure/policy.ts';
import { PROJECT_ROOT } from '../version.ts';
import { parseShape } from './shapes.ts';
import { expandMatrix } from './matrix.ts';
import { BOUNDS, boundedInt, threadCount } from './bounds.ts';

const Setting = z.union([z.string(), z.number(), z.boolean()]);

export const SuiteFile = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  models: z.array(z.string().min(1)).min(1),
  dtype: z.string().default('q4'),
  style: z.enum(['optimum', 'genai']).default('optimum'),
  runners: z.array(z.string().min(1)).min(1).default(['ort-node']),
  eps: z.array(z.string().min(1)).min(1).default(['cpu']),
  /** 'auto' = the runtime's default (physical cores) */
  threads: z.array(z.union([threadCount(), z.literal('auto')])).min(1).default(['auto']),
  shapes: z.array(z.string()).min(1).max(1000),
  repetitions: RepetitionPolicy.default({ warmup: 1, minCount: 5, minTimeS: 10, maxCount: 200, maxTimeS: 300, cooldownS: 0 }),
  seed: boundedInt(0, BOUNDS.seed, 'seed').default(42),
  prompt: z.union([z.strictObject({ kind: z.literal('tokens') }), z.strictObject({ kind: z.literal('text'), text: z.string().min(1).max(BOUNDS.tokens * 4) })]).default({ kind: 'tokens' }),
  runnerSettings: z.record(z.string(), z.record(z.string(), Setting)).default({}),
});
export type SuiteFile = z.infer<typeof SuiteFile>;

export const PRESET_SUITES = ['quick', 'ci', 'publish'] as const;

export function suitePath(nameOrPath: string): string {
  if ((PRESET_SUITES as readonly string[]).includes(nameOrPath)) return join(PROJECT_ROOT, 'harness', `${nameOrPath}.yaml`);
  return nameOrPath;
}

export function loadSuite(nameOrPath: string): SuiteFile {
  const file = suitePath(nameOrPath);
  const text = readTextFile(file, { what: 'suite file', code: 'CONFIG_INVALID', hint: `use a preset (${PRESET_SUITES.join(', ')}) or a path to a YAML suite` }, MAX_YAML_BYTES);
  return parseSuiteText(text, file);
}

export function parseSuiteText(text: string, file: string): SuiteFile {
  const { doc, lines } = parseYamlWithLines(text, file);
  const parsed = SuiteFile.safeParse(yamlToJs(doc, file));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    let path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') path = [...path, String(issue.keys[0])];
    const node = doc.getIn(path, true);
    const keyNode = issue.code === 'unrecognized_keys' ? findKeyNode(doc, path) : node;
    const offset = isNode(keyNode) ? keyNode.range?.[0] : undefined;
    const where = offset !== undefined ? `:${lines.linePos(offset).line}` : '';
    const what = issue.code === 'unrecognized_keys' ? `unknown key '${issue.keys.join("', '")}'` : `${path.join('.') || '(root)'}: ${issue.message}`;
    const valid = issue.code === 'unrecognized_keys' && issue.path.length === 0 ? `valid keys: ${Object.keys(SuiteFile.shape).join(', ')}` : 'see harness/quick.yaml for a complete example';
    throw new EdgebenchError('CONFIG_INVALID', `${file}${where}: ${what}`, valid);
  }
  for (const s of parsed.data.shapes) {
    try {
      parseShape(s);
    } catch (e) {
      throw new EdgebenchError('CONFIG_INVALID', `${file}: shapes: ${(e as Error).message}`, 'shapes look like pp512, tg128, pp512+tg128 or tg128@d1024');
    }
  }
  try {
    expandMatrix(parsed.data);
  } catch (e) {
    if (e instanceof EdgebenchError) throw new EdgebenchError(e.code, `${file}: ${e.message}`, e.hint);
    throw e;
  }
  return parsed.data;
}

function findKeyNode(doc: ReturnType<typeof parseDocument>, path: string[]): unknown {
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
  const key = path[path.length - 1];
  const items = (parent as { items?: { key?: unknown }[] } | null)?.items ?? [];
  for (const it of items) {
    const k = it.key as { value?: unknown } | undefined;
    if (k && k.value === key) return k;
  }
  return parent;
}
