/** `edgebench export`: Bencher Metric Format and Parquet (read back by an independent reader). */
import { describe, expect, it } from 'vitest';
import { toBencher } from '../src/export/bencher.ts';
import { parquetExporter, writeParquet } from '../src/export/parquet.ts';
import { metricRows } from '../src/export/rows.ts';
import { openAnalyzedRun } from '../src/results/open-run.ts';
import { readParquet } from './helpers/parquet-reader.ts';

describe('export', () => {
  it('bencher: one benchmark per cell, median and CI per measure', async () => {
    const rows = metricRows(await openAnalyzedRun('test/fixtures/results/golden', { summary: 'recompute' }));
    const bmf = toBencher(rows);
    expect(bmf['tiny q4 fake/cpu t1 pp4+tg4 (synthetic weights)']!['ttft-ms']).toEqual({ value: 16, lower_value: 10, upper_value: 20 });
    expect(Object.keys(bmf['tiny q4 fake/cpu t1 pp4+tg4 (synthetic weights)']!)).toContain('decode-tokens-per-s');
  });

  it('parquet: every type, nulls, long runs and unicode read back exactly', () => {
    const n = 300;
    const cols = [
      { name: 's', type: 'string' as const, values: Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : `v${i} ✓ ü`)) },
      { name: 'i', type: 'int32' as const, values: Array.from({ length: n }, (_, i) => (i < 150 ? null : i - 200)) },
      { name: 'd', type: 'double' as const, values: Array.from({ length: n }, (_, i) => i / 3) },
      { name: 'b', type: 'boolean' as const, values: Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : i % 2 === 0)) },
    ];
    const back = readParquet(writeParquet(cols));
    expect(back.rows).toBe(n);
    for (const c of cols) expect(back.columns[c.name]).toEqual(c.values);
  });

  it('parquet of a run: the same rows as the bencher export', async () => {
    const rows = metricRows(await openAnalyzedRun('test/fixtures/results/golden', { summary: 'recompute' }));
    const back = readParquet(parquetExporter.render(rows));
    expect(back.rows).toBe(rows.length);
    expect(back.columns.median).toEqual(rows.map((r) => r.median));
    expect(back.columns.metric).toEqual(rows.map((r) => r.metric));
    expect(back.columns.commit).toEqual(rows.map(() => null));
    expect(back.columns.synthetic).toEqual(rows.map(() => true));
  });
});
