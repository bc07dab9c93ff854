import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderResultsJsonSchema } from '../src/results/json-schema.ts';
import { CellSummary, MetricSummary, RunManifest } from '../src/results/schema.ts';

describe('results schema', () => {
  it('results.schema.json is up to date (else: npm run schema:gen)', () => {
    const file = readFileSync(join(import.meta.dirname, '../results.schema.json'), 'utf8');
    expect(file).toBe(renderResultsJsonSchema());
  });

  it('summaries are strict: unknown fields and missing metric names are rejected', () => {
    const base = {
      n: 1,
      median: 1,
      mean: 1,
      sd: null,
      cv: null,
      p90: null,
      p99: null,
      min: 1,
      max: 1,
      mad: 0,
      outliers: [],
      ci95: { lo: 1, hi: 1, method: 'bootstrap-percentile', resamples: 10, seed: 1 },
      unit: 'ms',
      boundary: 'engine',
      samples: [1],
    };
    expect(MetricSummary.safeParse(base).success).toBe(true);
    expect(MetricSummary.safeParse({ ...base, extra: 1 }).success).toBe(false);
    const metrics = CellSummary.shape.metrics;
    expect(metrics.safeParse({ ttftMs: null }).success).toBe(false); // every metric name must be present
  });

  it('run.json status is one of running / complete / interrupted', () => {
    expect(RunManifest.shape.status.options).toEqual(['running', 'complete', 'interrupted']);
  });
});
