/**
 * Property tests over every parser and validator of user input: generated suites, shapes,
 * assertion and claims configs, meter CSVs and result cells must end as a value or a user error
 * (a catalogue code other than INTERNAL, one line, a hint) — never a raw exception, an unbounded
 * number accepted, or a non-finite number in a summary.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseSuiteText } from '../src/config/suite.ts';
import { parseShape, parseShapes } from '../src/config/shapes.ts';
import { BOUNDS, maxThreads } from '../src/config/bounds.ts';
import { expandMatrix } from '../src/config/matrix.ts';
import { parseAssertText } from '../src/assert/config.ts';
import { assertionsFor } from '../src/assert/evaluate.ts';
import { parseClaimsConfig } from '../src/claims/config.ts';
import { parseYamlSafe } from '../src/config/yaml-doc.ts';
import { parseMeterCsv } from '../src/probes/energy/meter-csv-parse.ts';
import { parseHfConfig } from '../src/models/folder/hf-config.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CellResult, CellSummary, RunManifest, RunSummary, SCHEMA_VERSION } from '../src/results/schema.ts';
import { upgradeManifest } from '../src/results/upgrade.ts';
import { summarizeRun } from '../src/analyze/summarize-run.ts';
import { analyzeCell } from '../src/analyze/analyze-cell.ts';
import { nonFiniteAt, userErrorOrValue } from './helpers/user-error.ts';

const RUNS = { numRuns: 300 };

// numbers a user might type, including the ones that used to hurt: huge, tiny, negative, fractional
const anyNumber = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -1, 1e9, 1e12, 1e308, 100_000_000, 4096, 2 ** 53, 0.5),
);
const scalar = fc.oneof(anyNumber, fc.string({ maxLength: 12 }), fc.boolean(), fc.constant(null));
const shapeText = fc.oneof(
  fc.string({ maxLength: 16 }),
  fc.stringMatching(/^(pp\d{1,22})?(\+?tg\d{1,22})?( ?@ ?d\d{1,22})?$/),
  fc.constantFrom('tg4', 'pp512+tg128', 'tg4@d5000', 'pp0', 'tg4,tg4', 'pp99999999999999999999'),
);

const suiteObject = fc.record(
  {
    name: fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), anyNumber),
    models: fc.oneof(fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }), scalar),
    runners: fc.array(fc.constantFrom('fake', 'ort-node', 'nope', ''), { maxLength: 3 }),
    eps: fc.array(fc.constantFrom('cpu', 'wasm', ''), { maxLength: 2 }),
    threads: fc.array(fc.oneof(anyNumber, fc.constant('auto')), { maxLength: 3 }),
    shapes: fc.array(shapeText, { maxLength: 4 }),
    repetitions: fc.record(
      { warmup: anyNumber, minCount: anyNumber, minTimeS: anyNumber, maxCount: anyNumber, maxTimeS: anyNumber, cooldownS: anyNumber },
      { requiredKeys: [] },
    ),
    seed: anyNumber,
    prompt: fc.oneof(scalar, fc.record({ kind: fc.constantFrom('tokens', 'text'), text: fc.string() }, { requiredKeys: ['kind'] })),
    runnerSettings: fc.dictionary(fc.string({ maxLength: 6 }), fc.dictionary(fc.string({ maxLength: 6 }), scalar, { maxKeys: 2 }), {
      maxKeys: 2,
    }),
  },
  { requiredKeys: [] },
);

/** YAML text: a generated object written out, or text that is barely YAML at all. */
const yamlText = (obj: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 4, arbitrary: obj.map((o) => stringify(o)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'a: &a [1,1]\nb: &b [*a,*a]\nc: [*b,*b,*b]\n',
        ': : :',
        '- [',
        'x: !!binary zz',
        '{a: 1, a: 2}',
        `${'['.repeat(3000)}${']'.repeat(3000)}`,
      ),
    },
  );

describe('generated suites', () => {
  it('load or fail as CONFIG_INVALID, and what loads is bounded', () => {
    fc.assert(
      fc.property(yamlText(suiteObject), (text) => {
        const r = userErrorOrValue(() => parseSuiteText(text, 'fuzz.yaml'));
        if (!r.ok) return;
        const s = r.value;
        for (const t of s.threads) if (t !== 'auto') expect(t).toBeLessThanOrEqual(maxThreads());
        expect(s.repetitions.minCount).toBeLessThanOrEqual(BOUNDS.requests);
        expect(s.repetitions.maxTimeS).toBeLessThanOrEqual(BOUNDS.seconds);
        const cells = expandMatrix(s);
        expect(new Set(cells.map((c) => JSON.stringify(c))).size).toBe(cells.length);
        for (const c of cells) expect(c.shape.promptTokens + c.shape.genTokens + c.shape.depth).toBeLessThanOrEqual(3 * BOUNDS.tokens);
      }),
      RUNS,
    );
  });
});

