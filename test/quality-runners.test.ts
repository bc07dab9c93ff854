/**
 * The quality pass for real on generated tiny models: ONNX Runtime and llama.cpp teacher-forced
 * over the bundled stream against the fp32 reference, through the library and through the CLI
 * (`run --quality`, `quality <run>`, bad input).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQualityJob } from '../src/quality/quality-job.ts';
import { createServeEngine } from '../src/serve/openai/engine.ts';
import { startOpenAiServer } from '../src/serve/openai/server.ts';
import { isQualityError, QualityRecordSchema } from '../src/results/quality-schema.ts';
import { RunSummary } from '../src/results/schema.ts';

const BIN = resolve('bin/edgebench.js');
let root: string;
const saved = process.env.EDGEBENCH_MODELS_DIR;
const log = () => {};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'eb-quality-'));
  process.env.EDGEBENCH_MODELS_DIR = join(root, 'models');
});
afterAll(() => {
  if (saved === undefined) delete process.env.EDGEBENCH_MODELS_DIR;
  else process.env.EDGEBENCH_MODELS_DIR = saved;
});

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, EDGEBENCH_MODELS_DIR: join(root, 'models'), EDGEBENCH_DEBUG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', rej);
    child.on('close', (code) => res({ code, stdout, stderr }));
  });
}

const job = (runner: string, dtype: string) => ({ model: 'tiny-llama', runner, ep: 'cpu', dtype, threads: 1, settings: {} });

describe('quality against the fp32 reference (tiny-llama, real runtimes)', () => {
  it('fp32 against itself: same top token everywhere and KL 0', async () => {
    const r = await runQualityJob(job('ort-node', 'fp32'), { tokens: 192, reference: 'fp32', log });
    expect(r.figures.positions).toBe(192);
    expect(r.figures.sameTopRate).toBe(1);
    expect(r.figures.klMeanNats).toBe(0);
    expect(r.figures.deltaPMean).toBe(0);
    expect(r.belowFloor).toEqual([]);
    expect(r.weights).toBe('synthetic');
    expect(r.figures.perplexityTest).toBeNull(); // random weights: perplexity says nothing, so none is reported
  });

  it('q4 and q8 move the distribution a little, within their floors, the same on every run', async () => {
    const q4 = await runQualityJob(job('ort-node', 'q4'), { tokens: 192, reference: 'fp32', log });
    const q4again = await runQualityJob(job('ort-node', 'q4'), { tokens: 192, reference: 'fp32', log });
    const q8 = await runQualityJob(job('ort-node', 'q8'), { tokens: 192, reference: 'fp32', log });
    for (const r of [q4, q8]) {
      expect(r.figures.klMeanNats).toBeGreaterThan(1e-6);
      expect(r.figures.klMeanNats).toBeLessThan(r.floor!.maxKlMeanNats);
      expect(r.belowFloor).toEqual([]);
    }
    expect(q4again.figures).toEqual(q4.figures); // deterministic: same stream, same graph, same threads
  });

  it('llama.cpp: the F32 GGUF of the same weights agrees with the fp32 ONNX to ~1e-9 nats; q4_0 does not', async () => {
    const f32 = await runQualityJob(job('llama-cpp', 'f32'), { tokens: 128, reference: 'fp32', log });
    expect(f32.reference).toMatchObject({ runner: 'ort-node', dtype: 'fp32' });
    expect(f32.figures.klMeanNats).toBeLessThan(1e-6);
    const q4 = await runQualityJob(job('llama-cpp', 'q4_0'), { tokens: 128, reference: 'fp32', log });
    expect(q4.figures.klMeanNats).toBeGreaterThan(100 * f32.figures.klMeanNats);
    expect(q4.belowFloor).toEqual([]);
  });

  it('onnxruntime-web (wasm) on the same q4 weights: its own difference from native ORT, and both vs fp32', async () => {
    const web = await runQualityJob(job('ort-web', 'q4'), { tokens: 96, reference: 'fp32', log });
    const native = await runQualityJob(job('ort-node', 'q4'), { tokens: 96, reference: 'fp32', log });
    const sameWeights = await runQualityJob(job('ort-web', 'q4'), { tokens: 96, reference: 'q4', log });
    expect(sameWeights.reference).toMatchObject({ runner: 'ort-node', dtype: 'q4' });
    // native CPU quantises activations to int8 (accuracy_level 4), wasm does not: not the same numbers
    expect(sameWeights.figures.klMeanNats).toBeGreaterThan(0);
    expect(web.figures.klMeanNats).not.toBe(native.figures.klMeanNats);
    expect(web.belowFloor).toEqual([]);
  });

  it('transformers.js: its own forward calls over two chunks agree with ort-node on the same q4 graph', async () => {
    const r = await runQualityJob(job('transformers-js', 'q4'), { tokens: 160, reference: 'q4', log }); // 160: two chunks
    expect(r.figures.positions).toBe(160);
    expect(r.figures.klMeanNats).toBeLessThan(1e-6);
    expect(r.figures.sameTopRate).toBeGreaterThan(0.99);
  });

  it('a floor set on purpose below the measured KL marks the record QUALITY_BELOW_FLOOR', async () => {
    const r = await runQualityJob(job('ort-node', 'q4'), { tokens: 64, reference: 'fp32', floor: { maxKlMeanNats: 1e-9 }, log });
    expect(r.belowFloor[0]).toMatch(/^mean KL .* nats > 1e-9$/);
  });
});

describe('quality over HTTP (approximate, from top_logprobs)', () => {
  it('against serve --openai: same-top identical to the local figure, Δp within 1e-4, KL a lower bound of the local one', async () => {
    const engine = await createServeEngine({ model: 'tiny-llama', dtype: 'q4', style: 'optimum', threads: 1, log });
    const server = await startOpenAiServer({ engine, host: '127.0.0.1', port: 0, log });
    try {
      const local = await runQualityJob(job('ort-node', 'q4'), { tokens: 48, reference: 'fp32', log });
      const http = await runQualityJob(
        { model: 'tiny-llama', runner: 'openai-http', ep: 'remote', dtype: 'q4', threads: 1, settings: { endpoint: server.url } },
        { tokens: 48, reference: 'fp32', log },
      );
      expect(http.approximate).toBe(true);
      expect(http.weights).toBe('synthetic'); // the reference is: the same weights
      expect(http.figures.positions).toBe(48); // ≤ 64 tokens: every position scored
      expect(http.figures.sameTopRate).toBe(local.figures.sameTopRate);
      expect(Math.abs(http.figures.deltaPMean - local.figures.deltaPMean)).toBeLessThan(1e-4);
      expect(http.figures.klMeanNats).toBeLessThanOrEqual(local.figures.klMeanNats + 1e-9);
    } finally {
      await server.close();
    }
  });
});

describe('quality through the CLI', () => {
  it('run --quality writes one record per runner/dtype, shown in the table; quality <run> keeps them', async () => {
    const out = join(root, 'run1');
    const r = await cli([
      'run',
      '--model',
      'tiny-llama',
      '--runner',
      'ort-node,fake',
      '--shape',
      'tg4,pp8',
      '--reps',
      '2',
      '--min-time',
      '0',
      '--warmup',
      '0',
      '--quality',
      '--quality-tokens',
      '64',
      '--no-report',
      '--no-bandwidth',
      '--energy',
      'off',
      '--out',
      out,
    ]);
    expect(r.stderr).toContain('quality: tiny-llama ort-node/cpu q4: same-top');
    expect(r.stdout).toMatch(/quality/);
    expect(r.stdout).toMatch(/KL [0-9.e-]+ · top1 [0-9.]+ \(synthetic\)/);
    const files = readdirSync(join(out, 'quality')).sort();
    expect(files).toHaveLength(2); // ort-node measured; fake cannot score → an error row
    const summary = RunSummary.parse(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')));
    const ort = summary.cells.filter((c) => c.key.runner === 'ort-node');
    expect(ort).toHaveLength(2); // both shapes carry the one record
    for (const c of ort) expect(QualityRecordSchema.parse(c.quality).runner).toBe('ort-node');
    const fake = summary.cells.find((c) => c.key.runner === 'fake')!;
    expect(fake.quality && isQualityError(fake.quality) && fake.quality.error.code).toBe('QUALITY_UNSUPPORTED');
    expect(fake.warnings.map((w) => w.code)).toContain('QUALITY_UNMEASURED');
    const rep = await cli(['report', out, '--out', join(root, 'rep1')]);
    expect(rep.code, rep.stderr).toBe(0);
    const md = readFileSync(join(root, 'rep1', 'report.md'), 'utf8');
    expect(md).toContain('<summary><b>Quality (outputs vs a reference of the same weights)</b></summary>');
    expect(md).toContain("Quality at this device's precision (vs a reference of the same weights): ort-node q4: KL");
    expect(md).toMatch(/\| tiny-llama \| ort-node \| cpu \| q4 \| synthetic \| ort-node fp32 \| 64 \|/);
    expect(readFileSync(join(root, 'rep1', 'results.csv'), 'utf8')).toContain(',qualityKlMeanNats,nats,64,');
    const again = await cli(['quality', out, '--quality-tokens', '64']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('already has a quality record');
  });

  it('bad input: one line and a hint, exit 1', async () => {
    for (const args of [
      ['quality', '--model', 'tiny-llama', '--quality-tokens', '0'],
      ['quality', '--model', 'tiny-llama', '--quality-tokens', '1e9'],
      ['quality', '--model', 'tiny-llama', '--quality-floor', 'kl=-1'],
      ['quality'],
      ['quality', join(root, 'run1'), '--model', 'tiny-llama'],
      ['quality', '--model', 'tiny-llama', '--reference', join(root, 'nope')],
    ]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/^error\[USAGE\]: .+\n {2}hint: .+\n$/);
    }
  });
});
