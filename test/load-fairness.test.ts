/**
 * Edge vs cloud at the same concurrency from stored ladders (no device, no server): the series,
 * the side-by-side rows (like-for-like and the labelled "cloud at load vs edge at one user"), and
 * the throughput–latency chart rendered to SVG.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoadFile, LoadLevel } from '../src/load/ladder-schema.ts';
import { writeLoadFile } from '../src/load/io.ts';
import { edgeVsCloud, formatEdgeVsCloud, ladderSeries } from '../src/load/fairness.ts';
import { throughputLatencyChart } from '../src/report/load-chart.ts';

const req = (ttft: number, gap: number, n = 5) => ({
  scheduledMs: 0,
  submitMs: 0,
  tokenTimesMs: Array.from({ length: n }, (_, i) => ttft + i * gap),
  promptTokens: 16,
  cachedTokens: null,
  retries: 0,
  status: 'ok' as const,
});
const level = (c: number, ttft: number, gap: number): LoadLevel => ({
  mode: 'concurrency',
  concurrency: c,
  ratePerS: null,
  startedAt: 'x',
  wallMs: 1000,
  truncated: false,
  requests: Array.from({ length: c }, () => req(ttft, gap)),
  runner: null,
  connections: null,
});

function file(index: number, runner: string, boundary: LoadFile['boundary'], levels: LoadLevel[]): LoadFile {
  return {
    schemaVersion: 1,
    kind: 'load-ladder',
    cellIndex: index,
    key: {
      model: 'llama-3.2-1b',
      dtype: 'q4',
      runner,
      ep: 'cpu',
      threads: null,
      shape: { name: 'pp16+tg5', promptTokens: 16, genTokens: 5, depth: 0 },
    },
    boundary,
    resolved: null,
    parallelism: 'x',
    slo: { ttftMs: 100, tpotMs: 30, attainment: 0.9 },
    seed: 1,
    levels,
    network: null,
  };
}

describe('edge vs cloud under load', () => {
  it('pairs levels of the same concurrency and labels the usual comparison; charts the curve', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eb-fair-'));
    await writeLoadFile(dir, file(0, 'llama-cpp', 'engine', [level(1, 20, 10), level(4, 40, 25)]));
    await writeLoadFile(dir, file(1, 'openai-http', 'http-client', [level(1, 200, 5), level(4, 210, 6)]));
    const series = await ladderSeries([dir]);
    expect(series.map((s) => s.side)).toEqual(['edge', 'cloud']);
    expect(series[0]!.points[0]).toMatchObject({ label: 'c=1', perUserTokensPerS: 100, totalTokensPerS: 5 }); // 4 gaps of 10 ms; 5 tokens in 1 s
    const rows = edgeVsCloud(series);
    expect(rows.map((r) => [r.basis, r.concurrency, r.edge.point.label, r.cloud.point.label])).toEqual([
      ['same concurrency', 1, 'c=1', 'c=1'],
      ['same concurrency', 4, 'c=4', 'c=4'],
      ['cloud at its load vs edge at one user', 4, 'c=1', 'c=4'],
    ]);
    expect(formatEdgeVsCloud(rows)).toMatch(
      /pp16\+tg5 c=4 \[same concurrency\]: edge c=4 40\.0 tok\/s\/user, ttft 40\.0 ms \| cloud c=4 167 tok\/s\/user/,
    );
    const chart = await throughputLatencyChart([dir]);
    expect(chart!.svg).toMatch(/<svg/);
    expect(chart!.svg).toMatch(/tokens\/s per user/);
    expect(await throughputLatencyChart([mkdtempSync(join(tmpdir(), 'eb-none-'))])).toBeNull();
  });
});
