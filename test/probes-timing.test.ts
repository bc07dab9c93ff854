import { describe, expect, it } from 'vitest';
import { timeAsync, timeSync } from '../src/probes/timing.ts';

describe('probe timing loop', () => {
  it('never overlaps calls of an async function (each is awaited before the next)', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let calls = 0;
    const s = await timeAsync(
      'sleep',
      () =>
        new Promise<void>((resolve) => {
          calls++;
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          setTimeout(() => {
            inFlight--;
            resolve();
          }, 5);
        }),
      { timeMs: 20, iterations: 4, warmupIterations: 1, warmupMs: 0 },
    );
    expect(maxInFlight).toBe(1);
    expect(s.n).toBeGreaterThanOrEqual(4);
    expect(calls).toBeGreaterThanOrEqual(s.n + 1);
    // libuv measures timers from the loop's cached time, so a 5 ms timer can fire ~1–2 ms early by hrtime;
    // an un-awaited promise would time at ~0 ms
    expect(s.minMs).toBeGreaterThanOrEqual(2.5);
    expect(s.medianMs).toBeGreaterThanOrEqual(s.minMs);
  });

  it('summarises a sync function with wall and CPU time', async () => {
    let x = 0;
    const s = await timeSync(
      'spin',
      () => {
        for (let i = 0; i < 1e5; i++) x += i;
      },
      { timeMs: 10, iterations: 3 },
    );
    expect(x).toBeGreaterThan(0);
    expect(s.n).toBeGreaterThanOrEqual(3);
    expect(s.wallMs).toBeGreaterThan(0);
    expect(s.cpuMs).toBeGreaterThan(0);
  });
});
