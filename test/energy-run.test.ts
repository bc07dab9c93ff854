/**
 * `edgebench run --energy …` end to end through the CLI with the fake runner: RAPL on a fixture
 * tree whose counters this test drives at a known power (and through a wrap), a meter CSV, a GPU
 * meter that dies mid-cell (cell marked, run continues), bad input, and the doctor section.
 */
import { writeFakeSuite } from './helpers/fake-suite.ts';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../src/results/schema.ts';
import { buildPowercapTree } from './helpers/powercap-tree.ts';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'edgebench.js');
const FIX = join(import.meta.dirname, 'fixtures', 'energy');

function suite(dir: string, shapes = 'pp16+tg16'): string {
  return writeFakeSuite(dir, {
    name: 'energy',
    shapes,
    repetitions: { warmup: 1, minCount: 3, minTimeS: 1.2, maxCount: 50, maxTimeS: 10 },
    fake: { decodeMs: 15, prefillMsPerToken: 2, loadMs: 1 },
  });
}

const args = (dir: string, out: string, extra: string[], shapes?: string) => [
  BIN,
  'run',
  '--suite',
  suite(dir, shapes),
  '--out',
  out,
  '--no-bandwidth',
  '--no-report',
  '--json',
  '--energy-baseline',
  '0.6',
  ...extra,
];

