/**
 * powermetrics text output (Apple Silicon and Intel Macs) parsed block by block, and the source
 * streaming from a stand-in binary that replays the recording at -i intervals.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePowermetricsText, PowermetricsSource, probePowermetrics } from '../src/probes/energy/powermetrics.ts';

const DIR = join(import.meta.dirname, 'fixtures', 'energy', 'powermetrics');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('powermetrics energy source', () => {
  it('parses Apple Silicon blocks: interval and CPU/GPU/ANE watts (first "GPU Power" of a block)', () => {
    const blocks = parsePowermetricsText(readFileSync(join(DIR, 'apple-m1pro.txt'), 'utf8'));
    expect(blocks).toHaveLength(6);
    expect(blocks[0]).toEqual({ elapsedMs: 201.84, watts: { cpu: 0.612, gpu: 0.038, ane: 0 } });
    expect(blocks[3]!.watts.gpu).toBeCloseTo(2.215, 6);
    expect(blocks[4]!.watts).toEqual({ cpu: 9.311, gpu: 0.512, ane: 1.83 });
  });

  it('parses Intel Mac package power', () => {
    const blocks = parsePowermetricsText(readFileSync(join(DIR, 'intel-macbook.txt'), 'utf8'));
    expect(blocks.map((b) => b.watts.package)).toEqual([3.91, 27.64]);
    expect(blocks[1]!.elapsedMs).toBe(201.02);
  });

  it('ignores text that is not powermetrics output', () => {
    expect(parsePowermetricsText('CPU Power: 450 mW\nsomething else\n')).toEqual([]);
  });

  it('streams interval-average samples from a running powermetrics', async () => {
    const src = new PowermetricsSource(['cpu', 'gpu', 'ane'], join(DIR, 'powermetrics'));
    expect(src.powerSemantics).toBe('interval-average');
    await src.start();
    await sleep(1500);
    const rec = await src.stop();
    expect(rec.lost).toBeNull();
    expect(rec.samples.length).toBeGreaterThanOrEqual(3);
    expect(rec.samples[0]!.intervalMs).toBe(201.84);
    expect(rec.samples[0]!.values).toEqual([0.612, 0.038, 0]);
    expect(rec.samples[1]!.values[0]).toBe(17.48);
  });

  it('is macOS-only and needs root, and says so', async () => {
    const p = await probePowermetrics();
    expect(p.ok).toBe(false);
    if (!p.ok && process.platform !== 'darwin') expect(p.reason).toMatch(/macOS-only/);
    if (!p.ok && process.platform === 'darwin' && process.getuid?.() !== 0) expect(p.hint).toMatch(/sudo/);
  });
});
