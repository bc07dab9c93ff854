import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { ModelArch } from '../src/models/arch.ts';
import { Environment } from '../src/results/schema.ts';
import { formatDoctor } from '../src/cli/doctor.ts';
import { registerDoctorSection, runDoctor, type DoctorReport } from '../src/probes/doctor.ts';
import { TINY_BASE } from './helpers/tiny-archs.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'edgebench.js');

// a plain tied-embedding Llama without special tokens
const TINY: ModelArch = { ...TINY_BASE, tieWordEmbeddings: true, bosTokenId: null, eosTokenId: null };

describe('edgebench doctor', () => {
  it('--json --fast prints a parseable report with environment, EPs and runners', async () => {
    const { stdout } = await run(process.execPath, [BIN, 'doctor', '--json', '--fast'], { timeout: 60_000 });
    const report = JSON.parse(stdout) as DoctorReport;
    expect(() => Environment.parse(report.environment)).not.toThrow();
    expect(report.executionProviders.find((e) => e.ep === 'cpu')?.ok).toBe(true);
    expect(report.runners.map((r) => r.id)).toEqual(expect.arrayContaining(['ort-node', 'fake']));
    expect(report.memoryBandwidth).toBeNull();
    expect(report.kernels).toBeNull();
  });

  it('rejects a bad --threads with a usage error and exit code 1', async () => {
    const err = await run(process.execPath, [BIN, 'doctor', '--fast', '--threads', 'zero']).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(err).toMatchObject({ code: 1 });
    expect((err as { stderr: string }).stderr).toMatch(/error\[USAGE\]: --threads zero/);
  });

  it('runs the timing probes and extra sections, and prints them', async () => {
    registerDoctorSection('test section', async ({ threads }) => ({ lines: [`threads=${threads}`], data: { threads } }));
    registerDoctorSection('broken section', async () => {
      throw new Error('meter unplugged');
    });
    const r = await runDoctor({
      threads: 1,
      arch: { name: 'tiny', arch: TINY },
      bandwidthBytes: 2 * 1024 * 1024,
      kernelStreamBytes: 128 * 1024,
    });
    const bw = r.memoryBandwidth?.['1'];
    expect(bw && 'memoryBandwidthBytesPerS' in bw && bw.memoryBandwidthBytesPerS > 0).toBe(true);
    expect(r.kernels && 'rooflines' in r.kernels && r.kernels.rooflines[0]?.maxTokensPerS).toBeGreaterThan(0);
    expect(r.sections['test section']).toEqual({ lines: ['threads=1'], data: { threads: 1 } });
    expect(r.sections['broken section']).toEqual({ error: 'meter unplugged' });
    const text = formatDoctor(r);
    expect(text).toMatch(/kernel roofline: .* ≤ [\d.]+ tok\/s decode/);
    expect(text).toMatch(/ORT fp32 GEMV .* GB\/s/);
    expect(text).toContain('broken section: failed — meter unplugged');
    expect(JSON.parse(JSON.stringify(r))).toMatchObject({ threads: 1, kernels: { arch: 'tiny' } });
  });
});
