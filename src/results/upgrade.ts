/**
 * Upgrade-on-read: results written by an older edgebench are converted to the current schema
 * before validation, one version step at a time, so old run folders stay analysable.
 *
 * History
 *   v0 (pre-release): per-request token times in nanoseconds as `tokenTimesNs`; peak RSS as
 *      `peakRss`; no `rssAfterLoadBytes` / `memoryBandwidthBytesPerS`; run.json had `version`
 *      instead of `edgebenchVersion` and no `status` (v0 wrote run.json only when a run completed).
 *   v1: per-token times in ms; minTimeS/maxTimeS counted wall time of the measured phase.
 *   v2: current (src/results/schema.ts): optional `stopping` (rule and reason), `machine` (other
 *      processes' CPU, steal, clock, temperature) and `interleave` per cell; times of the run rules
 *      count timed windows. v1 files have none of the new fields and upgrade unchanged.
 */
import { z } from 'zod';
import { EdgebenchError, zodToError } from '../errors.ts';
import { CellResult, RequestTrace, RunManifest, SCHEMA_VERSION } from './schema.ts';

const HINT = 'the file is damaged or was not written by edgebench; rerun that cell (--resume) or the whole run';

const RequestTraceV0 = z.strictObject({
  ...RequestTrace.omit({ tokenTimesMs: true }).shape,
  tokenTimesNs: z.array(z.number().nonnegative()),
});

const CellResultV0 = z.strictObject({
  ...CellResult.omit({ schemaVersion: true, requests: true, peakRssBytes: true, rssAfterLoadBytes: true, memoryBandwidthBytesPerS: true }).shape,
  schemaVersion: z.literal(0),
  requests: z.array(RequestTraceV0),
  peakRss: z.number().nonnegative().nullable(),
});

const RunManifestV0 = z.strictObject({
  ...RunManifest.omit({ schemaVersion: true, edgebenchVersion: true, status: true, clock: true }).shape,
  schemaVersion: z.literal(0),
  version: z.string(),
});

type Step = (raw: unknown, where: string) => unknown;

function parseOld<T>(schema: z.ZodType<T>, raw: unknown, where: string, version: number): T {
  const r = schema.safeParse(raw);
  if (!r.success) throw zodToError('RESULTS_INVALID', `${where} (schema v${version})`, r.error, HINT);
  return r.data;
}

const CELL_STEPS: Record<number, Step> = {
  0: (raw, where) => {
    const { peakRss, requests, ...rest } = parseOld(CellResultV0, raw, where, 0);
    return {
      ...rest,
      schemaVersion: 1,
      requests: requests.map(({ tokenTimesNs, ...r }) => ({ ...r, tokenTimesMs: tokenTimesNs.map((ns) => ns / 1e6) })),
      peakRssBytes: peakRss,
      rssAfterLoadBytes: null,
      memoryBandwidthBytesPerS: null,
    };
  },
  // v2 only adds optional fields: a v1 cell is a valid v2 cell (validated by the caller)
  1: (raw) => ({ ...(raw as object), schemaVersion: 2 }),
};

const MANIFEST_STEPS: Record<number, Step> = {
  0: (raw, where) => {
    const { version, ...rest } = parseOld(RunManifestV0, raw, where, 0);
    return { ...rest, schemaVersion: 1, edgebenchVersion: version, status: 'complete' };
  },
  1: (raw) => ({ ...(raw as object), schemaVersion: 2 }),
};

function schemaVersionOf(raw: unknown, where: string): number {
  const v = typeof raw === 'object' && raw !== null && 'schemaVersion' in raw ? raw.schemaVersion : undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new EdgebenchError('RESULTS_INVALID', `${where}: schemaVersion: missing or not a non-negative integer`, HINT);
  }
  if (v > SCHEMA_VERSION) {
    throw new EdgebenchError(
      'RESULTS_INVALID',
      `${where}: written with results schema v${v}, this edgebench reads up to v${SCHEMA_VERSION}`,
      'upgrade edgebench to read these results',
    );
  }
  return v;
}

function upgradeWith(steps: Record<number, Step>, raw: unknown, where: string): unknown {
  let v = schemaVersionOf(raw, where);
  let cur = raw;
  while (v < SCHEMA_VERSION) {
    const step = steps[v];
    if (!step) throw new EdgebenchError('RESULTS_INVALID', `${where}: results schema v${v} is no longer readable`, HINT);
    cur = step(cur, where);
    v++;
  }
  return cur;
}

/** Bring a parsed cell file to the current schema (validate the result with CellResult). */
export function upgradeCell(raw: unknown, where: string): unknown {
  return upgradeWith(CELL_STEPS, raw, where);
}

/** Bring a parsed run.json to the current schema (validate the result with RunManifest). */
export function upgradeManifest(raw: unknown, where: string): unknown {
  return upgradeWith(MANIFEST_STEPS, raw, where);
}
