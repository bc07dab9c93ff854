/**
 * Assertion files (edgebench.assert.yaml), after Lighthouse CI's assertions: per metric a level
 * `off | warn | error`, optionally with bounds:
 *
 *   assertions:
 *     decodeTokensPerS: [error, { minDecodeTokensPerS: 20, maxRegressionPct: 10, aggregation: pessimistic }]
 *     ttftMs: [warn, { maxTtftMs: 500 }]
 *     tpotMs: error            # a level alone: fail when `compare` calls it regressed (needs a baseline)
 *   assertMatrix:              # per-cell overrides, matched on the cell key
 *     - match: { shape: pp128 }
 *       assertions: { ttftMs: [error, { max: 800 }] }
 *
 * Bounds: `min` / `max` (also spelled min<Metric> / max<Metric>), `maxRegressionPct` against a
 * baseline. Unknown metrics and keys are errors naming them, the file and the line.
 */
import { parseYamlWith, readYamlText, type YamlDoc } from '../config/yaml-doc.ts';
import { matchPatternProblem } from './match-pattern.ts';
import { z } from 'zod';
import { EdgebenchError } from '../errors.ts';
import { MetricName } from '../results/schema.ts';
import { DEFAULT_ALPHA } from '../compare/compare-samples.ts';

export const Level = z.enum(['off', 'warn', 'error']);
export type Level = z.infer<typeof Level>;
export const Aggregation = z.enum(['median', 'pessimistic']);
export type Aggregation = z.infer<typeof Aggregation>;

const Bounds = z.strictObject({
  min: z.number().optional(),
  max: z.number().optional(),
  maxRegressionPct: z.number().nonnegative().optional(),
  aggregation: Aggregation.optional(),
});
const Entry = z.union([Level, z.tuple([Level]), z.tuple([Level, Bounds])]);
const Assertions = z.record(z.string(), Entry);
/** a literal or a `/regex/flags`, compiled here so a bad pattern names its field */
const Pattern = z.string().superRefine((v, ctx) => {
  const why = matchPatternProblem(v);
  if (why) ctx.addIssue({ code: 'custom', message: `${why}; write a literal, or /pattern/ with a valid JavaScript regular expression` });
});
const Match = z.strictObject({
  model: Pattern.optional(),
  dtype: Pattern.optional(),
  runner: Pattern.optional(),
  ep: Pattern.optional(),
  threads: z.union([z.number().int().positive(), z.literal('auto')]).optional(),
  shape: Pattern.optional(),
});
export type CellMatch = z.infer<typeof Match>;

const AssertFileSchema = z.strictObject({
  /** results folder to compare against for maxRegressionPct / level-only entries (--baseline wins) */
  baseline: z.string().optional(),
  /** noise band for level-only entries: dedicated | laptop | ci, or a percentage */
  environment: z.string().optional(),
  noiseBandPct: z.number().min(0).lt(100).optional(),
  alpha: z.number().gt(0).lt(1).default(DEFAULT_ALPHA),
  /** default aggregation of every bound */
  aggregation: Aggregation.default('median'),
  /** level of the implicit check that every head cell is ok and has measured requests */
  cellStatus: Level.default('error'),
  assertions: Assertions.default({}),
  assertMatrix: z.array(z.strictObject({ match: Match, assertions: Assertions })).default([]),
});

export interface MetricAssertion {
  level: Level;
  min?: number;
  max?: number;
  maxRegressionPct?: number;
  aggregation: Aggregation;
}

