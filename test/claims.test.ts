import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultClaimsConfig, evaluateClaims, loadClaimsConfig, parseClaimsConfig, type ClaimResult } from '../src/claims/index.ts';
import { c1 } from '../src/claims/rules/c1-laptop-40ms.ts';
import { c2 } from '../src/claims/rules/c2-phone-50ms.ts';
import { c3 } from '../src/claims/rules/c3-npu-7b.ts';
import { c4 } from '../src/claims/rules/c4-asic-efficiency.ts';
import { c5 } from '../src/claims/rules/c5-three-watt-chip.ts';
import { c6 } from '../src/claims/rules/c6-edge-vs-cloud.ts';
import { c7 } from '../src/claims/rules/c7-h100-price-power.ts';
import { c8 } from '../src/claims/rules/c8-asic-single-digit-ms.ts';
import type { ClaimRule } from '../src/claims/types.ts';
import { isEdgebenchError } from '../src/errors.ts';
import type { LocalCell } from '../src/references/local.ts';
import { loadReferences } from '../src/references/load.ts';
import type { Figure } from '../src/references/schema.ts';
import { cell, figure, LLAMA_1B, metric } from './fixtures/report/builders.ts';

const config = defaultClaimsConfig();
const run = (rule: ClaimRule, cells: LocalCell[], figures: Figure[] = [], cfg = config): ClaimResult =>
  rule.evaluate({ cells, figures, config: cfg });
const tok = (m: number, lo = m * 0.98, hi = m * 1.02) => metric(m, lo, hi, 'tokens/s');

describe('C1: laptop, Llama-3 8B, about 40 ms', () => {
  const fast8b = cell({ metrics: { ttftMs: metric(35, 33, 40), tpotMs: metric(30) } });

  it('supported when the whole TTFT CI of an 8B model is ≤ 40 ms (boundary included)', () => {
    const r = run(c1, [fast8b]);
    expect(r.verdict).toBe('supported');
    expect(r.evidence.local.find((e) => e.metric === 'ttftMs')).toMatchObject({
      check: 'pass',
      role: 'decisive',
      ci95: { lo: 33, hi: 40 },
    });
    expect(r.thresholds).toMatchObject({ ttftMaxMs: 40, tpotMaxMs: 40, maxPromptTokens: 128 });
    expect(r.rule).toContain('≤ 40 ms');
  });

  it('not established when the CI straddles the threshold', () => {
    const r = run(c1, [
      cell({ metrics: { ttftMs: metric(39.5, 38, 41), tpotMs: metric(120) } }),
      cell({ ...LLAMA_1B, metrics: { ttftMs: metric(60) } }),
    ]);
    expect(r.verdict).toBe('not established');
  });

  it('partly supported when only TPOT passes on 8B, or only a smaller model meets TTFT', () => {
    expect(run(c1, [cell({ metrics: { ttftMs: metric(900), tpotMs: metric(30) } })]).verdict).toBe('partly supported');
    const r = run(c1, [
      cell({ metrics: { ttftMs: metric(900), tpotMs: metric(140) } }),
      cell({ ...LLAMA_1B, metrics: { ttftMs: metric(30), tpotMs: metric(25) } }),
    ]);
    expect(r.verdict).toBe('partly supported');
  });

  it('not supported when every model misses both thresholds', () => {
    const r = run(c1, [
      cell({ metrics: { ttftMs: metric(900), tpotMs: metric(140) } }),
      cell({ ...LLAMA_1B, metrics: { ttftMs: metric(120), tpotMs: metric(45) } }),
    ]);
    expect(r.verdict).toBe('not supported');
  });

  it('says the exact command that would decide a missing size; laptops of unknown price are context (C1 counts ≤ $2,000 only)', () => {
    const laptopFig = figure({ id: 'laptop-ttft', value: 30 });
    const unverified = figure({ id: 'laptop-unv', value: 10, audit: 'unverifiable' });
    const r = run(c1, [cell({ ...LLAMA_1B, metrics: { ttftMs: metric(100) } })], [laptopFig, unverified]);
    expect(r.missing[0]).toContain('`edgebench run --model llama-3.1-8b --shape pp128,tg128`');
    expect(r.decideCommand).toContain('edgebench run --suite claims');
    expect(r.verdict).toBe('not supported');
    expect(r.decidedBy).toBe('this device (1B)');
    const byId = (id: string) => r.evidence.references.find((e) => e.id === id)!;
    expect(byId('laptop-ttft')).toMatchObject({
      role: 'context',
      check: null,
      source_url: 'https://example.org/source',
      source_date: '2026-01-01',
      evidence_kind: 'vendor-measured',
    });
    expect(byId('laptop-ttft').note).toContain('device price not known');
    expect(byId('laptop-unv').note).toContain('audit: unverifiable');
  });

  it('a server, VM or CI runner never stands in for a laptop; a dear laptop is context', () => {
    const vm = cell({ deviceClass: 'server-or-VM', metrics: { ttftMs: metric(30), tpotMs: metric(30) } });
    const r = run(c1, [vm]);
    expect(r.verdict).toBe('not established');
    expect(r.evidence.local.every((e) => e.role === 'context' && e.note?.includes('never stands in for a laptop'))).toBe(true);
    expect(run(c1, [cell({ deviceClass: 'ci-runner', metrics: { ttftMs: metric(30) } })]).verdict).toBe('not established');
    const dear = run(c1, [cell({ devicePriceUsd: 3500, metrics: { ttftMs: metric(30) } })]);
    expect(dear.verdict).toBe('not established');
    expect(dear.evidence.local[0]!.note).toContain('$3500');
    expect(run(c1, [cell({ devicePriceUsd: 1100, metrics: { ttftMs: metric(30) } })]).decidedBy).toBe('this device (7-8B)');
  });

  it('marks synthetic weights in the verdict text', () => {
    expect(run(c1, [cell({ metrics: { ttftMs: metric(30) } })]).summary).toContain('synthetic weights: speed-true, not quality-true');
  });

  it('uses local cells with prompts longer than 128 tokens only as context', () => {
    const r = run(c1, [
      cell({
        shape: { name: 'pp512+tg32', promptTokens: 512, genTokens: 32, depth: 0 },
        metrics: { ttftMs: metric(30), tpotMs: metric(200) },
      }),
    ]);
    expect(r.verdict).toBe('not supported');
    expect(r.evidence.local.find((e) => e.metric === 'ttftMs')!.role).toBe('context');
  });

  it('thresholds come from the config', () => {
    const cfg = parseClaimsConfig({ C1: { ttftMaxMs: 30 } });
    expect(run(c1, [fast8b], [], cfg).verdict).toBe('partly supported');
  });
});

