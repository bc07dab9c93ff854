/** The metric records (src/analyze/metrics): one list from which the other metric lists derive. */
import { describe, expect, it } from 'vitest';
import { CELL_METRICS, definitionRows, METRIC_DIRECTION, METRIC_NAMES, METRICS, TRACE_METRIC_NAMES } from '../src/analyze/metrics/index.ts';
import { LOCAL_METRICS } from '../src/references/local.ts';
import { METRIC_DEFINITIONS } from '../src/report/definitions.ts';
import { MetricName } from '../src/results/schema.ts';

describe('metric records', () => {
  it('have unique names; summary, assertion and local metric lists derive from them', () => {
    expect(new Set(METRIC_NAMES).size).toBe(METRICS.length);
    expect(MetricName.options).toEqual(TRACE_METRIC_NAMES);
    expect(MetricName.options).toEqual(['ttftMs', 'e2eMs', 'tpotMs', 'decodeTokensPerS', 'prefillTokensPerS', 'itlMs', 'rooflineFraction']);
    expect([...LOCAL_METRICS].sort()).toEqual([...METRIC_NAMES].sort());
    expect(CELL_METRICS.map((m) => m.name)).toEqual([
      'loadMs',
      'peakRssBytes',
      'energyJ',
      'avgPowerW',
      'joulesPerTokenDecode',
      'joulesPerTokenPrefill',
    ]);
  });

  it('state which way is better', () => {
    expect(METRIC_DIRECTION.ttftMs).toBe('lower-is-better');
    expect(METRIC_DIRECTION.decodeTokensPerS).toBe('higher-is-better');
    expect(METRIC_DIRECTION.joulesPerTokenDecode).toBe('lower-is-better');
  });

  it('give the report one definitions row per metric, shared rows once, notation before the cell metrics', () => {
    const rows = definitionRows([{ name: 'N', unit: '', definition: 'notation' }]);
    expect(rows.map((r) => r.name)).toEqual([
      'ttftMs',
      'e2eMs',
      'tpotMs',
      'decodeTokensPerS',
      'prefillTokensPerS',
      'itlMs',
      'N',
      'loadMs, first-run overhead',
      'peakRssBytes',
      'energyJ, avgPowerW',
      'joulesPerToken',
      'rooflineFraction',
    ]);
    for (const m of METRICS) expect(METRIC_DEFINITIONS.some((r) => r.name.split(/, | \/ /).includes(m.name) || r === m.row)).toBe(true);
  });
});