export interface AssertConfig {
  file: string;
  baseline?: string;
  environment?: string;
  noiseBandPct?: number;
  alpha: number;
  cellStatus: Level;
  assertions: Partial<Record<MetricName, MetricAssertion>>;
  assertMatrix: { match: CellMatch; assertions: Partial<Record<MetricName, MetricAssertion>> }[];
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const VALID_METRICS = () => `valid metrics: ${MetricName.options.join(', ')}`;

/** Rename min<Metric>/max<Metric> to min/max, refusing ones that name another metric. */
function normalizeBounds(raw: unknown, metric: string, where: () => string): unknown {
  if (!Array.isArray(raw) || raw.length < 2 || typeof raw[1] !== 'object' || raw[1] === null || Array.isArray(raw[1])) return raw;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw[1] as Record<string, unknown>)) {
    const m = /^(min|max)([A-Z]\w*)$/.exec(k);
    if (m && k !== 'maxRegressionPct') {
      const named = m[2]!.charAt(0).toLowerCase() + m[2]!.slice(1);
      if (named !== metric) {
        throw new EdgebenchError(
          'CONFIG_INVALID',
          `${where()}: '${k}' under '${metric}' bounds another metric`,
          `write it as ${m[1]}${cap(metric)} (or ${m[1]}), or move it under '${named}'`,
        );
      }
      out[m[1]!] = v;
    } else out[k] = v;
  }
  return [raw[0], out, ...raw.slice(2)];
}

function checkMetrics(y: YamlDoc, raw: unknown, path: (string | number)[]): void {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return; // zod reports the type
  const obj = raw as Record<string, unknown>;
  for (const name of Object.keys(obj)) {
    const where = () => y.at([...path, name], true);
    if (!MetricName.safeParse(name).success) {
      const bound = /^(min|max)([A-Z]\w*)$/.exec(name);
      const metric = bound ? bound[2]!.charAt(0).toLowerCase() + bound[2]!.slice(1) : null;
      if (metric && MetricName.safeParse(metric).success) {
        throw new EdgebenchError(
          'CONFIG_INVALID',
          `${where()}: '${name}' is a bound, not a metric`,
          `write it as ${metric}: [error, { ${name}: ${String(obj[name])} }]`,
        );
      }
      throw new EdgebenchError('CONFIG_INVALID', `${where()}: unknown metric '${name}'`, VALID_METRICS());
    }
    obj[name] = normalizeBounds(obj[name], name, where);
  }
}

function entryOf(raw: z.infer<typeof Entry>, defaultAggregation: Aggregation): MetricAssertion {
  if (typeof raw === 'string') return { level: raw, aggregation: defaultAggregation };
  const [level, b] = raw;
  return {
    level,
    aggregation: b?.aggregation ?? defaultAggregation,
    ...(b?.min !== undefined && { min: b.min }),
    ...(b?.max !== undefined && { max: b.max }),
    ...(b?.maxRegressionPct !== undefined && { maxRegressionPct: b.maxRegressionPct }),
  };
}

function entries(raw: Record<string, z.infer<typeof Entry>>, agg: Aggregation): Partial<Record<MetricName, MetricAssertion>> {
  const out: Partial<Record<MetricName, MetricAssertion>> = {};
  for (const [name, e] of Object.entries(raw)) out[MetricName.parse(name)] = entryOf(e, agg);
  return out;
}

export function parseAssertText(text: string, file: string): AssertConfig {
  const c = parseYamlWith(AssertFileSchema, text, file, {
    hint: 'an entry is `level` or `[level, { min, max, maxRegressionPct, aggregation }]`; level is off, warn or error; aggregation median or pessimistic',
    before(raw, y) {
      if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
        const r = raw as Record<string, unknown>;
        checkMetrics(y, r.assertions, ['assertions']);
        if (Array.isArray(r.assertMatrix))
          r.assertMatrix.forEach((m: unknown, i) =>
            checkMetrics(y, (m as Record<string, unknown> | null)?.assertions, ['assertMatrix', i, 'assertions']),
          );
      }
      return raw;
    },
  });
  return {
    file,
    ...(c.baseline !== undefined && { baseline: c.baseline }),
    ...(c.environment !== undefined && { environment: c.environment }),
    ...(c.noiseBandPct !== undefined && { noiseBandPct: c.noiseBandPct }),
    alpha: c.alpha,
    cellStatus: c.cellStatus,
    assertions: entries(c.assertions, c.aggregation),
    assertMatrix: c.assertMatrix.map((m) => ({ match: m.match, assertions: entries(m.assertions, c.aggregation) })),
  };
}

export function loadAssertConfig(file: string): AssertConfig {
  return parseAssertText(
    readYamlText(file, 'assertion file', 'pass --config <file>; see edgebench.assert.yaml in the edgebench repository for an example'),
    file,
  );
}
