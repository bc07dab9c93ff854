/**
 * Endpoints the user measured (`run --endpoint`, `--cloud`) are the cloud side, never this device:
 * they stay out of the local picks and the claims, appear as "cloud, measured" beside the published
 * group with this device's ratio against them, and their measured round trip replaces the
 * published network range. Ratios by hand: TTFT 2,000 ms ÷ 320 ms = 6.25× slower; decode
 * 25 ÷ 150 tok/s = 0.167×.
 */
import { describe, expect, it } from 'vitest';
import { defaultClaimsConfig, evaluateClaims } from '../src/claims/index.ts';
import { buildEdgeCloud } from '../src/edge-cloud/compare.ts';
import { formatAnswer } from '../src/edge-cloud/answer-text.ts';
import { endpointsOnly } from '../src/edge-cloud/measured-cloud.ts';
import { loadReferences } from '../src/references/load.ts';
import { decodeBars, ttftBars } from '../src/report/charts-edge-cloud.ts';
import type { DeviceInfo } from '../src/results/schema.ts';
import { cell, LLAMA_1B, metric } from './fixtures/report/builders.ts';

const figures = loadReferences().figures;
const tok = (m: number) => metric(m, m * 0.98, m * 1.02, 'tokens/s');
// the server counted 170 prompt tokens for the 128 words sent (instruction and chat template)
const remote = { endpoint: 'https://api.example.com/v1', rttMs: 40, promptTokens: 170 };
const pp = { name: 'pp128', promptTokens: 128, genTokens: 1, depth: 0 };
const tg = { name: 'tg128', promptTokens: 1, genTokens: 128, depth: 0 };

const local = [
  cell({ ...LLAMA_1B, shape: pp, metrics: { ttftMs: metric(2000) } }),
  cell({ ...LLAMA_1B, shape: tg, metrics: { decodeTokensPerS: tok(25) } }),
];
// faster than anything on the device: if they leaked into the local side, the picks would change
const endpoint = [
  cell({ ...LLAMA_1B, runner: 'openai-http', ep: 'remote', shape: pp, remote, metrics: { ttftMs: metric(320) } }),
  cell({ ...LLAMA_1B, runner: 'openai-http', ep: 'remote', shape: tg, remote, metrics: { decodeTokensPerS: tok(150) } }),
];
const device: DeviceInfo = { class: 'laptop', source: 'user', evidence: [], priceUsd: null };

describe('edge vs cloud with a measured endpoint', () => {
  it('keeps endpoint cells out of the local side and shows them as the measured cloud', () => {
    const [row, ...more] = buildEdgeCloud([...local, ...endpoint], figures, defaultClaimsConfig());
    expect(more).toHaveLength(0);
    expect(row!.ttft.local?.metric.median).toBe(2000);
    expect(row!.decode.local?.metric.median).toBe(25);
    expect(row!.measured).toHaveLength(1);
    expect(row!.measured[0]).toMatchObject({ endpoint: remote.endpoint, model: 'llama-3.2-1b', rttMs: 40 });
    expect(row!.measured[0]!.ttft?.metric.median).toBe(320);
    expect(row!.measured[0]!.decode?.metric.median).toBe(150);
    expect(row!.cost.assumptions.network).toMatchObject({ lo: 40, hi: 40 });
    expect(row!.cost.assumptions.network?.source).toContain('measured by this run');
  });

  it('a round trip the user gave wins over the measured one', () => {
    const config = defaultClaimsConfig();
    config.C6.networkRttMs = 12;
    const [row] = buildEdgeCloud([...local, ...endpoint], figures, config);
    expect(row!.cost.assumptions.network).toMatchObject({ lo: 12, hi: 12, source: '--network-rtt-ms' });
  });

  it('the answer prints the measured line with this device against it', () => {
    const rows = buildEdgeCloud([...local, ...endpoint], figures, defaultClaimsConfig());
    const text = formatAnswer(device, 'Test laptop', rows, [], 'run');
    const line = text.split('\n').find((l) => l.startsWith('cloud, measured'));
    expect(line).toContain('https://api.example.com/v1 (llama-3.2-1b)');
    expect(line).toContain('network round trip 40 ms');
    expect(line).toContain('at 128 prompt tokens (170 as the server counted them, template included)');
    expect(line).toContain('this device: TTFT 6.25× slower (prompts 170 vs 128 tokens), decode 0.167×');
  });

  it('a run of endpoints only says nothing ran on this device, instead of presenting them as it', () => {
    expect(buildEdgeCloud(endpoint, figures, defaultClaimsConfig())).toHaveLength(0);
    expect(endpointsOnly(endpoint)).toHaveLength(2);
    expect(endpointsOnly([...local, ...endpoint])).toHaveLength(0);
    const text = formatAnswer(device, 'Test laptop', [], [], 'run', endpointsOnly(endpoint));
    expect(text).toContain('This run measured only https://api.example.com/v1 (llama-3.2-1b): nothing ran on this device');
  });

  it('claims never take an endpoint cell as evidence about this device', () => {
    const claims = evaluateClaims(endpoint, figures);
    expect(claims.flatMap((c) => c.evidence.local)).toHaveLength(0);
    const withLocal = evaluateClaims([...local, ...endpoint], figures);
    const ids = withLocal.flatMap((c) => c.evidence.local.map((e) => e.cellId));
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((id) => local.some((c) => c.id === id))).toBe(true);
  });

  it('the charts put each measured endpoint beside the published group, its round trip as its own segment', () => {
    const rows = buildEdgeCloud([...local, ...endpoint], figures, defaultClaimsConfig());
    const measured = ttftBars(rows).filter((b) => b.who === 'cloud (measured: api.example.com)');
    expect(measured.map((b) => [b.part, b.ms])).toEqual([
      ['network round trip', 40],
      ['server: queueing, prefill, first token', 280],
    ]);
    expect(decodeBars(rows).find((b) => b.side === 'cloud, measured')).toMatchObject({ tps: 150 });
    expect(decodeBars(rows).find((b) => b.side === 'this device')).toMatchObject({ tps: 25 });
  });
});