describe('C2: phones under 50 ms, per model size', () => {
  it('counts only phone measurements; a laptop run is context', () => {
    const laptop = cell({ ...LLAMA_1B, metrics: { ttftMs: metric(20), tpotMs: metric(15) } });
    const r = run(c2, [laptop]);
    expect(r.verdict).toBe('not established');
    expect(r.evidence.local.every((e) => e.role === 'context' && e.note?.includes('not a phone'))).toBe(true);
  });

  it('partly supported when only 1B meets 50 ms on a phone; published 8B phone figures decide as a group (median), not by one', () => {
    const phone1b = cell({ ...LLAMA_1B, deviceClass: 'phone', metrics: { ttftMs: metric(45, 44, 46), tpotMs: metric(20) } });
    const fig = (value: number) =>
      figure({ device_class: 'phone', value, evidence_kind: 'community-measured', bears_on: ['phone_sub50ms'] });
    expect(run(c2, [phone1b], [fig(150)]).verdict).toBe('partly supported');
    // one figure passes, the median (120) does not: one good figure is not a trend
    const r = run(c2, [phone1b], [fig(30), fig(120), fig(200)]);
    expect(r.verdict).toBe('partly supported');
    expect(r.summary).toContain('median 120 ms of 3, 30–200');
    expect(run(c2, [phone1b], [fig(30), fig(45), fig(200)]).verdict).toBe('supported');
    expect(run(c2, [phone1b], [fig(30), fig(45), fig(200)]).decidedBy).toBe('this device (1B); published phone figures as a group (7-8B)');
  });

  it('vendor figures never decide alone', () => {
    const r = run(c2, [], [figure({ device_class: 'phone', value: 20, evidence_kind: 'vendor-measured' })]);
    expect(r.verdict).toBe('not established');
    expect(r.summary).toContain('a vendor claim never decides alone');
  });
});

describe('C3: NPUs run 7B-class models (≥ 5 tok/s)', () => {
  const npu = (device_class: 'phone' | 'laptop', value: number, evidence_kind: Figure['evidence_kind'] = 'community-measured') =>
    figure({
      metric: 'decode_tokens_per_s',
      value,
      unit: 'tokens/s',
      device_class,
      system: 'Snapdragon 8 Elite Hexagon NPU',
      bears_on: ['npu_7b_local'],
      evidence_kind,
    });

  it('vendor NPU figures alone do not decide a side', () => {
    const r = run(c3, [], [npu('phone', 12, 'vendor-measured'), npu('laptop', 9)]);
    expect(r.verdict).toBe('partly supported');
    expect(r.summary).toContain('phone: only vendor figures');
  });

  it('supported with both a phone and a laptop NPU ≥ 5 tok/s; partly with one', () => {
    expect(run(c3, [], [npu('phone', 12), npu('laptop', 9)]).verdict).toBe('supported');
    expect(run(c3, [], [npu('phone', 12), npu('laptop', 4)]).verdict).toBe('partly supported');
    expect(run(c3, [], [npu('phone', 4.9), npu('laptop', 3)]).verdict).toBe('not supported');
  });

  it('a CPU run counts only with requireNpu=false', () => {
    const cpu8b = cell({ metrics: { decodeTokensPerS: tok(7, 6.5, 7.5) } });
    const strict = run(c3, [cpu8b], [npu('phone', 12)]);
    expect(strict.verdict).toBe('partly supported');
    expect(strict.evidence.local[0]!.role).toBe('context');
    const loose = run(c3, [cpu8b], [npu('phone', 12)], parseClaimsConfig({ C3: { requireNpu: false } }));
    expect(loose.verdict).toBe('supported');
  });
});

