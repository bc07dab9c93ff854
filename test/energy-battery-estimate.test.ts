/**
 * Battery discharge (systeminformation's battery() shape, read through a scripted gauge) and the
 * TDP estimate (real CPU-time counters while this process spins).
 */
import { describe, expect, it } from 'vitest';
import { BatterySource, probeBattery, remainingJoules, type BatteryReading } from '../src/probes/energy/battery.ts';
import { probeEstimate } from '../src/probes/energy/estimate-tdp.ts';
import { lookupTdp } from '../src/probes/energy/tdp-table.ts';

const onBattery = (mWh: number, extra: Partial<BatteryReading> = {}): BatteryReading => ({
  hasBattery: true,
  acConnected: false,
  isCharging: false,
  percent: 64,
  currentCapacity: mWh,
  capacityUnit: 'mWh',
  voltage: 11.4,
  ...extra,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('battery discharge source', () => {
  it('converts gauge readings to joules (mWh, or mAh × V)', () => {
    expect(remainingJoules(onBattery(1000))).toBe(3600);
    expect(remainingJoules(onBattery(1000, { capacityUnit: 'mAh', voltage: 3.85 }))).toBeCloseTo(13860, 6);
    expect(remainingJoules(onBattery(0))).toBeNull();
  });

  it('is unusable on AC power or without a battery, and says why', async () => {
    const ac = await probeBattery(async () => onBattery(40000, { acConnected: true }));
    expect(ac.ok).toBe(false);
    if (!ac.ok) expect(ac.reason).toMatch(/on AC power/);
    const none = await probeBattery(async () => ({ ...onBattery(0), hasBattery: false }));
    expect(none.ok).toBe(false);
  });

  it('records discharge as a counter and is lost when the charger is plugged in', async () => {
    const script = [onBattery(40000), onBattery(40000), onBattery(39990), onBattery(39980, { acConnected: true })];
    let i = 0;
    const src = new BatterySource(async () => script[Math.min(i++, script.length - 1)]!);
    await src.start();
    await src.sample();
    await src.sample();
    const rec = await src.stop();
    expect(rec.samples.map((s) => s.values[0])).toEqual([0, 0, 36]); // 10 mWh = 36 J
    expect(rec.lost?.reason).toMatch(/AC power connected/);
  });
});

describe('TDP estimate', () => {
  it('looks up a listed CPU, a family, or the whole table', () => {
    const epyc = lookupTdp('AMD EPYC 9654 96-Core Processor');
    expect(epyc.how).toBe('table');
    expect(epyc.wattsPerThread).toBeCloseTo(360 / 192, 9);
    const family = lookupTdp('AMD EPYC');
    expect(family.how).toBe('family-median');
    // EPYC rows per thread: 1.875 2.1875 2.8125 3.0208 4.375 6.25 → median of the middle two
    expect(family.wattsPerThread).toBeCloseTo((2.8125 + 290 / 96) / 2, 9);
    expect(family.rangeWattsPerThread).toEqual([1.875, 6.25]);
    expect(lookupTdp('Mystery RISC-V 8-core').how).toBe('table-median');
  });

  it('turns measured CPU time into joules: a busy thread for ~300 ms at 10 W per thread ≈ 3 J', async () => {
    const p = probeEstimate({ tdpWatts: 10 * 2, logicalCores: 2, cpuModel: 'test CPU' });
    if (!p.ok) throw new Error(p.reason);
    const src = p.source;
    expect(src.method).toBe('estimated');
    expect(src.assumptions[0]).toMatch(/ESTIMATE, not a measurement/);
    await src.start();
    await sleep(100);
    const before = process.cpuUsage();
    const t = performance.now();
    while (performance.now() - t < 300) Math.sqrt(Math.random());
    const spentS = (process.cpuUsage(before).user + process.cpuUsage(before).system) / 1e6;
    await sleep(120);
    const rec = await src.stop();
    const last = rec.samples.at(-1)!.values;
    const processJ = last[1]!;
    // the spin plus a little runtime overhead, at 10 W per busy thread
    expect(processJ).toBeGreaterThan(spentS * 10 * 0.9);
    expect(processJ).toBeLessThan(spentS * 10 + 1.5);
    expect(last[0]!).toBeGreaterThan(0); // the whole system was busy at least that much (10 ms ticks)
  });
});
