/**
 * External meter CSV logs: column and unit recognition, unsorted rows, duplicates, gaps and a
 * half-written last line; bad columns and units as clear errors; and the source aligning a log
 * written during the recording onto the monotonic clock by wall-clock timestamps.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isEdgebenchError } from '../src/errors.ts';
import { probeMeterCsv } from '../src/probes/energy/meter-csv.ts';
import { parseMeterCsv, splitHeader } from '../src/probes/energy/meter-csv-parse.ts';
import { toSegments } from '../src/analyze/energy-windows.ts';
import { nowMs } from '../src/clock.ts';

const DIR = join(import.meta.dirname, 'fixtures', 'energy', 'meter');
const read = (f: string) => readFileSync(join(DIR, f), 'utf8');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function parseError(f: string): { message: string; hint: string } {
  try {
    parseMeterCsv(read(f), f);
  } catch (e) {
    if (isEdgebenchError(e)) return { message: e.message, hint: e.hint ?? '' };
    throw e;
  }
  throw new Error(`${f} parsed without error`);
}

describe('meter CSV logs', () => {
  it('reads units from headers', () => {
    expect(splitHeader('Power (mW)')).toEqual({ base: 'power', unit: 'mw' });
    expect(splitHeader('energy [Wh]')).toEqual({ base: 'energy', unit: 'wh' });
    expect(splitHeader('power_w')).toEqual({ base: 'power', unit: 'w' });
    expect(splitHeader('timestamp_ms')).toEqual({ base: 'timestamp', unit: 'ms' });
    expect(splitHeader('Watts')).toEqual({ base: 'power', unit: 'watts' });
    expect(splitHeader('voltage_v')).toEqual({ base: 'voltage_v', unit: null });
  });

  it('sorts unsorted rows, drops duplicates, keeps gaps and skips a half-written last line', () => {
    const log = parseMeterCsv(read('usb-meter-gaps-unsorted.csv'), 'usb.csv');
    expect(log.kind).toBe('power');
    expect(log.column).toBe('power_w');
    expect(log.unsortedRows).toBe(1);
    expect(log.duplicateRows).toBe(1);
    expect(log.skippedPartialLine).toBe(true);
    expect(log.rows).toHaveLength(15);
    const t = log.rows.map((r) => r.wallMs);
    expect(t.every((x, i) => i === 0 || x > t[i - 1]!)).toBe(true);
    expect(log.rows[3]).toEqual({ wallMs: Date.parse('2026-11-20T14:02:14.000Z'), value: 6.915 });
    // the 6 s logger stall is a gap: no trapezoid is drawn across it
    const trace = {
      kind: 'power' as const,
      powerSemantics: 'instant' as const,
      domains: ['meter'],
      samples: log.rows.map((r) => ({ tMs: r.wallMs, values: [r.value] })),
    };
    const seg = toSegments(trace);
    expect(seg.gaps).toBe(1);
    expect(seg.segments).toHaveLength(13);
  });

  it('prefers a cumulative energy column and converts mWh to joules (semicolons, epoch ms)', () => {
    const log = parseMeterCsv(read('smart-plug-energy.csv'), 'plug.csv');
    expect(log.kind).toBe('counter');
    expect(log.unit).toBe('mwh');
    expect(log.rows[0]!.wallMs).toBe(1795687331000);
    expect(log.rows[1]!.value - log.rows[0]!.value).toBeCloseTo(22.5, 6); // 45 W × 0.5 s
    expect(log.rows[9]!.value - log.rows[8]!.value).toBeCloseTo(45, 6); // 90 W × 0.5 s
  });

  it('rejects bad columns, units and values with what is wrong and how to fix it', () => {
    expect(parseError('bad-unit.csv').message).toMatch(/column "power \[A\]": "a" is not a unit of power \(W, mW, kW\)/);
    const noTime = parseError('no-timestamp.csv');
    expect(noTime.message).toMatch(/no timestamp column \(columns: seconds, watts\)/);
    expect(noTime.hint).toMatch(/timestamp,power_w/);
    expect(parseError('no-unit.csv').message).toMatch(/column "power" has no unit/);
    expect(parseError('bad-value.csv').message).toMatch(/line 3: "n\/a" in column "power_w" is not a number/);
    expect(parseError('relative-time.csv').message).toMatch(/looks relative/);
  });

  it('aligns a log written during the recording, and marks it lost when the log stops early', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eb-meter-'));
    const file = join(dir, 'meter.csv');
    const now = Date.now();
    const rows = (until: number) =>
      Array.from({ length: Math.floor((until + 5000) / 100) }, (_, i) => `${new Date(now - 5000 + i * 100).toISOString()},12.5`);
    writeFileSync(file, ['timestamp,power_w', ...rows(5000)].join('\n') + '\n');
    const p = await probeMeterCsv(file);
    if (!p.ok) throw new Error(p.reason);
    const t0 = nowMs();
    await p.source.start();
    await sleep(400);
    const rec = await p.source.stop();
    expect(rec.lost).toBeNull();
    // rows 100 ms apart, mapped within a few ms of the monotonic time of their wall-clock stamp
    const inside = rec.samples.filter((s) => s.tMs >= t0 && s.tMs <= t0 + 400);
    expect(inside.length).toBeGreaterThanOrEqual(3);
    expect(inside.every((s) => s.values[0] === 12.5)).toBe(true);

    writeFileSync(file, ['timestamp,power_w', ...rows(0)].join('\n') + '\n'); // the log ends 5 s ago
    process.env.EDGEBENCH_METER_GRACE_MS = '300';
    try {
      await p.source.start();
      await sleep(200);
      const lost = await p.source.stop();
      expect(lost.lost?.reason).toMatch(/the meter log ends [\d.]+ s before the cell ended/);
    } finally {
      delete process.env.EDGEBENCH_METER_GRACE_MS;
    }
  });

  it('refuses a missing file at probe time with a hint', async () => {
    const p = await probeMeterCsv(join(tmpdir(), 'eb-no-such-meter.csv'));
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.reason).toMatch(/eb-no-such-meter\.csv not found/);
  });
});
