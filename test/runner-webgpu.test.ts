/**
 * WebGPU: onnxruntime-node's webgpu EP and transformers.js device 'webgpu' on this CPU-only box
 * through SwiftShader (Vulkan on the CPU): same greedy tokens as the CPU, the adapter recorded and
 * marked software, the real node placement read from onnxruntime's profile (silent-fallback check).
 * Where no adapter exists: `unsupported` cells with a reason and a hint, never a crash or a hang.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_REQUIRED, ENABLE_BROWSER_HINT } from './helpers/browser.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { isSoftwareAdapter, parseAnswer, probeWebGpuAdapter, swiftshaderIcdPath } from '../src/runners/webgpu/adapter.ts';
import { fallbackWarning, isSilentFallback, placementFromProfile, profileTarget, requestedShare } from '../src/runners/webgpu/placement.ts';
import { KvSequence, kvLayoutFromSession } from '../src/runners/ort-node/kv-session.ts';
import { ortNodeRunner } from '../src/runners/ort-node/ort-node-runner.ts';
import { transformersJsRunner } from '../src/runners/transformers-js/transformers-js-runner.ts';
import { runSuite } from '../src/measure/run-suite.ts';
import { realRunDeps } from '../src/measure/run-deps.ts';
import { collectEnvironment } from '../src/probes/environment.ts';
import { SuiteFile } from '../src/config/suite.ts';
import type { CellResult } from '../src/results/schema.ts';
import { CONTEXT, buildTiny, loadOpts, runTokens, sourceOf, tokensOf } from './helpers/runner-tokens.ts';

const N = 4;
let root = '';
let tiny = '';
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'eb-webgpu-'));
  tiny = await buildTiny(root, 'tiny-fp32');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('adapter and placement parsing', () => {
  it('reads the probe child output: adapter, no adapter, crash', () => {
    const ok = parseAnswer(
      'EDGEBENCH_ADAPTER {"adapter":{"vendor":"google","architecture":"swiftshader","device":"swiftshader-device-subzero-","description":"SwiftShader driver 5.0.0"}}\n',
      '',
      0,
      12,
    );
    expect(ok).toMatchObject({ ok: true, adapter: { vendor: 'google', architecture: 'swiftshader', software: true } });
    const none = parseAnswer(
      'EDGEBENCH_ADAPTER {"adapter":null}\n',
      'Warning: vkCreateInstance: Found no drivers!\n    at CheckVkSuccessImpl (x.cpp:106)\n',
      0,
      3,
    );
    expect(none).toMatchObject({ ok: false, reason: 'no WebGPU adapter on this machine (vkCreateInstance: Found no drivers!)' });
    const crash = parseAnswer('', 'Segmentation fault', 139, 3);
    expect(crash).toMatchObject({ ok: false, reason: expect.stringMatching(/crashed \(Segmentation fault\)/) });
    expect(isSoftwareAdapter({ vendor: 'mesa', architecture: '', device: 'llvmpipe (LLVM 15.0.6, 256 bits)', description: '' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'ada-lovelace', device: 'NVIDIA GeForce RTX 4090', description: '' })).toBe(
      false,
    );
  });

  it('placement from a profile: share of kernel time on the requested EP', () => {
    const ev = (provider: string, dur: number) => ({ cat: 'Node', name: 'x_kernel_time', dur, args: { provider } });
    const p = placementFromProfile([
      ev('WebGpuExecutionProvider', 900),
      ev('CPUExecutionProvider', 100),
      { cat: 'Session', name: 'model_run', dur: 5 },
    ]);
    expect(p.nodes).toEqual({ WebGpuExecutionProvider: 1, CPUExecutionProvider: 1 });
    expect(requestedShare(p, 'webgpu')).toBeCloseTo(0.9);
    expect(isSilentFallback(p, 'webgpu')).toBe(false);
    const cpuOnly = placementFromProfile([ev('CPUExecutionProvider', 100)]);
    expect(isSilentFallback(cpuOnly, 'webgpu')).toBe(true);
    expect(isSilentFallback(cpuOnly, 'cpu')).toBe(false);
  });

  it('a real session that ran on the CPU is a fallback when webgpu was asked for', async () => {
    const target = profileTarget();
    const file = (await sourceOf(tiny)).file!;
    const s = await ort.InferenceSession.create(file, { enableProfiling: true, profileFilePrefix: target.prefix, logSeverityLevel: 3 });
    await new KvSequence(s, kvLayoutFromSession(s, 2, 16), ort.Tensor as unknown as ConstructorParameters<typeof KvSequence>[2]).step([
      1, 2, 3,
    ]);
    s.endProfiling();
    const p = target.read()!;
    await s.release();
    expect(p.nodes.CPUExecutionProvider).toBeGreaterThan(10);
    expect(isSilentFallback(p, 'webgpu')).toBe(true);
    expect(fallbackWarning('webgpu', p)).toMatch(
      /asked for 'webgpu' but only 0 % of kernel time ran on it \(nodes: CPUExecutionProvider \d+\)/,
    );
  });
});

describe('no WebGPU adapter', () => {
  it('probes say unsupported with reason and hint, and the run records unsupported cells', async () => {
    const saved = process.env.VK_ICD_FILENAMES;
    process.env.VK_ICD_FILENAMES = join(root, 'no-such-icd.json'); // read by the probe's child process only
    try {
      const a = await probeWebGpuAdapter();
      expect(a).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/no WebGPU adapter/),
        hint: expect.stringMatching(/VK_ICD_FILENAMES|driver/),
      });
      expect(await ortNodeRunner.probe(loadOpts({ ep: 'webgpu' }))).toMatchObject({ ok: false, reason: a.ok ? '' : a.reason });
      expect(await transformersJsRunner.probe(loadOpts({ ep: 'webgpu' }))).toMatchObject({ ok: false });
      const suite = SuiteFile.parse({
        name: 'no-gpu',
        models: [tiny],
        runners: ['ort-node', 'transformers-js'],
        eps: ['webgpu'],
        threads: [1],
        shapes: ['tg4'],
      });
      const cells: CellResult[] = [];
      await runSuite(
        { suite, done: new Set(), appendCell: async (c) => void cells.push(c), onEvent: () => {}, shouldStop: () => false },
        realRunDeps(await collectEnvironment(), { bandwidth: false, log: () => {} }),
      );
      expect(cells.map((c) => [c.key.runner, c.status])).toEqual([
        ['ort-node', 'unsupported'],
        ['transformers-js', 'unsupported'],
      ]);
      expect(cells[0]!.error).toMatchObject({
        code: 'DEVICE_UNAVAILABLE',
        message: expect.stringMatching(/no WebGPU adapter/),
        hint: expect.any(String),
      });
    } finally {
      if (saved === undefined) delete process.env.VK_ICD_FILENAMES;
      else process.env.VK_ICD_FILENAMES = saved;
    }
  });

  it('a hung driver times out instead of hanging the run', async () => {
    const r = await probeWebGpuAdapter({ timeoutMs: 1 });
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/no answer from the WebGPU driver within 0\.001 s/) });
  });
});

describe('WebGPU through SwiftShader (software adapter)', () => {
  it('ort-node and transformers.js on webgpu: CPU tokens, adapter recorded as software, no fallback', async (ctx) => {
    const icd = swiftshaderIcdPath();
    if (!icd) {
      // CI (EDGEBENCH_REQUIRE_BROWSER=1) must run this; elsewhere global-setup said how to enable it
      if (BROWSER_REQUIRED) throw new Error(`SwiftShader ICD not found: ${ENABLE_BROWSER_HINT}`);
      ctx.skip();
      return;
    }
    process.env.VK_ICD_FILENAMES = icd; // before onnxruntime creates its WebGPU context in this process
    const adapter = await probeWebGpuAdapter();
    if (!adapter.ok) {
      if (BROWSER_REQUIRED) throw new Error(`no WebGPU adapter through SwiftShader: ${adapter.reason}`);
      console.log(`skipped: no WebGPU adapter through SwiftShader here (${adapter.reason}); the no-adapter path above still ran`);
      ctx.skip();
      return;
    }
    const source = await sourceOf(tiny);
    const cpu = await runTokens(ortNodeRunner, source, N);
    // SwiftShader compiles a shader for every new shape (seconds each on 2 busy cores): depth is
    // checked on ort-node only, transformers.js runs the plain prompt
    for (const runner of [ortNodeRunner, transformersJsRunner]) {
      const m = await runner.load(source, loadOpts({ ep: 'webgpu' }));
      const gpu = {
        plain: await tokensOf(m, N),
        deep: runner === ortNodeRunner ? await tokensOf(m, N, CONTEXT) : cpu.deep,
        resolved: m.resolved,
      };
      await m[Symbol.asyncDispose]();
      expect(gpu.plain).toEqual(cpu.plain);
      expect(gpu.deep).toEqual(cpu.deep);
      expect(gpu.resolved).toMatchObject({ executionProvider: 'webgpu', fallback: false });
      expect(gpu.resolved.settings).toMatchObject({ adapterArchitecture: 'swiftshader', softwareAdapter: true });
      expect(gpu.resolved.settings.nodesOnRequestedEp).toBeGreaterThan(50);
      expect(gpu.resolved.settings.kernelTimeShareOnRequestedEp).toBeGreaterThan(0.5);
    }
  });
});
