/**
 * The load plan of a run (suite `load:` or `--concurrency` / `--request-rate` / `--slo`): the levels
 * of the ladder, how many requests each level sends, its time cap, and the service-level objective
 * for goodput. Every number has a bound checked before any request is sent.
 */
import { z } from 'zod';
import { defaultClaimsConfig } from '../claims/config.ts';
import { EdgebenchError } from '../errors.ts';

export const MAX_CONCURRENCY = 1024;
export const MAX_RATE_PER_S = 10_000;
export const MAX_LEVELS = 32;
export const MAX_REQUESTS_PER_LEVEL = 100_000;

const claims = defaultClaimsConfig();

/** Default objective: the laptop claim's thresholds (C1: TTFT ≤ 40 ms, TPOT ≤ 40 ms); 90 % of requests must meet both. */
export const Slo = z.strictObject({
  ttftMs: z.number().positive().max(1e6).default(claims.C1.ttftMaxMs),
  tpotMs: z.number().positive().max(1e6).default(claims.C1.tpotMaxMs),
  /** share of a level's requests that must meet both for the level to meet the objective */
  attainment: z.number().gt(0).max(1).default(0.9),
});
export type Slo = z.infer<typeof Slo>;

export const LoadPlan = z
  .strictObject({
    concurrency: z.array(z.number().int().min(1).max(MAX_CONCURRENCY)).max(MAX_LEVELS).default([]),
    /** open-loop levels: Poisson arrivals at this many requests per second */
    requestRates: z.array(z.number().positive().max(MAX_RATE_PER_S)).max(MAX_LEVELS).default([]),
    /** requests per level (default: max(8, 4 × concurrency), or 4 s of arrivals at least 8) */
    requestsPerLevel: z.number().int().min(1).max(MAX_REQUESTS_PER_LEVEL).optional(),
    /** a level stops issuing requests after this long */
    levelMaxTimeS: z.number().positive().max(3600).default(120),
    /** open loop: requests in flight at most (arrivals beyond wait, and the wait is recorded) */
    maxInFlight: z.number().int().min(1).max(MAX_CONCURRENCY).default(256),
    slo: Slo.prefault({}),
  })
  .refine((p) => p.concurrency.length + p.requestRates.length > 0, { message: 'a load plan needs concurrency levels or request rates' });
export type LoadPlan = z.infer<typeof LoadPlan>;

export type LevelSpec = { mode: 'concurrency'; concurrency: number } | { mode: 'rate'; ratePerS: number; maxInFlight: number };

export function levelsOf(p: LoadPlan): LevelSpec[] {
  return [
    ...p.concurrency.map((c) => ({ mode: 'concurrency' as const, concurrency: c })),
    ...p.requestRates.map((r) => ({ mode: 'rate' as const, ratePerS: r, maxInFlight: p.maxInFlight })),
  ];
}

export function requestsFor(p: LoadPlan, l: LevelSpec): number {
  if (p.requestsPerLevel !== undefined) return p.requestsPerLevel;
  return l.mode === 'concurrency'
    ? Math.max(8, 4 * l.concurrency)
    : Math.min(MAX_REQUESTS_PER_LEVEL, Math.max(8, Math.ceil(4 * l.ratePerS)));
}

const list = (v: string) =>
  v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** `--concurrency 1,2,4` → [1, 2, 4], refusing 0, fractions and anything above MAX_CONCURRENCY. */
export function parseConcurrency(v: string): number[] {
  const out = list(v).map(Number);
  const bad = list(v).find((x, i) => !Number.isInteger(out[i]) || out[i]! < 1 || out[i]! > MAX_CONCURRENCY);
  if (out.length === 0 || bad !== undefined) {
    throw new EdgebenchError(
      'USAGE',
      `--concurrency ${v}: ${bad !== undefined ? `'${bad}' is not` : 'expected'} a whole number of parallel requests from 1 to ${MAX_CONCURRENCY}`,
      'e.g. --concurrency 1,2,4,8,16',
    );
  }
  if (out.length > MAX_LEVELS)
    throw new EdgebenchError('USAGE', `--concurrency: ${out.length} levels, at most ${MAX_LEVELS}`, 'e.g. --concurrency 1,2,4,8,16');
  return out;
}

/** `--request-rate 2,5.5` → requests per second (Poisson arrivals). */
export function parseRequestRates(v: string): number[] {
  const out = list(v).map(Number);
  const bad = list(v).find((x, i) => !Number.isFinite(out[i]) || out[i]! <= 0 || out[i]! > MAX_RATE_PER_S);
  if (out.length === 0 || bad !== undefined) {
    throw new EdgebenchError(
      'USAGE',
      `--request-rate ${v}: ${bad !== undefined ? `'${bad}' is not` : 'expected'} a rate in requests per second above 0 and at most ${MAX_RATE_PER_S}`,
      'e.g. --request-rate 1,2,4',
    );
  }
  if (out.length > MAX_LEVELS)
    throw new EdgebenchError('USAGE', `--request-rate: ${out.length} levels, at most ${MAX_LEVELS}`, 'e.g. --request-rate 1,2,4');
  return out;
}

/** `--slo ttft=500,tpot=50[,attainment=0.95]` → an objective (unnamed parts keep their defaults). */
export function parseSlo(v: string): Partial<Slo> {
  const out: Partial<Slo> = {};
  const keys = { ttft: 'ttftMs', tpot: 'tpotMs', attainment: 'attainment' } as const;
  for (const part of list(v)) {
    const [k, val] = part.split('=').map((x) => x.trim());
    const key = keys[k as keyof typeof keys];
    const n = Number(val);
    if (!key || val === undefined || !Number.isFinite(n) || n <= 0) {
      throw new EdgebenchError(
        'USAGE',
        `--slo ${v}: '${part}' is not name=positive number with name ttft, tpot or attainment`,
        'e.g. --slo ttft=500,tpot=50 (milliseconds)',
      );
    }
    out[key] = n;
  }
  const r = Slo.safeParse(out);
  if (!r.success)
    throw new EdgebenchError(
      'USAGE',
      `--slo ${v}: ${r.error.issues[0]?.path.join('.')} ${r.error.issues[0]?.message}`,
      'ttft and tpot in ms up to 1e6; attainment a share in (0, 1]',
    );
  return out;
}

/** Requests in flight at the ladder's top level (open loop: its in-flight cap): what a batching runner prepares for. */
export function maxParallel(p: LoadPlan): number {
  return Math.max(1, ...p.concurrency, ...(p.requestRates.length ? [p.maxInFlight] : []));
}