describe('generated shapes', () => {
  it('parse to bounded token counts or fail as a user error', () => {
    fc.assert(
      fc.property(shapeText, (text) => {
        const r = userErrorOrValue(() => parseShapes(text));
        if (r.ok)
          for (const s of r.value)
            for (const n of [s.promptTokens, s.genTokens, s.depth]) expect(Number.isSafeInteger(n) && n <= BOUNDS.tokens).toBe(true);
        userErrorOrValue(() => parseShape(text));
      }),
      RUNS,
    );
  });
});

const assertObject = fc.record(
  {
    alpha: anyNumber,
    noiseBandPct: anyNumber,
    aggregation: fc.constantFrom('median', 'pessimistic', 'mean'),
    assertions: fc.dictionary(
      fc.constantFrom('ttftMs', 'tpotMs', 'maxTtftMs', 'bogus'),
      fc.oneof(
        fc.constantFrom('off', 'warn', 'error'),
        fc.tuple(
          fc.constantFrom('error', 'warn'),
          fc.record({ min: anyNumber, max: anyNumber, maxRegressionPct: anyNumber }, { requiredKeys: [] }),
        ),
      ),
    ),
    assertMatrix: fc.array(
      fc.record({
        match: fc.record(
          {
            shape: fc.oneof(
              fc.string({ maxLength: 10 }),
              fc.string({ maxLength: 10 }).map((s) => `/${s}/`),
            ),
            model: fc.constantFrom('/(/', '/[a-/', '/^x/i', 'm'),
          },
          { requiredKeys: [] },
        ),
        assertions: fc.dictionary(fc.constantFrom('ttftMs', 'e2eMs'), fc.constantFrom('error', 'warn')),
      }),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: [] },
);

describe('generated assertion configs', () => {
  it('parse (every match pattern usable) or fail as CONFIG_INVALID', () => {
    const key = {
      model: 'm',
      dtype: 'q4',
      runner: 'fake',
      ep: 'cpu',
      threads: 1,
      shape: { name: 'pp8', promptTokens: 8, genTokens: 0, depth: 0 },
    };
    fc.assert(
      fc.property(yamlText(assertObject), (text) => {
        const r = userErrorOrValue(() => parseAssertText(text, 'fuzz.assert.yaml'));
        if (!r.ok) {
          expect(r.code).toBe('CONFIG_INVALID');
          return;
        }
        assertionsFor(r.value, key); // compiled patterns never throw later
      }),
      RUNS,
    );
  });

  it('generated claims configs parse or fail as CONFIG_INVALID', () => {
    fc.assert(
      fc.property(
        yamlText(fc.dictionary(fc.constantFrom('C1', 'C2', 'C9', 'x'), fc.dictionary(fc.string({ maxLength: 8 }), anyNumber))),
        (text) => {
          userErrorOrValue(() => parseClaimsConfig(parseYamlSafe(text, 'claims.yaml'), 'claims.yaml'));
        },
      ),
      RUNS,
    );
  });
});

describe('generated model configs (config.json)', () => {
  it('parse to bounded architectures or fail as MODEL_INVALID', () => {
    const cfg = fc.record(
      {
        model_type: fc.constantFrom('llama', 'qwen2', 'gemma', 'x'),
        hidden_size: anyNumber,
        intermediate_size: anyNumber,
        num_hidden_layers: anyNumber,
        num_attention_heads: anyNumber,
        vocab_size: anyNumber,
        max_position_embeddings: anyNumber,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(cfg, (c) => {
        const r = userErrorOrValue(() => parseHfConfig(c, 'config.json'));
        if (r.ok) expect(r.value.num_hidden_layers).toBeLessThanOrEqual(1024);
      }),
      RUNS,
    );
  });
});

const csvCell = fc.oneof(
  fc.string({ maxLength: 10 }),
  anyNumber.map(String),
  fc.constantFrom('2026-05-01T10:00:00Z', '1764000000', '1764000000000', '-5', '1e400', '-0', 'NaN', ''),
);
const meterCsv = fc
  .tuple(
    fc.constantFrom('timestamp,power_w', 'time_ms,power (mW)', 'timestamp;energy [Wh]', 'ts,watts', 'a,b', ''),
    fc.array(fc.tuple(csvCell, csvCell), { maxLength: 8 }),
  )
  .map(([h, rows]) => [h, ...rows.map(([a, b]) => `${a}${h.includes(';') ? ';' : ','}${b}`)].join('\n'));

describe('generated meter CSVs', () => {
  it('give finite, non-negative, bounded readings or fail as CONFIG_INVALID with the line', () => {
    fc.assert(
      fc.property(meterCsv, (text) => {
        const r = userErrorOrValue(() => parseMeterCsv(text, 'meter.csv'));
        if (!r.ok) {
          expect(r.code).toBe('CONFIG_INVALID');
          return;
        }
        for (const row of r.value.rows) {
          expect(Number.isFinite(row.value) && row.value >= 0).toBe(true);
          expect(Number.isFinite(row.wallMs)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('refuses a negative watt reading, naming the line and the column', () => {
    expect(() =>
      parseMeterCsv('timestamp,power_w\n2026-05-01T10:00:00Z,5\n2026-05-01T10:00:01Z,-3.5\n2026-05-01T10:00:02Z,4\n', 'm.csv'),
    ).toThrow(/line 3, column "power_w": -3.5 is negative/);
  });
});

// times that go backwards, are huge, or sit at the edge of a double
const time = fc.oneof(fc.double({ min: 0, max: 1e4, noNaN: true }), fc.constantFrom(0, 1e308, 1.7e308, 6e8, 1e-300, 5e-324));
const trace = (index: number, phase: string) =>
  fc.record({
    index: fc.constant(index),
    phase: fc.constant(phase),
    promptTokens: fc.nat(1e6),
    depth: fc.nat(1e6),
    tokenTimesMs: fc.array(time, { maxLength: 6 }),
    startedAt: fc.constant('2026-11-23T08:00:01.000Z'),
    offsetMs: time,
    submitClockMs: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: undefined }),
  });
const cell = fc
  .record({
    phases: fc.array(fc.constantFrom('cold', 'warmup', 'measured'), { minLength: 0, maxLength: 6 }),
    status: fc.constantFrom('ok', 'ok', 'errored', 'unsupported'),
    big: fc.array(fc.oneof(fc.constant(null), time, fc.constantFrom(1e308, 1e20)), { minLength: 5, maxLength: 5 }),
    pp: fc.nat(4096),
    tg: fc.nat(512),
  })
  .chain((c) =>
    fc.tuple(...c.phases.map((p, i) => trace(i, p))).map((requests) => ({
      schemaVersion: SCHEMA_VERSION,
      index: 0,
      key: {
        model: 'm',
        dtype: 'q4',
        runner: 'fake',
        ep: 'cpu',
        threads: 1,
        shape: { name: `pp${c.pp}+tg${c.tg}`, promptTokens: c.pp, genTokens: c.tg, depth: 0 },
      },
      status: c.status,
      boundary: 'engine',
      resolved: null,
      model: {
        id: 'm',
        path: null,
        file: null,
        bytes: c.big[0] ?? null,
        params: c.big[1] ?? null,
        bytesPerToken: c.big[2] ?? null,
        sha256: null,
        synthetic: true,
        weights: 'synthetic',
      },
      loadMs: c.big[3] ?? null,
      requests,
      peakRssBytes: c.big[4] ?? null,
      rssAfterLoadBytes: null,
      memoryBandwidthBytesPerS: c.big[2] && c.big[2] > 0 ? c.big[2] : null,
      startedAt: '2026-11-23T08:00:00.000Z',
      endedAt: '2026-11-23T08:00:09.000Z',
    })),
  );

describe('generated result cells', () => {
  it('summarise as a run (side by side, run warnings) with finite numbers that pass the summary schema', () => {
    let summarised = 0;
    // the fixture is an older schema: upgraded on read, as every loader does
    const fixture = join(import.meta.dirname, 'fixtures/results/golden/run.json');
    const manifest = (upgradeManifest(JSON.parse(readFileSync(fixture, 'utf8')), fixture) as { environment: unknown }).environment;
    fc.assert(
      fc.property(fc.array(cell, { minLength: 1, maxLength: 3 }), (raws) => {
        const cells = raws.map((r, i) =>
          CellResult.safeParse(
            JSON.parse(JSON.stringify({ ...r, index: i, key: { ...r.key, runner: i % 2 ? 'fake' : 'ort-node', model: `m${i}` } })),
          ),
        );
        if (!cells.every((c) => c.success)) return;
        summarised++;
        const run = RunManifest.parse({
          schemaVersion: SCHEMA_VERSION,
          runId: 'fuzz',
          createdAt: '2026-11-23T08:00:00.000Z',
          edgebenchVersion: '0.1.0',
          suite: {},
          seed: 1,
          argv: [],
          environment: manifest,
          status: 'complete',
        });
        const summary = summarizeRun({ manifest: run, cells: cells.map((c) => c.data!) }, { resamples: 200, now: new Date(0) });
        expect(nonFiniteAt(summary)).toBeNull();
        expect(RunSummary.safeParse(summary).success).toBe(true);
      }),
      { numRuns: 100 },
    );
    expect(summarised).toBeGreaterThan(20);
  });

  it('analyse to summaries with finite numbers only (damaged traces excluded with a warning)', () => {
    let analysed = 0;
    fc.assert(
      fc.property(cell, (raw) => {
        const parsed = CellResult.safeParse(JSON.parse(JSON.stringify(raw)));
        if (!parsed.success) return; // readCells reports these as RESULTS_INVALID
        analysed++;
        const summary = analyzeCell(parsed.data, { seed: 1, resamples: 200 });
        expect(nonFiniteAt(summary)).toBeNull();
        expect(CellSummary.safeParse(summary).success).toBe(true);
        for (const m of Object.values(summary.metrics))
          if (m && (m.unit === 'ms' || m.unit === 'tokens/s')) expect(m.min).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 200 },
    );
    expect(analysed).toBeGreaterThan(100); // the generator makes schema-valid cells, so the property is exercised
  });
});
