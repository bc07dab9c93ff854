/**
 * The ort-web runner (real onnxruntime-web wasm in a worker thread): the same greedy tokens as
 * ort-node (fp32; q4 with fp32 activations — at accuracy_level 4 the native CPU kernel quantizes
 * activations to int8 and wasm does not, so tokens may legitimately differ), 1 and 2 wasm threads,
 * the q4-on-wasm warning, picking the fastest wasm dtype by measurement, and the 4 GiB refusal
 * before loading (a fake 8B / fp32-1B model that is never built).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ortWebRunner } from '../src/runners/ort-web/ort-web-runner.ts';
import { ortNodeRunner } from '../src/runners/ort-node/ort-node-runner.ts';
import { checkWasmMemory, WASM32_MAX_BYTES } from '../src/runners/ort-web/wasm-limits.ts';
import { wasmCandidates } from '../src/runners/ort-web/wasm-dtype.ts';
import { getPreset } from '../src/models/presets.ts';
import { isEdgebenchError } from '../src/errors.ts';
import { CONTEXT, buildTiny, loadOpts, runTokens, sourceOf, tokensOf } from './helpers/runner-tokens.ts';

const N = 10;
let root = '';
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'eb-ortweb-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('ort-web runner (wasm)', () => {
  it('fp32 on 2 wasm threads: exactly N tokens equal to ort-node, depth included', async () => {
    // each loaded model has its own worker, so the thread count is per model (1 thread: next test)
    const source = await sourceOf(await buildTiny(root, 'tiny-fp32'));
    const ref = await runTokens(ortNodeRunner, source, N);
    const m = await ortWebRunner.load(source, loadOpts({ threads: 2 }));
    const got = { plain: await tokensOf(m, N), deep: await tokensOf(m, N, CONTEXT), resolved: m.resolved };
    // t_i must be taken before token i+1 is computed: stall the harness on token 1 for 40 ms; if the
    // worker ran ahead, tokens 2..N would arrive together (gaps ≈ 0)
    const seq = await m.prepare([]);
    const times: number[] = [];
    await seq.generate([1, 2, 3], 6, () => {
      times.push(performance.now());
      if (times.length === 1) while (performance.now() - times[0]! < 40);
    });
    await m[Symbol.asyncDispose]();
    const gaps = times.slice(2).map((t, i) => t - times[i + 1]!);
    expect(Math.min(...gaps)).toBeGreaterThan(0.05);
    expect(got.plain).toEqual(ref.plain);
    expect(got.deep).toEqual(ref.deep);
    expect(got.resolved).toMatchObject({ runner: 'ort-web', executionProvider: 'wasm', dtype: 'fp32', threads: 2, fallback: false });
    expect(got.resolved.settings).toMatchObject({ simd: true, numThreads: 2, matMulNBitsNodes: 0 });
    expect(got.resolved.settings.wasmQ4Warning).toBeUndefined();
    expect(got.resolved.versions['onnxruntime-web']).toMatch(/^\d+\.\d+/);
  });

  it('q4: same tokens as ort-node with fp32 activations, and the MatMulNBits warning', async () => {
    const source = await sourceOf(await buildTiny(root, 'tiny-q4acc0', { dtype: 'q4', accuracyLevel: 0 }));
    const ref = await runTokens(ortNodeRunner, source, N);
    const got = await runTokens(ortWebRunner, source, N);
    expect(got.plain).toEqual(ref.plain);
    expect(got.deep).toEqual(ref.deep);
    expect(got.resolved).toMatchObject({ threads: 1, dtype: 'q4' });
    expect(got.resolved.settings.matMulNBitsNodes).toBeGreaterThan(0);
    expect(got.resolved.settings.wasmQ4Warning).toMatch(/MatMulNBits.*dequantizes the whole 4-bit weight/);
  });

  it("wasmDtype 'fastest' measures every variant that exists and runs the fastest", async () => {
    // preset-style siblings: <name>-q4, <name>-fp32, <name>-fp16, <name>-q8
    const dirs = await Promise.all((['q4', 'fp32', 'fp16', 'q8'] as const).map((dtype) => buildTiny(root, `pick-${dtype}`, { dtype })));
    expect(
      wasmCandidates(dirs[0]!)
        .map((c) => c.dtype)
        .sort(),
    ).toEqual(['fp16', 'fp32', 'q4', 'q8']);
    const m = await ortWebRunner.load(await sourceOf(dirs[0]!), loadOpts({ settings: { wasmDtype: 'fastest' } }));
    try {
      const timings = String(m.resolved.settings.wasmDtypeTimings);
      const ms = [...timings.matchAll(/(\w+) ([\d.]+) ms\/step/g)].map((x) => ({ dtype: x[1]!, ms: Number(x[2]) }));
      expect(ms.map((x) => x.dtype).sort()).toEqual(['fp16', 'fp32', 'q4', 'q8']);
      expect(m.resolved.dtype).toBe(ms[0]!.dtype); // fastest first, and that is what runs
      expect(ms.every((x) => x.ms >= ms[0]!.ms)).toBe(true);
      const seq = await m.prepare([]);
      let n = 0;
      await seq.generate([1, 2, 3], 4, () => n++);
      expect(n).toBe(4);
    } finally {
      await m[Symbol.asyncDispose]();
    }
  });

  it('refuses a model beyond the 4 GiB wasm32 memory before loading, with the numbers', async () => {
    const big = getPreset('llama-3.1-8b').arch;
    const fake = {
      id: 'llama-3.1-8b',
      dir: join(root, 'never-built'),
      file: join(root, 'never-built', 'onnx', 'model_fp16.onnx'),
      dtype: 'fp16',
      arch: big,
    };
    const err = await ortWebRunner.load(fake, loadOpts()).catch((e: unknown) => e);
    expect(isEdgebenchError(err) && err.code).toBe('OUT_OF_MEMORY'); // not MODEL_NOT_FOUND: checked first
    expect((err as Error).message).toMatch(
      /needs about 3\d\.\d\d GB in wasm memory \(weights 1[56]\.\d\d GB, estimated from the architecture, ×2 as fp16 is upcast to fp32 on wasm, \+ runtime\) but wasm32 is limited to 4 GiB \(4\.29 GB\)/,
    );
    const oneB = getPreset('llama-3.2-1b').arch;
    expect(() => checkWasmMemory({ ...fake, id: '1b', arch: oneB, dtype: 'fp32' })).toThrow(/needs about 5\.\d\d GB .* limited to 4 GiB/);
    // fp16 is half the bytes on disk but is upcast to fp32 on wasm (measured: bad_alloc at 2.49 GB)
    expect(() => checkWasmMemory({ ...fake, id: '1b', arch: oneB, dtype: 'fp16' })).toThrow(/weights 2\.4\d GB.*×2 as fp16/);
    expect(checkWasmMemory({ ...fake, id: '1b', arch: oneB, dtype: 'q8' })!.neededBytes).toBeLessThan(WASM32_MAX_BYTES);
    const q4 = checkWasmMemory({ ...fake, id: '1b', arch: oneB, dtype: 'q4' });
    expect(q4!.neededBytes).toBeLessThan(WASM32_MAX_BYTES);
  });

  it('refuses non-wasm devices and bad settings', async () => {
    expect(await ortWebRunner.probe(loadOpts({ ep: 'webgpu' }))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/wasm backend only/),
    });
    const source = await sourceOf(join(root, 'tiny-fp32'));
    const err = await ortWebRunner.load(source, loadOpts({ settings: { wasmDtype: 'smallest' } })).catch((e: unknown) => e);
    expect(isEdgebenchError(err) && err.code).toBe('CONFIG_INVALID');
    expect((err as Error).message).toMatch(/runnerSettings\.ort-web: wasmDtype/);
  });
});
