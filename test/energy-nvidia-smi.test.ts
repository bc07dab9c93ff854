/**
 * nvidia-smi source against a stand-in `nvidia-smi` on PATH that replays recorded CSV
 * (test/fixtures/energy/nvidia-smi): the energy counter where the driver has it, power.draw on an
 * old driver that rejects the newer fields, [N/A] power, and a GPU lost mid-recording.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseNvsmiMode, parseNvsmiCsv, probeNvidiaSmi } from '../src/probes/energy/nvidia-smi.ts';

const BIN = join(import.meta.dirname, 'fixtures', 'energy', 'nvidia-smi', 'bin');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let savedPath: string | undefined;

beforeEach(() => {
  savedPath = process.env.PATH;
  process.env.PATH = `${BIN}:${process.env.PATH ?? ''}`;
});
afterEach(() => {
  process.env.PATH = savedPath;
  delete process.env.EDGEBENCH_FAKE_NVSMI;
  delete process.env.EDGEBENCH_FAKE_NVSMI_DIE_AFTER;
});

describe('nvidia-smi energy source', () => {
  it('parses nvidia-smi CSV and prefers the energy counter, then power.draw.instant, then power.draw', () => {
    const csv =
      'index, name, power.draw [W], power.draw.instant [W], total_energy_consumption [mJ]\n0, NVIDIA H100, 70.1, 69.9, 918280632\n';
    const { header, rows } = parseNvsmiCsv(csv);
    expect(header).toEqual(['index', 'name', 'power.draw', 'power.draw.instant', 'total_energy_consumption']);
    expect(chooseNvsmiMode(header, rows)).toEqual({ field: 'total_energy_consumption', kind: 'counter' });
    expect(chooseNvsmiMode(header, [['0', 'x', '70.1', '69.9', '[N/A]']])).toEqual({ field: 'power.draw.instant', kind: 'power' });
    expect(chooseNvsmiMode(header, [['0', 'x', '70.1', '[Not Supported]', '[N/A]']])).toEqual({ field: 'power.draw', kind: 'power' });
    expect(chooseNvsmiMode(header, [['0', 'x', '[N/A]', '[N/A]', '[N/A]']])).toBeNull();
  });

  it('records the H100 energy counter in joules from the first reading', async () => {
    const p = await probeNvidiaSmi();
    if (!p.ok) throw new Error(`${p.reason} — ${p.hint}`);
    const src = p.source;
    expect(src.kind).toBe('counter');
    expect(src.domains).toEqual(['gpu0']);
    expect(src.sourceClass).toBe('fine');
    expect(p.note).toMatch(/H100.*total_energy_consumption/);
    await src.start();
    await sleep(1200); // the stand-in is a node process: slow to start on a busy machine
    const rec = await src.stop();
    expect(rec.lost).toBeNull();
    expect(rec.samples.length).toBeGreaterThanOrEqual(3);
    expect(rec.samples[0]!.values[0]).toBe(0);
    // replayed ticks: 7.012 J, then 7.005 J, then 14.833 J … (W × 100 ms from the recording)
    expect(rec.samples[1]!.values[0]).toBeCloseTo(7.012, 3);
    expect(rec.samples[2]!.values[0]).toBeCloseTo(14.017, 3);
    const ts = rec.samples.map((s) => s.tMs);
    expect(ts.every((t, i) => i === 0 || t > ts[i - 1]!)).toBe(true);
    expect(await src.temperatures!()).toEqual({ gpu0: 31 });
  });

  it('falls back to power.draw on an old driver with two GPUs, with a 1 s resolution floor', async () => {
    process.env.EDGEBENCH_FAKE_NVSMI = 'rtx3090x2-old-driver.csv';
    const p = await probeNvidiaSmi();
    if (!p.ok) throw new Error(p.reason);
    const src = p.source;
    expect(src.kind).toBe('power');
    expect(src.domains).toEqual(['gpu0', 'gpu1']);
    expect(src.resolutionFloorMs).toBe(1000);
    expect(src.assumptions.join(' ')).toMatch(/average power\.draw over 1 s/);
    await src.start();
    await sleep(1000);
    const rec = await src.stop();
    expect(rec.lost).toBeNull();
    expect(rec.samples.length).toBeGreaterThanOrEqual(2);
    expect(rec.samples[0]!.values).toEqual([38.2, 42.5]);
  });

  it('reports a GPU without power readings as unusable, with a fix', async () => {
    process.env.EDGEBENCH_FAKE_NVSMI = 'vgpu-no-power.csv';
    const p = await probeNvidiaSmi();
    expect(p.ok).toBe(false);
    if (!p.ok) {
      expect(p.reason).toMatch(/no power reading/);
      expect(p.hint).toMatch(/external meter/);
    }
  });

  it('marks the recording lost when the GPU falls off the bus mid-run', async () => {
    process.env.EDGEBENCH_FAKE_NVSMI_DIE_AFTER = '3';
    const p = await probeNvidiaSmi();
    if (!p.ok) throw new Error(p.reason);
    await p.source.start();
    await sleep(1500);
    const rec = await p.source.stop();
    expect(rec.samples.length).toBe(3);
    expect(rec.lost?.reason).toMatch(/nvidia-smi exited \(code 15\): .*GPU is lost/);
  });

  it('says so when nvidia-smi is not installed', async () => {
    process.env.PATH = '/nonexistent';
    const p = await probeNvidiaSmi();
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.reason).toMatch(/nvidia-smi not found on PATH/);
  });
});
