/**
 * Upgrade-on-read: results written by an older edgebench are converted to the current schema
 * before validation, one version step at a time, so old run folders stay analysable.
 *
 * History
 *   v0 (pre-release): per-request token times in nanoseconds as `tokenTimesNs`; peak RSS as
 *      `peakRss`; no `rssAfterLoadBytes` / `memoryBandwidthBytesPerS`; run.json had `version`
 *      instead of `edgebenchVersion` and no `status` (v0 wrote run.json only when a run completed).
 *   v1: per-token times in ms; minTimeS/maxTimeS counted wall time of the measured phase.
 *   v2: optional `stopping` (rule and reason), `machine` (other processes' CPU, steal, clock,
 *      temperature) and `interleave` per cell; times of the run rules count timed windows. v1 files
 *      have none of the new fields and upgrade unchanged.
 *   v3: current (src/results/schema.ts): `model.weights` synthetic|real (from `model.synthetic`);
 *      `environment.device` with the device class, its evidence and source. v2 environments get
 *      the class their recorded facts allow (a battery → laptop, a mobile browser → phone), else
 *      'unknown', saying so.
 */
import { z } from 'zod';
import { EdgebenchError, zodToError } from '../errors.ts';
import { classifyBrowser } from '../edge-cloud/device-class.ts';
import { CellResult, Environment, ModelInfo, RequestTrace, RunManifest, SCHEMA_VERSION, type DeviceInfo } from './schema.ts';

const HINT = 'the file is damaged or was not written by edgebench; rerun that cell (--resume) or the whole run';

const RequestTraceV0 = z.strictObject({
  ...RequestTrace.omit({ tokenTimesMs: true }).shape,
  tokenTimesNs: z.array(z.number().nonnegative()),
});

const ModelInfoV2 = ModelInfo.omit({ weights: true });
const EnvironmentV2 = Environment.omit({ device: true });

const CellResultV2 = z.strictObject({
  ...CellResult.omit({ schemaVersion: true, model: true }).shape,
  schemaVersion: z.literal(2),
  model: ModelInfoV2.nullable(),
});

const RunManifestV2 = z.strictObject({
  ...RunManifest.omit({ schemaVersion: true, environment: true }).shape,
  schemaVersion: z.literal(2),
  environment: EnvironmentV2,
});

const CellResultV0 = z.strictObject({
  ...CellResultV2.omit({ schemaVersion: true, requests: true, peakRssBytes: true, rssAfterLoadBytes: true, memoryBandwidthBytesPerS: true }).shape,
  schemaVersion: z.literal(0),
  requests: z.array(RequestTraceV0),
  peakRss: z.number().nonnegative().nullable(),
});

const RunManifestV0 = z.strictObject({
  ...RunManifestV2.omit({ schemaVersion: true, edgebenchVersion: true, status: true, clock: true }).shape,
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
  2: (raw, where) => {
    const c = parseOld(CellResultV2, raw, where, 2);
    return { ...c, schemaVersion: 3, model: c.model ? { ...c.model, weights: c.model.synthetic ? 'synthetic' : 'real' } : null };
  },
};

/** The class a pre-v3 environment's recorded facts allow; 'unknown' (saying why) when they decide nothing. */
export function deviceFromV2(env: z.infer<typeof EnvironmentV2>): DeviceInfo {
  const base = { source: 'detected' as const, priceUsd: null };
  if (env.kind === 'browser' && env.userAgent) {
    const b = classifyBrowser({ userAgent: env.userAgent, mobile: null, maxTouchPoints: null, battery: env.power.batteryPercent !== null ? { charging: env.power.source !== 'battery', level: env.power.batteryPercent / 100 } : null });
    return { ...base, class: b.class, evidence: [...b.evidence, 'derived on read from results written before device classes were recorded'] };
  }
  if (env.power.source === 'battery' || env.power.batteryPercent !== null) {
    return { ...base, class: 'laptop', evidence: ['system battery recorded (power)', 'derived on read from results written before device classes were recorded'] };
  }
  return { ...base, class: 'unknown', evidence: ['results written before device classes were recorded (schema < v3); their facts do not decide it'] };
}

const MANIFEST_STEPS: Record<number, Step> = {
  0: (raw, where) => {
    const { version, ...rest } = parseOld(RunManifestV0, raw, where, 0);
    return { ...rest, schemaVersion: 1, edgebenchVersion: version, status: 'complete' };
  },
  1: (raw) => ({ ...(raw as object), schemaVersion: 2 }),
  2: (raw, where) => {
    const m = parseOld(RunManifestV2, raw, where, 2);
    return { ...m, schemaVersion: 3, environment: { ...m.environment, device: deviceFromV2(m.environment) } };
  },
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
