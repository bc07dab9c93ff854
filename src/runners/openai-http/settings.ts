/**
 * Settings of the openai-http runner (suite `runnerSettings.openai-http`, or `edgebench run
 * --endpoint … --api-model …`), the endpoint URL rules, and the API key (from the environment only).
 */
import { z } from 'zod';
import { EdgebenchError } from '../../errors.ts';
import { parseRunnerSettings } from '../settings.ts';

export const OpenAiHttpSettings = z.strictObject({
  /** base URL: http://host:port, http://host:port/v1 or https://provider/…/v1 (a suite may leave it to --endpoint; the runner requires it) */
  endpoint: z.string().min(1).optional(),
  /** model name sent in the request body (default: the cell's model id) */
  model: z.string().min(1).optional(),
  api: z.enum(['chat', 'completions']).default('chat'),
  /** send min_tokens + ignore_eos (vLLM, llama.cpp, edgebench serve); off for strict servers that reject unknown fields */
  fixedLength: z.boolean().default(true),
  /** hard limit for one request, stream included (s) */
  timeoutS: z.number().positive().default(120),
  /** retries after 429, 5xx or a network error before the answer starts */
  maxRetries: z.number().int().nonnegative().default(3),
  /** first backoff (ms), doubled per retry, when the server gives no Retry-After */
  retryBaseMs: z.number().nonnegative().default(500),
  /** longest single wait (s); a server asking for more fails the request instead */
  maxRetryWaitS: z.number().positive().default(60),
  seed: z.number().int().optional(),
  /** bust: every prompt unique (no server prompt cache can serve it); warm: the @d context is a shared prefix on purpose */
  promptCache: z.enum(['bust', 'warm']).default('bust'),
  /** read the key from this variable first (provider presets: GROQ_API_KEY, …), then EDGEBENCH_API_KEY / OPENAI_API_KEY */
  apiKeyEnv: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]*$/)
    .optional(),
});
export type OpenAiHttpSettings = z.infer<typeof OpenAiHttpSettings> & { endpoint: string };

export function parseSettings(raw: Record<string, unknown>): OpenAiHttpSettings {
  const s = parseRunnerSettings('openai-http', OpenAiHttpSettings, raw);
  if (s.endpoint === undefined) {
    throw new EdgebenchError(
      'CONFIG_INVALID',
      'openai-http needs an endpoint',
      'pass --endpoint http://127.0.0.1:8080 (or runnerSettings: { openai-http: { endpoint: … } } in the suite)',
    );
  }
  baseUrl(s.endpoint); // validates the URL
  return { ...s, endpoint: s.endpoint };
}

/** The API base (…/v1): a URL already ending in /v<N> is kept, otherwise /v1 is appended. */
export function baseUrl(endpoint: string): URL {
  let u: URL;
  try {
    u = new URL(endpoint);
  } catch {
    throw new EdgebenchError(
      'CONFIG_INVALID',
      `endpoint '${shownEndpoint(endpoint)}' is not a URL`,
      'e.g. --endpoint http://127.0.0.1:8080 or https://api.example.com/v1',
    );
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new EdgebenchError(
      'CONFIG_INVALID',
      `endpoint '${shownEndpoint(endpoint)}' is not http(s)`,
      'e.g. --endpoint http://127.0.0.1:8080',
    );
  }
  const path = u.pathname.replace(/\/+$/, '');
  u.pathname = /\/v\d+$/.test(path) ? path : `${path}/v1`;
  u.search = '';
  u.hash = '';
  return u;
}

export function apiUrl(endpoint: string, route: 'models' | 'chat/completions' | 'completions'): string {
  const b = baseUrl(endpoint);
  b.pathname = `${b.pathname}/${route}`;
  return b.toString();
}

/** The endpoint as it may be written to results and logs: no user:password, no query (keys hide there). */
export function shownEndpoint(endpoint: string): string {
  try {
    const u = new URL(endpoint);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return endpoint.replace(/\/\/[^/@]*@/, '//').replace(/[?#].*$/, '');
  }
}

export interface ApiKey {
  /** the variable it came from — this, never the value, is what results record */
  envName: string;
  value: string;
}

export function apiKeyFromEnv(env: NodeJS.ProcessEnv = process.env, preferred?: string): ApiKey | null {
  for (const envName of [...(preferred ? [preferred] : []), 'EDGEBENCH_API_KEY', 'OPENAI_API_KEY']) {
    const value = env[envName]?.trim();
    if (value) return { envName, value };
  }
  return null;
}

/** Replace the key wherever a server echoed it (error bodies), before any text reaches a result or a log. */
export function redact(text: string, key: ApiKey | null): string {
  return key && key.value.length >= 4 ? text.split(key.value).join('***') : text;
}
