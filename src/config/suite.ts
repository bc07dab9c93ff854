/**
 * Suite files (harness/*.yaml): models × runners × EPs × threads × shapes, with repetition rules.
 * Unknown keys are errors naming the key, the file and the line; so are runner settings the runner
 * does not take (each runner's schema is checked here, before anything loads).
 */
import { issueError, parseYamlWith, readYamlText, type YamlDoc } from './yaml-doc.ts';
import { join } from 'node:path';
import { z } from 'zod';
import { EdgebenchError } from '../errors.ts';
import { runnerEntry, runnerIdFor, type RunnerEntry } from '../runners/registry.ts';
import { validKeys } from '../runners/settings.ts';
import { RepetitionPolicy } from './policy.ts';
import { PROJECT_ROOT } from '../version.ts';
import { parseShape } from './shapes.ts';
import { expandMatrix } from './matrix.ts';
import { BOUNDS, boundedInt, threadCount } from './bounds.ts';
import { LoadPlan } from '../load/plan.ts';

const Setting = z.union([z.string(), z.number(), z.boolean()]);

export const SuiteFile = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  models: z.array(z.string().min(1)).min(1),
  dtype: z.string().default('q4'),
  style: z.enum(['optimum', 'genai']).default('optimum'),
  runners: z
    .array(z.string().min(1))
    .min(1)
    .default(() => [runnerIdFor('default')]),
  eps: z.array(z.string().min(1)).min(1).default(['cpu']),
  /** 'auto' = the runtime's default (physical cores) */
  threads: z
    .array(z.union([threadCount(), z.literal('auto')]))
    .min(1)
    .default(['auto']),
  shapes: z.array(z.string()).min(1).max(1000),
  repetitions: RepetitionPolicy.default({ warmup: 1, minCount: 5, minTimeS: 10, maxCount: 200, maxTimeS: 300, cooldownS: 0 }),
  seed: boundedInt(0, BOUNDS.seed, 'seed').default(42),
  prompt: z
    .union([
      z.strictObject({ kind: z.literal('tokens') }),
      z.strictObject({
        kind: z.literal('text'),
        text: z
          .string()
          .min(1)
          .max(BOUNDS.tokens * 4),
      }),
    ])
    .default({ kind: 'tokens' }),
  runnerSettings: z.record(z.string(), z.record(z.string(), Setting)).default({}),
  /** concurrency ladder / request rates and the goodput objective (src/load/plan.ts) */
  load: LoadPlan.optional(),
  /** run the quality stage after measuring (KL vs a reference of the same weights); `run --quality` turns it on */
  quality: z.boolean().optional(),
});
export type SuiteFile = z.infer<typeof SuiteFile>;

export const PRESET_SUITES = ['quick', 'ci', 'publish', 'claims'] as const;

export function suitePath(nameOrPath: string): string {
  if ((PRESET_SUITES as readonly string[]).includes(nameOrPath)) return join(PROJECT_ROOT, 'harness', `${nameOrPath}.yaml`);
  return nameOrPath;
}

export function loadSuite(nameOrPath: string): SuiteFile {
  const file = suitePath(nameOrPath);
  return parseSuiteText(readYamlText(file, 'suite file', `use a preset (${PRESET_SUITES.join(', ')}) or a path to a YAML suite`), file);
}

export function parseSuiteText(text: string, file: string): SuiteFile {
  return parseYamlWith(SuiteFile, text, file, {
    hint: 'see harness/quick.yaml for a complete example',
    after(suite, y) {
      for (const s of suite.shapes) {
        try {
          parseShape(s);
        } catch (e) {
          throw new EdgebenchError(
            'CONFIG_INVALID',
            `${file}: shapes: ${(e as Error).message}`,
            'shapes look like pp512, tg128, pp512+tg128 or tg128@d1024',
          );
        }
      }
      checkRunnerSettings(suite.runnerSettings, y);
      try {
        expandMatrix(suite); // duplicate cells and the matrix bound, before any work
      } catch (e) {
        if (e instanceof EdgebenchError) throw new EdgebenchError(e.code, `${file}: ${e.message}`, e.hint);
        throw e;
      }
    },
  });
}

/** Each runner's settings against its own schema, before anything is loaded. */
function checkRunnerSettings(all: SuiteFile['runnerSettings'], y: YamlDoc): void {
  for (const [id, raw] of Object.entries(all)) {
    let entry: RunnerEntry;
    try {
      entry = runnerEntry(id);
    } catch (e) {
      throw new EdgebenchError(
        'CONFIG_INVALID',
        `${y.at(['runnerSettings', id], true)}: runnerSettings: ${(e as Error).message}`,
        (e as EdgebenchError).hint ?? '',
      );
    }
    const r = entry.settings.safeParse(raw);
    if (!r.success) throw issueError(y, r.error.issues[0]!, ['runnerSettings', id], validKeys(entry.settings));
  }
}