describe('C4: ASIC efficiency 10–100×', () => {
  const jpt = (id: string, system: string, value: number, kind: Figure['evidence_kind'] = 'independent-measured') =>
    figure({
      id,
      category: 'energy',
      system,
      metric: 'joules_per_token',
      value,
      unit: 'J/token',
      evidence_kind: kind,
      bears_on: ['asic_10_100x_efficiency'],
      conditions: { batch: 'batched', batch_size: 8 },
    });

  it('supported / not supported only with independent matched measurements', () => {
    expect(run(c4, [], [jpt('gpu', '1x NVIDIA H100', 0.45), jpt('lpu', 'Groq LPU', 0.04)]).verdict).toBe('supported');
    expect(run(c4, [], [jpt('gpu', '1x NVIDIA H100', 0.45), jpt('lpu', 'Groq LPU', 0.1)]).verdict).toBe('not supported');
  });

  it('not established when the ASIC figure is only a vendor claim (the real data)', () => {
    expect(run(c4, [], [jpt('gpu', '1x NVIDIA H100', 0.45), jpt('lpu', 'Groq LPU', 0.01, 'vendor-claim')]).verdict).toBe('not established');
    const r = run(c4, [], loadReferences().figures);
    expect(r.verdict).toBe('not established');
    expect(r.missing[0]).toContain('independent J/token measurement');
  });
});

describe('C5: ~3 W chip vs data centre, by batch size', () => {
  const cloud = (batch: number, value: number) =>
    figure({
      category: 'energy',
      system: '1x NVIDIA H100',
      metric: 'joules_per_token',
      value,
      unit: 'J/token',
      conditions: { batch: 'batched', batch_size: batch },
    });
  const withJ = (j: number) =>
    cell({
      energySource: 'measured',
      metrics: { joulesPerTokenDecode: metric(j, j * 0.95, j * 1.05, 'J/token'), avgPowerW: metric(3, 2.8, 3.2, 'W') },
    });

  it('partly supported and names the batch size where cloud wins', () => {
    const r = run(c5, [withJ(0.2)], [cloud(8, 0.45), cloud(512, 0.07)]);
    expect(r.verdict).toBe('partly supported');
    expect(r.summary).toContain('cloud uses less energy per token from batch 512');
  });

  it('supported when better at every batch; not supported when worse at the smallest', () => {
    expect(run(c5, [withJ(0.05)], [cloud(8, 0.45), cloud(512, 0.07)]).verdict).toBe('supported');
    expect(run(c5, [withJ(0.6)], [cloud(8, 0.45), cloud(512, 0.07)]).verdict).toBe('not supported');
  });

  it('not established without energy measurements', () => {
    const r = run(c5, [cell({ metrics: { ttftMs: metric(100) } })], [cloud(8, 0.45)]);
    expect(r.verdict).toBe('not established');
    expect(r.missing[0]).toContain('energy not measured');
  });
});

describe('C6: edge vs cloud on latency and cost', () => {
  const api = (id: string, s: number) =>
    figure({
      id,
      category: 'cloud-gpu',
      system: 'API',
      device_class: 'datacenter',
      metric: 'ttft_s_median',
      value: s,
      unit: 's',
      evidence_kind: 'independent-measured',
    });
  const cloud = [api('ttft-a', 0.3), api('ttft-b', 0.5), api('ttft-c', 0.9)];
  const price = figure({
    id: 'api-price',
    category: 'price',
    system: 'Groq API',
    metric: 'api_price_per_mtok',
    value: { input: 0.05, output: 0.1 },
    unit: 'USD/Mtok',
    evidence_kind: 'vendor-price',
  });

  it('compares with the cloud group median (500 ms), reports the crossover and that cost is lost even without energy', () => {
    const short = cell({ metrics: { ttftMs: metric(400), decodeTokensPerS: tok(8) } });
    const long = cell({ shape: { name: 'pp512+tg32', promptTokens: 512, genTokens: 32, depth: 0 }, metrics: { ttftMs: metric(1400) } });
    const r = run(c6, [short, long], [...cloud, price]);
    expect(r.summary).toContain('TTFT vs cloud median 500 ms of 3 API figures — crossover between 128 and 512 prompt tokens');
    expect(r.summary).toContain('Cost: cloud wins');
    expect(r.summary).toContain('Privacy: not testable by benchmark');
    expect(r.verdict).toBe('partly supported');
    expect(r.decidedBy).toContain('this device (7-8B)');
  });

  it('not supported when cloud wins both; not established with nothing comparable or on a VM', () => {
    const slow = cell({ metrics: { ttftMs: metric(900), decodeTokensPerS: tok(8) } });
    expect(run(c6, [slow], [...cloud, price]).verdict).toBe('not supported');
    expect(run(c6, [cell({ model: 'x', params: null, metrics: { ttftMs: metric(5) } })], cloud).verdict).toBe('not established');
    const vm = run(
      c6,
      [cell({ deviceClass: 'server-or-VM', metrics: { ttftMs: metric(40), decodeTokensPerS: tok(8) } })],
      [...cloud, price],
    );
    expect(vm.verdict).toBe('not established');
    expect(vm.decideCommand).toContain('edgebench run --suite claims');
  });
});

