/** Runner settings are checked against the runner's own schema; a runner re-parses them to get its defaults. */
import type { z } from 'zod';
import { EdgebenchError } from '../errors.ts';
import type { RunnerSettingsSchema } from './types.ts';

export function validKeys(schema: RunnerSettingsSchema): string {
  const keys = Object.keys(schema.shape);
  return keys.length ? `valid keys: ${keys.join(', ')}` : 'this runner takes no settings: remove the entry';
}

/** One issue as `key: problem` (unknown keys named). */
export function settingsIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key '${issue.keys.join("', '")}'`;
  return `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`;
}

/** Parse `runnerSettings.<id>` (suites were checked when read; this covers settings built in code). */
export function parseRunnerSettings<S extends RunnerSettingsSchema>(id: string, schema: S, raw: Record<string, unknown>): z.output<S> {
  const r = schema.safeParse(raw);
  if (!r.success)
    throw new EdgebenchError('CONFIG_INVALID', `runnerSettings.${id}: ${settingsIssue(r.error.issues[0]!)}`, validKeys(schema));
  return r.data;
}
