/**
 * The edge under parallel requests: llama-cpp with several sequences of one context (batched by
 * node-llama-cpp) gives each parallel request the same greedy tokens as one request alone, and the
 * ladder runs on it through the harness; a runner without batching (ort-node, the ONNX runners)
 * says plainly it serves one request at a time, and the harness queues its parallel requests.
 */
import { describe, expect, it } from 'vitest';
import { tinyGguf } from './helpers/tiny-gguf.ts';
import { driveLevel } from '../src/load/drive-level.ts';
import { runLadder, ONE_AT_A_TIME } from '../src/load/run-ladder.ts';
import { summarizeLadder } from '../src/load/goodput.ts';
import { LoadPlan } from '../src/load/plan.ts';
import { parseShape } from '../src/config/shapes.ts';
import type { LoadedModel } from '../src/runners/types.ts';

const gguf = tinyGguf('eb-llamacpp-par-');
const load = (parallel?: number) => gguf.load({ ep: 'cpu', threads: 1, settings: { contextSize: 256 }, ...(parallel && { parallel }) });

async function decode(m: LoadedModel, prompt: number[], n: number): Promise<number[]> {
  const seq = await m.prepare([]);
  const out: number[] = [];
  await seq.generate(prompt, n, (t) => out.push(t));
  return out;
}

describe('llama-cpp: several sequences of one context', () => {
  it('parallel requests get the same greedy tokens as one alone', async () => {
    const single = await load();
    const prompts = [
      [5, 17, 99, 3],
      [200, 42, 7, 8, 9],
      [11, 12],
      [300, 301, 302],
    ];
    let alone: number[][];
    try {
      expect(single.parallel).toBeUndefined(); // one sequence: one request at a time
      alone = [];
      for (const p of prompts) alone.push(await decode(single, p, 12));
    } finally {
      await single[Symbol.asyncDispose]();
    }
    const m = await load(4);
    try {
      expect(m.parallel).toMatchObject({ max: 4, how: expect.stringMatching(/4 sequences of one llama\.cpp context/) });
      expect(m.resolved.settings.parallelSequences).toBe(4);
      const together = await Promise.all(prompts.map((p) => decode(m, p, 12)));
      expect(together).toEqual(alone);
      // a fifth request waits for a free sequence instead of failing
      const five = await Promise.all([...prompts, prompts[0]!].map((p) => decode(m, p, 4)));
      expect(five[4]).toEqual(alone[0]!.slice(0, 4));
    } finally {
      await m[Symbol.asyncDispose]();
    }
  });

  it('runs the concurrency ladder through the harness', async () => {
    const plan = LoadPlan.parse({ concurrency: [1, 4], requestsPerLevel: 8, slo: { ttftMs: 1e5, tpotMs: 1e5 } });
    const m = await load(4);
    try {
      const f = await runLadder({
        model: m,
        cellIndex: 0,
        key: { model: 'tiny-llama', dtype: 'q4_0', runner: 'llama-cpp', ep: 'cpu', threads: 1, shape: parseShape('pp16+tg8') },
        boundary: 'engine',
        workload: { shape: parseShape('pp16+tg8'), vocabSize: 512, seed: 3 },
        plan,
        shouldStop: () => false,
      });
      expect(f.parallelism).toMatch(/4 sequences/);
      expect(f.network).toBeNull();
      const s = summarizeLadder(f);
      expect(s.levels.map((l) => [l.label, l.ok, l.errored])).toEqual([
        ['c=1', 8, 0],
        ['c=4', 8, 0],
      ]);
      expect(s.highestMeeting).toBe('c=4');
      for (const l of f.levels) for (const r of l.requests) expect(r.tokenTimesMs).toHaveLength(8);
    } finally {
      await m[Symbol.asyncDispose]();
    }
  });

  it('a runner without batching is one request at a time: the harness queues, the wait is in TTFT', async () => {
    const m = await load(); // one sequence: no `parallel`, like the ONNX runners
    try {
      await decode(m, [1, 2, 3], 16); // warm
      const level = await driveLevel({
        model: m,
        workload: { shape: parseShape('pp8+tg16'), vocabSize: 512, seed: 1 },
        spec: { mode: 'concurrency', concurrency: 3 },
        count: 3,
        maxTimeS: 60,
        seed: 1,
        shouldStop: () => false,
      });
      const ttfts = level.requests.map((r) => r.tokenTimesMs[0]!).sort((a, b) => a - b);
      const e2e = level.requests.map((r) => r.tokenTimesMs.at(-1)!).sort((a, b) => a - b);
      expect(level.requests.every((r) => r.status === 'ok')).toBe(true);
      // the last request waited for whole answers before its first token: its TTFT exceeds the fastest whole answer
      expect(ttfts[2]!).toBeGreaterThan(e2e[0]!);
      expect(ONE_AT_A_TIME).toMatch(/one request at a time/);
    } finally {
      await m[Symbol.asyncDispose]();
    }
  });
});