describe('C7, C8 and the untestable claims on the real references', () => {
  const figures = loadReferences().figures;

  it('C7 is supported by the confirmed H100 price range and the SXM TDP', () => {
    const r = run(c7, [], figures);
    expect(r.verdict).toBe('supported');
    expect(r.evidence.references.some((e) => e.id === 'cloud-nvidia-h100-sxm-tdp' && e.check === 'pass')).toBe(true);
  });

  it('C7 is not supported when no figure matches the claimed range', () => {
    expect(run(c7, [], figures, parseClaimsConfig({ C7: { priceLowUsd: 60000, priceHighUsd: 80000, powerW: 1500 } })).verdict).toBe(
      'not supported',
    );
  });

  it('C8 is partly supported: single-digit ms per token, not TTFT; input-averaged latencies are context', () => {
    const r = run(c8, [], figures);
    expect(r.verdict).toBe('partly supported');
    const inf2 = r.evidence.references.find((e) => e.id === 'asic-inf2-48xl-llama-2-13b-1024-1024-per-token-latency')!;
    expect(inf2.role).toBe('context');
    expect(inf2.note).toContain('not a per-output-token latency');
  });

  it('C8 supported when an independent ASIC TTFT is single-digit too; vendor figures alone are not established', () => {
    const fast = (kind: Figure['evidence_kind']) => [
      figure({
        category: 'asic',
        system: 'Groq LPU',
        metric: 'ttft_ms',
        value: 8,
        bears_on: ['asic_single_digit_ms'],
        evidence_kind: kind,
      }),
      figure({
        category: 'asic',
        system: 'Groq LPU',
        metric: 'output_tokens_per_s_per_user',
        value: 750,
        unit: 'tokens/s',
        bears_on: ['asic_single_digit_ms'],
        evidence_kind: kind,
      }),
    ];
    expect(run(c8, [], fast('independent-measured')).verdict).toBe('supported');
    const vendor = run(c8, [], fast('vendor-claim'));
    expect(vendor.verdict).toBe('not established');
    expect(vendor.decidedBy).toContain('a vendor claim never decides alone');
  });

  it('C9 and C10 are not testable by benchmark, and every claim returns the full record', () => {
    const all = evaluateClaims([], figures);
    expect(all.map((r) => r.id)).toEqual(['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'C8', 'C9', 'C10']);
    expect(all.slice(8).map((r) => r.verdict)).toEqual(['not testable by benchmark', 'not testable by benchmark']);
    for (const r of all)
      expect(Object.keys(r).sort()).toEqual([
        'basis',
        'claim',
        'decideCommand',
        'decidedBy',
        'evidence',
        'id',
        'missing',
        'rule',
        'summary',
        'thresholds',
        'verdict',
      ]);
  });
});

describe('claims config file', () => {
  it('overrides thresholds from YAML and names a bad key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eb-claims-'));
    const ok = join(dir, 'ok.yaml');
    writeFileSync(ok, 'C2:\n  ttftMaxMs: 100\nC6:\n  dutyCycle: 0.25\n');
    const cfg = loadClaimsConfig(ok);
    expect(cfg.C2.ttftMaxMs).toBe(100);
    expect(cfg.C2.tpotMaxMs).toBe(50);
    expect(cfg.C6.dutyCycle).toBe(0.25);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'C1:\n  ttftMs: 10\n');
    try {
      loadClaimsConfig(bad);
      expect.unreachable();
    } catch (e) {
      expect(isEdgebenchError(e) && e.code).toBe('CONFIG_INVALID');
      expect((e as Error).message).toContain("bad.yaml:2: unknown key 'ttftMs' in C1");
    }
  });
});
