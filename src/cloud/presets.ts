/**
 * Provider presets (references/providers.yaml, dated): `--cloud <name>` turns into openai-http
 * settings — the API base, the model name for the suite's model preset, the key variable, and
 * fixed-length fields only where the provider honours them. Validated with zod on read.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { EdgebenchError, zodToError } from '../errors.ts';
import { PROJECT_ROOT } from '../version.ts';

export const PROVIDERS_FILE = join(PROJECT_ROOT, 'references', 'providers.yaml');

const Tri = z.boolean().nullable();

export const Provider = z.strictObject({
  title: z.string().min(1),
  base_url: z.url({ protocol: /^https?$/ }),
  /** where the key comes from; null = no key needed (local servers) */
  key_env: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]*$/)
    .nullable(),
  local: z.boolean(),
  /** edgebench model preset id → the provider's model name */
  models: z.record(z.string().min(1), z.string().min(1)),
  note: z.string().optional(),
  honours: z.strictObject({ ignore_eos: Tri, min_tokens: Tri, stream_options: Tri, logprobs: Tri, rejects_unknown_fields: Tri }),
});
export type Provider = z.infer<typeof Provider>;

export const ProvidersFile = z.strictObject({
  compiled: z.union([z.string(), z.date()]).transform((d) => (d instanceof Date ? d.toISOString().slice(0, 10) : d)),
  verified_online: z.boolean(),
  providers: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), Provider),
});
export type ProvidersFile = z.infer<typeof ProvidersFile>;

export function loadProviders(file = PROVIDERS_FILE): ProvidersFile {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'), { maxAliasCount: 100 });
  } catch (e) {
    throw new EdgebenchError(
      'CONFIG_INVALID',
      `${file}: ${(e as Error).message.split('\n')[0]}`,
      'restore references/providers.yaml from git',
    );
  }
  const r = ProvidersFile.safeParse(raw);
  if (!r.success) throw zodToError('CONFIG_INVALID', file, r.error, 'see the comment at the top of references/providers.yaml');
  return r.data;
}

export function getProvider(name: string, file?: string): Provider & { name: string } {
  const all = loadProviders(file);
  const p = all.providers[name];
  if (!p) {
    throw new EdgebenchError(
      'USAGE',
      `unknown provider '${name}'`,
      `one of: ${Object.keys(all.providers).join(', ')} (details: edgebench cloud list)`,
    );
  }
  return { ...p, name };
}

export interface CloudSettings {
  endpoint: string;
  model: string | null;
  fixedLength: boolean;
  apiKeyEnv: string | null;
}

/** openai-http settings for `--cloud <name>` and the suite's model; refuses a missing key, naming its variable. */
export function cloudSettings(
  p: Provider & { name: string },
  modelPreset: string,
  apiModel: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): CloudSettings {
  if (p.key_env && !env[p.key_env]?.trim() && !env.EDGEBENCH_API_KEY?.trim()) {
    throw new EdgebenchError(
      'USAGE',
      `--cloud ${p.name} needs an API key in ${p.key_env}, which is not set`,
      `export ${p.key_env}=… (or EDGEBENCH_API_KEY=…)`,
    );
  }
  const model = apiModel ?? p.models[modelPreset] ?? null;
  if (model === null && !p.local) {
    const known = Object.keys(p.models);
    throw new EdgebenchError(
      'USAGE',
      `${p.title} has no model for preset '${modelPreset}' in ${PROVIDERS_FILE.replace(`${PROJECT_ROOT}/`, '')}`,
      known.length
        ? `use --model ${known.join(' | ')}, or name the provider's model with --api-model`
        : "name the provider's model with --api-model",
    );
  }
  return { endpoint: p.base_url, model, fixedLength: p.honours.ignore_eos === true || p.honours.min_tokens === true, apiKeyEnv: p.key_env };
}

const tri = (v: boolean | null) => (v === null ? '?' : v ? 'yes' : 'no');

/** `edgebench cloud list`: one line per provider, then what the columns mean. */
export function formatProviders(f: ProvidersFile): string {
  const rows = Object.entries(f.providers).map(([name, p]) => [
    name,
    p.base_url,
    p.key_env ?? '(none)',
    Object.keys(p.models).join(' ') || '(any: --api-model)',
    `${tri(p.honours.ignore_eos)}/${tri(p.honours.min_tokens)}/${tri(p.honours.stream_options)}/${tri(p.honours.logprobs)}`,
  ]);
  const head = ['name', 'base URL', 'key variable', 'models (edgebench presets)', 'eos/min/usage/logprobs'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [
    `providers compiled ${f.compiled}${f.verified_online ? '' : ' (from documentation; not re-checked online)'}`,
    line(head),
    ...rows.map(line),
    'honours: ignore_eos / min_tokens / stream_options usage / logprobs — yes, no, ? = not known; fixed-length fields are sent only where one is yes',
  ].join('\n');
}
