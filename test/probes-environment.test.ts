import { describe, expect, it } from 'vitest';
import { Environment } from '../src/results/schema.ts';
import { collectEnvironment, hardwareFingerprint, inferenceFlags } from '../src/probes/environment.ts';

describe('collectEnvironment', () => {
  it('conforms to the results schema, fast, with a stable fingerprint', async () => {
    const first = await collectEnvironment();
    const t0 = performance.now();
    const env = await collectEnvironment();
    const ms = performance.now() - t0;
    expect(() => Environment.parse(env)).not.toThrow();
    expect(ms).toBeLessThan(2000);
    expect(env.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(env.fingerprint).toBe(first.fingerprint);
    expect(env.kind).toBe('node');
    expect(env.software.node).toBe(process.versions.node);
    expect(env.software['onnxruntime-node']).toMatch(/^\d+\.\d+\.\d+/);
    expect(env.software.edgebench).toMatch(/^\d+\.\d+\.\d+/);
    expect(env.cpu.logicalCores).toBeGreaterThan(0);
    expect(env.memory.totalBytes).toBeGreaterThan(0);
    expect(env.os.platform).toBe(process.platform);
  });
});

describe('inferenceFlags', () => {
  it('keeps only the ISA flags that matter, in catalogue order, case-insensitively', () => {
    expect(inferenceFlags('fpu sse2 AVX512F avx2 amx_tile foo neon avx512_vnni')).toEqual([
      'avx2',
      'avx512f',
      'avx512_vnni',
      'amx_tile',
      'neon',
    ]);
    expect(inferenceFlags('')).toEqual([]);
  });
});

describe('hardwareFingerprint', () => {
  const base = {
    cpu: {
      manufacturer: 'AMD',
      brand: 'EPYC',
      physicalCores: 2,
      logicalCores: 2,
      speedGHz: null,
      speedMaxGHz: null,
      flags: [],
      governor: null,
    },
    memory: { totalBytes: 25 * 2 ** 30, availableBytes: 20 * 2 ** 30 },
    os: { platform: 'linux', distro: 'Debian', release: '12', arch: 'x64', kernel: '6' },
    gpus: [],
  };
  it('ignores volatile facts (available memory, small total drift) and sees hardware changes', () => {
    const a = hardwareFingerprint(base);
    expect(hardwareFingerprint({ ...base, memory: { totalBytes: 25 * 2 ** 30 + 1e6, availableBytes: 1 } })).toBe(a);
    expect(hardwareFingerprint({ ...base, cpu: { ...base.cpu, physicalCores: 4 } })).not.toBe(a);
    expect(hardwareFingerprint({ ...base, gpus: [{ vendor: 'NVIDIA', model: 'RTX 4090', vramBytes: null }] })).not.toBe(a);
  });
});
