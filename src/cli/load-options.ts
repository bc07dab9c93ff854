/**
 * `run` flags of the load ladder and the provider presets: --cloud, --concurrency, --request-rate,
 * --slo, --level-requests. Applied on top of the suite the other flags made; bounds checked here,
 * before any request is sent.
 */
import type { Command } from 'commander';
import { EdgebenchError } from '../errors.ts';
import type { SuiteFile } from '../config/suite.ts';
import { cloudSettings, getProvider } from '../cloud/presets.ts';
import { LoadPlan, MAX_REQUESTS_PER_LEVEL, parseConcurrency, parseRequestRates, parseSlo } from '../load/plan.ts';
import { runnerIdFor } from '../runners/registry.ts';

export interface LoadFlags {
  cloud?: string;
  concurrency?: string;
  requestRate?: string;
  slo?: string;
  levelRequests?: string;
  apiModel?: string;
}

export function addLoadOptions(cmd: Command): Command {
  return cmd
    .option(
      '--cloud <provider>',
      'an OpenAI-compatible provider preset (edgebench cloud list): base URL, model name per preset, key variable',
    )
    .option(
      '--concurrency <list>',
      'concurrency ladder after each cell, e.g. 1,2,4,8,16 (1..1024): per-request TTFT/TPOT/ITL, tok/s total and per user, goodput',
    )
    .option('--request-rate <list>', 'open-loop ladder levels: Poisson arrivals per second, e.g. 1,2,4')
    .option('--slo <objective>', 'goodput objective, e.g. ttft=500,tpot=50[,attainment=0.9] (default: the C1 claim, ttft=40,tpot=40)')
    .option('--level-requests <n>', `requests per ladder level (default max(8, 4 × concurrency); at most ${MAX_REQUESTS_PER_LEVEL})`);
}

export function applyLoadFlags(suite: SuiteFile, f: LoadFlags): SuiteFile {
  const s = structuredClone(suite);
  if (f.cloud) {
    const p = getProvider(f.cloud);
    if (s.models.length !== 1)
      throw new EdgebenchError(
        'USAGE',
        `--cloud ${f.cloud} takes one --model (got ${s.models.length})`,
        'e.g. --cloud groq --model llama-3.1-8b',
      );
    const c = cloudSettings(p, s.models[0]!, f.apiModel);
    const endpointRunner = runnerIdFor('endpoint');
    s.runners = [endpointRunner];
    s.runnerSettings[endpointRunner] = {
      ...s.runnerSettings[endpointRunner],
      endpoint: c.endpoint,
      fixedLength: c.fixedLength,
      ...(c.model !== null && { model: c.model }),
      ...(c.apiKeyEnv !== null && { apiKeyEnv: c.apiKeyEnv }),
    };
  }
  if (f.concurrency || f.requestRate || f.slo || f.levelRequests) {
    let levelRequests: number | undefined;
    if (f.levelRequests !== undefined) {
      levelRequests = Number(f.levelRequests);
      if (!Number.isInteger(levelRequests) || levelRequests < 1 || levelRequests > MAX_REQUESTS_PER_LEVEL) {
        throw new EdgebenchError(
          'USAGE',
          `--level-requests ${f.levelRequests}: expected a whole number from 1 to ${MAX_REQUESTS_PER_LEVEL}`,
          'e.g. --level-requests 32',
        );
      }
    }
    const raw = {
      ...s.load,
      ...(f.concurrency && { concurrency: parseConcurrency(f.concurrency) }),
      ...(f.requestRate && { requestRates: parseRequestRates(f.requestRate) }),
      ...(f.slo && { slo: { ...s.load?.slo, ...parseSlo(f.slo) } }),
      ...(levelRequests !== undefined && { requestsPerLevel: levelRequests }),
    };
    const r = LoadPlan.safeParse(raw);
    if (!r.success)
      throw new EdgebenchError(
        'USAGE',
        `load flags: ${r.error.issues[0]?.message}`,
        'add --concurrency 1,2,4 or --request-rate 1,2 to --slo / --level-requests',
      );
    s.load = r.data;
  }
  return s;
}