function runAsync(argv: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, argv, { env, cwd: ROOT });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('edgebench run --energy', () => {
  it('measures RAPL counters driven at 8 W + 2 W (package-0 wrapping every 375 ms): ~10 W gross, ~0 W net', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eb-energy-'));
    const root = buildPowercapTree('powercap-server', join(dir, 'powercap'));
    const max = 3_000_000; // a 3 J counter range: at 8 W package-0 wraps every 375 ms, many times per cell
    writeFileSync(join(root, 'intel-rapl:0', 'max_energy_range_uj'), `${max}\n`);
    let pkg = 1_000_000;
    let dram = 23456789012;
    // sysfs reads are atomic: write a temp file and rename it over energy_uj
    const put = (zone: string, uj: number) => {
      writeFileSync(join(root, zone, 'energy_uj.tmp'), `${uj}\n`);
      renameSync(join(root, zone, 'energy_uj.tmp'), join(root, zone, 'energy_uj'));
    };
    put('intel-rapl:0', pkg);
    put('intel-rapl:0:0', dram);
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      const dt = (now - last) / 1000;
      last = now;
      pkg = Math.round(pkg + 8e6 * dt) % max;
      dram = Math.round(dram + 2e6 * dt);
      put('intel-rapl:0', pkg);
      put('intel-rapl:0:0', dram);
    }, 5);
    const r = await runAsync(args(dir, join(dir, 'out'), ['--energy', 'rapl']), { ...process.env, EDGEBENCH_POWERCAP_ROOT: root });
    clearInterval(timer);
    expect(r.status, r.stderr).toBe(0);
    const e = (JSON.parse(r.stdout) as RunSummary).cells[0]!.energy!;
    if (process.env.EB_DEBUG) console.log(JSON.stringify({ b: e.baselineByDomainW, d: e.decode, p: e.prefill }));
    expect(e.source).toBe('rapl');
    expect(e.method).toBe('measured');
    expect(e.headlineDomains).toEqual(['package-0', 'dram-0', 'package-1', 'dram-1']);
    expect(e.baselineW!).toBeGreaterThan(8.5);
    expect(e.baselineW!).toBeLessThan(11.5);
    const dc = e.decode!;
    expect(dc.uncertainty).not.toBe('unresolved');
    expect(dc.avgGrossW!).toBeGreaterThan(8.5);
    expect(dc.avgGrossW!).toBeLessThan(11.5);
    expect(Math.abs(dc.avgNetW!)).toBeLessThan(1.5);
    expect(dc.byDomainGrossJ['package-1']).toBe(0);
    // per domain, over all decode windows: a lost wrap would drop ~5 % of package-0
    const seconds = dc.totalWindowMs / 1000;
    expect(dc.byDomainGrossJ['package-0']! / seconds).toBeGreaterThan(8 * 0.97);
    expect(dc.byDomainGrossJ['package-0']! / seconds).toBeLessThan(8 * 1.03);
    expect(dc.byDomainGrossJ['dram-0']! / seconds).toBeGreaterThan(2 * 0.97);
    expect(dc.byDomainGrossJ['dram-0']! / seconds).toBeLessThan(2 * 1.03);
    expect(dc.tokens).toBe(dc.windowsUsed * 15);
  });

  it('reads an external meter CSV aligned by timestamps', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eb-energy-'));
    const csv = join(dir, 'usb-meter.csv');
    const now = Date.now();
    const rows = Array.from({ length: 900 }, (_, i) => `${new Date(now - 20_000 + i * 100).toISOString()},${(7.5).toFixed(3)}`);
    writeFileSync(csv, ['timestamp,power_w', ...rows].join('\n') + '\n');
    const r = await runAsync(args(dir, join(dir, 'out'), ['--energy', `meter-csv:${csv}`]), {
      ...process.env,
      EDGEBENCH_METER_GRACE_MS: '500',
    });
    expect(r.status, r.stderr).toBe(0);
    const e = (JSON.parse(r.stdout) as RunSummary).cells[0]!.energy!;
    expect(e.source).toBe('meter-csv');
    expect(e.status).toBe('ok');
    expect(e.decode!.avgGrossW!).toBeCloseTo(7.5, 3);
    expect(e.baselineW!).toBeCloseTo(7.5, 3);
    expect(e.decode!.netJ!).toBeCloseTo(0, 3);
  });

  it('marks cells whose GPU meter dies mid-cell and finishes the run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eb-energy-'));
    const env = {
      ...process.env,
      PATH: `${join(FIX, 'nvidia-smi', 'bin')}:${process.env.PATH ?? ''}`,
      EDGEBENCH_FAKE_NVSMI_DIE_AFTER: '4',
    };
    const r = await runAsync(args(dir, join(dir, 'out'), ['--energy', 'nvidia-smi'], 'tg8, tg16'), env);
    expect(r.status, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as RunSummary;
    expect(s.cells.map((c) => c.status)).toEqual(['ok', 'ok']);
    for (const c of s.cells) {
      expect(c.energy!.status).toBe('lost');
      expect(c.energy!.reason).toMatch(/GPU is lost/);
      expect(c.warnings.map((w) => w.code)).toContain('ENERGY_SOURCE_LOST');
    }
  });

  it('rejects a meter CSV with a bad unit, and an unusable explicit source, before creating the run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eb-energy-'));
    const bad = spawnSync(process.execPath, args(dir, join(dir, 'out1'), ['--energy', `meter-csv:${join(FIX, 'meter', 'bad-unit.csv')}`]), {
      encoding: 'utf8',
      cwd: ROOT,
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/error\[CONFIG_INVALID\]: meter CSV .*bad-unit\.csv: column "power \[A\]": "a" is not a unit of power/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'out1'))).toBe(false);
    const rapl = spawnSync(process.execPath, args(dir, join(dir, 'out2'), ['--energy', 'rapl']), {
      encoding: 'utf8',
      cwd: ROOT,
      env: { ...process.env, EDGEBENCH_POWERCAP_ROOT: join(dir, 'none') },
    });
    expect(rapl.status).toBe(1);
    expect(rapl.stderr).toMatch(/error\[DEVICE_UNAVAILABLE\]: --energy rapl: .*no powercap interface/);
    expect(rapl.stderr).toMatch(/hint: /);
    const unknown = spawnSync(process.execPath, args(dir, join(dir, 'out3'), ['--energy', 'wattmeter']), { encoding: 'utf8', cwd: ROOT });
    expect(unknown.stderr).toMatch(/error\[USAGE\]: --energy wattmeter: unknown energy source/);
  });

  it('lists the energy sources in `edgebench doctor --json --fast`', () => {
    const laptop = buildPowercapTree('powercap-laptop');
    const r = spawnSync(process.execPath, [BIN, 'doctor', '--json', '--fast'], {
      encoding: 'utf8',
      cwd: ROOT,
      env: { ...process.env, EDGEBENCH_POWERCAP_ROOT: laptop },
    });
    rmSync(laptop, { recursive: true });
    expect(r.status, r.stderr).toBe(0);
    const section = (
      JSON.parse(r.stdout) as { sections: Record<string, { data: { sources: { name: string; ok: boolean }[]; auto: string } }> }
    ).sections['energy sources']!;
    const names = section.data.sources.map((s) => s.name);
    expect(names).toEqual(['rapl', 'nvidia-smi', 'powermetrics', 'battery', 'estimate', 'meter-csv']);
    expect(section.data.sources.find((s) => s.name === 'rapl')!.ok).toBe(true);
    expect(section.data.auto).toBe('rapl');
    expect(readFileSync(BIN, 'utf8')).toContain('tsx');
  });
});
