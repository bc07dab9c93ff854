/** Plausibility screening with hand-computed bounds. */
import { describe, expect, it } from 'vitest';
import { analyzeCell } from '../src/analyze/analyze-cell.ts';
import { SCHEMA_VERSION, type CellResult, type Environment, type RequestTrace } from '../src/results/schema.ts';
import { screenCell } from '../src/store/plausibility/index.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ENV = (
  JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/results/golden/run.json'), 'utf8')) as { environment: Environment }
).environment;

/** 5 requests: TTFT `ttft` ms for 64 prompt tokens, then 16 tokens `tpot` ms apart. */
function cell(o: {
  ttft: number;
  tpot: number;
  bytesPerToken: number | null;
  params: number | null;
  bandwidth: number | null;
  ep?: string;
  boundary?: CellResult['boundary'];
}): CellResult {
  const requests: RequestTrace[] = Array.from({ length: 5 }, (_, i) => ({
    index: i,
    phase: 'measured',
    promptTokens: 64,
    depth: 0,
    tokenTimesMs: Array.from({ length: 16 }, (_, k) => o.ttft + k * o.tpot),
    startedAt: '2026-11-23T08:00:00.000Z',
    offsetMs: i * 100,
  }));
  return {
    schemaVersion: SCHEMA_VERSION,
    index: 0,
    key: {
      model: 'm',
      dtype: 'q4',
      runner: 'ort-node',
      ep: o.ep ?? 'cpu',
      threads: 2,
      shape: { name: 'pp64+tg16', promptTokens: 64, genTokens: 16, depth: 0 },
    },
    status: 'ok',
    boundary: o.boundary ?? 'engine',
    resolved: null,
    model: {
      id: 'm',
      path: null,
      file: null,
      bytes: null,
      params: o.params,
      bytesPerToken: o.bytesPerToken,
      sha256: null,
      synthetic: true,
      weights: 'synthetic',
    },
    loadMs: 10,
    requests,
    peakRssBytes: null,
    rssAfterLoadBytes: null,
    memoryBandwidthBytesPerS: o.bandwidth,
    startedAt: '2026-11-23T08:00:00.000Z',
    endedAt: '2026-11-23T08:00:01.000Z',
  };
}

function screen(c: CellResult, env: Environment = ENV) {
  return screenCell({ cell: c, summary: analyzeCell(c, { seed: 1, resamples: 200 }), env });
}

describe('plausibility screening', () => {
  // 1 GB/token at 20 GB/s measured: roofline 20 tok/s, ×1.5 margin = 30 tok/s
  it('decode beyond the measured memory-bandwidth roofline is IMPLAUSIBLE', () => {
    const ok = screen(cell({ ttft: 100, tpot: 40, bytesPerToken: 1e9, params: null, bandwidth: 20e9 })); // 25 tok/s
    expect(ok).toEqual({ verdict: 'ok', reasons: [] });
    const bad = screen(cell({ ttft: 100, tpot: 25, bytesPerToken: 1e9, params: null, bandwidth: 20e9 })); // 40 tok/s
    expect(bad.verdict).toBe('IMPLAUSIBLE');
    expect(bad.reasons[0]!.reason).toBe(
      'decode 40.0 tok/s exceeds the memory-bandwidth roofline: 20.0 GB/s measured ×1.5 ÷ 1000 MB/token = 30.0 tok/s',
    );
  });

  it('small models (cache-resident) and remote endpoints are not held to a DRAM roofline; any local device to 10 TB/s', () => {
    expect(screen(cell({ ttft: 10, tpot: 1, bytesPerToken: 100e6, params: null, bandwidth: 20e9 })).verdict).toBe('ok'); // 1000 tok/s, 100 MB
    expect(screen(cell({ ttft: 10, tpot: 1, bytesPerToken: 1e9, params: null, bandwidth: 20e9, boundary: 'http-client' })).verdict).toBe(
      'ok',
    );
    // webgpu: host bandwidth does not bound it, 10 TB/s ÷ 1 GB = 10 000 tok/s does: 1000 tok/s ok, 20 000 not
    expect(screen(cell({ ttft: 10, tpot: 1, bytesPerToken: 1e9, params: null, bandwidth: 20e9, ep: 'webgpu' })).verdict).toBe('ok');
    expect(screen(cell({ ttft: 10, tpot: 0.05, bytesPerToken: 1e9, params: null, bandwidth: 20e9, ep: 'webgpu' })).reasons[0]!.rule).toBe(
      'decode-beyond-memory-bandwidth',
    );
  });

  // 2 cores × 2.1 GHz × 4096 ops/cycle = 17.2 TOPS; 1e9 params → 2e9 ops/token → ceiling 8602 tok/s
  it('prefill beyond the CPU compute ceiling is IMPLAUSIBLE', () => {
    expect(screen(cell({ ttft: 16, tpot: 100, bytesPerToken: null, params: 1e9, bandwidth: null })).verdict).toBe('ok'); // 4000 tok/s
    const bad = screen(cell({ ttft: 4, tpot: 100, bytesPerToken: null, params: 1e9, bandwidth: null })); // 16 000 tok/s
    expect(bad.reasons).toEqual([
      {
        rule: 'prefill-beyond-compute',
        reason:
          'prefill 16000 tok/s × 2 × 1.00 B params = 32.0 TOPS exceeds the CPU ceiling of 17.2 TOPS (2 cores × 2.1 GHz × 4096 ops/cycle)',
      },
    ]);
  });

  it('token times going backwards or beyond a day are IMPLAUSIBLE', () => {
    const back = cell({ ttft: 10, tpot: 5, bytesPerToken: null, params: null, bandwidth: null });
    back.requests[2]!.tokenTimesMs[5] = 1;
    expect(screen(back).reasons[0]!.reason).toBe('request 2: token 6 at 1.00 ms comes before token 5 at 30.0 ms');
    const slow = cell({ ttft: 10, tpot: 6e6, bytesPerToken: null, params: null, bandwidth: null });
    expect(screen(slow).reasons[0]!.reason).toBe('request 0: 25.0 h to generate (more than a day)');
  });
});
