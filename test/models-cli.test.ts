import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModelFolder } from '../src/models/build/build-folder.ts';
import { loadModelFolder } from '../src/models/folder/load-folder.ts';
import { getPreset } from '../src/models/presets.ts';
import { resolveTokenizer } from '../src/models/tokenizers/resolve.ts';
import { pullModel } from '../src/models/pull.ts';
import { isEdgebenchError } from '../src/errors.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'edgebench.js');
let root: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, EDGEBENCH_MODELS_DIR: join(root, 'models'), EDGEBENCH_DEBUG: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** exit 1, `error[CODE]: one line` + a hint line, and no stack trace */
function expectOneLineError(r: Run, code: string): void {
  expect(r.code).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines[0]).toMatch(new RegExp(`^error\\[${code}\\]: `));
  expect(lines).toHaveLength(2);
  expect(lines[1]).toMatch(/^ {2}hint: /);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((res) => s.listen(0, '127.0.0.1', res));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((res) => s.close(() => res()));
  return port;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'eb-cli-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('edgebench models (CLI)', () => {
  it('list prints every preset with sizes; --json is parseable', async () => {
    const r = await cli(['models', 'list']);
    expect(r.code).toBe(0);
    for (const id of ['smollm2-135m', 'qwen2.5-0.5b', 'llama-3.2-1b', 'mistral-7b', 'tiny-llama']) expect(r.stdout).toContain(id);
    expect(r.stdout).toMatch(/gemma-2-2b-it — Gemma 2/);
    const j = await cli(['models', 'list', '--json']);
    const parsed = JSON.parse(j.stdout) as { presets: { id: string; estimatedBytes: Record<string, number> }[] };
    const qwen = parsed.presets.find((p) => p.id === 'qwen2.5-0.5b');
    expect(qwen?.estimatedBytes.fp32).toBeGreaterThan(1.9e9);
    expect(qwen?.estimatedBytes.q4).toBeLessThan(qwen?.estimatedBytes.fp16 ?? 0);
  });

  it('build → info: a tiny folder, summary, then the inspection with checksum', async () => {
    const out = join(root, 'tq3');
    const b = await cli(['models', 'build', 'tiny-qwen3', '--out', out, '--dtype', 'q4']);
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    expect(b.stdout).toContain('built tiny-qwen3 (q4, optimum graph, seed 42)');
    expect(b.stdout).toMatch(/params +164,288/);
    expect(readdirSync(out).sort()).toEqual(['config.json', 'generation_config.json', 'onnx', 'tokenizer.json', 'tokenizer_config.json']);
    const i = await cli(['models', 'info', out]);
    expect(i.code).toBe(0);
    expect(i.stdout).toContain('SYNTHETIC');
    expect(i.stdout).toContain('matches preset tiny-qwen3');
    expect(i.stdout).toMatch(/past_key_values\.\{0\.\.1\}\.key float32 \[batch_size, 2, past_sequence_length, 32\]/);
    expect(i.stdout).toMatch(/sha256 +[0-9a-f]{64}/);
    const again = await cli(['models', 'build', 'tiny-qwen3', '--out', out]);
    expectOneLineError(again, 'OUTPUT_UNWRITABLE');
    expect(again.stderr).toContain('--force');
    expect((await cli(['models', 'build', 'tiny-qwen3', '--out', out, '--force', '--dtype', 'fp32'])).code).toBe(0);
  });

  it('default --out is models/<preset>-<dtype>', async () => {
    const r = await cli(['models', 'build', 'tiny-qwen2', '--dtype', 'fp16']);
    expect(r.code).toBe(0);
    expect(existsSync(join(root, 'models', 'tiny-qwen2-fp16', 'onnx', 'model_fp16.onnx'))).toBe(true);
  });

  it('bad input → one-line errors with hints', async () => {
    const unknown = await cli(['models', 'build', 'llama-3.2-1']);
    expectOneLineError(unknown, 'PRESET_UNKNOWN');
    expect(unknown.stderr).toContain("did you mean 'llama-3.2-1b'");
    expectOneLineError(await cli(['models', 'build', 'tiny-llama', '--dtype', 'q3']), 'USAGE');
    expectOneLineError(await cli(['models', 'info', join(root, 'no-such-folder')]), 'MODEL_NOT_FOUND');
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    const unwritable = await cli(['models', 'build', 'tiny-llama', '--out', join(file, 'sub')]);
    expectOneLineError(unwritable, 'OUTPUT_UNWRITABLE');
    const full = await cli(['models', 'build', 'tiny-llama', '--out', join(root, 'full')], { EDGEBENCH_FAKE_FREE_BYTES: '1000' });
    expectOneLineError(full, 'DISK_FULL');
    expect(existsSync(join(root, 'full'))).toBe(false);
  });

  it('pull offline → NETWORK with the "download elsewhere" hint', async () => {
    const port = await closedPort();
    const r = await cli(['models', 'pull', 'acme/tiny'], { EDGEBENCH_HF_ENDPOINT: `http://127.0.0.1:${port}` });
    expectOneLineError(r, 'NETWORK');
    expect(r.stderr).toContain('ECONNREFUSED');
    expect(r.stderr).toContain('hint: download the folder elsewhere and pass its path');
  });

  it('every command explains its options and defaults in --help', async () => {
    const build = await cli(['models', 'build', '--help']);
    expect(build.code).toBe(0);
    expect(build.stdout).toMatch(/--dtype <dtype>[\s\S]*default: "q4"/);
    expect(build.stdout).toMatch(/--style <style>[\s\S]*default: "optimum"/);
    expect(build.stdout).toContain('models/<preset>-<dtype>[-genai]');
    expect((await cli(['models', 'info', '--help'])).stdout).toContain('default: q4 if present');
    expect((await cli(['models', 'pull', '--help'])).stdout).toContain('models/hub/<org>/<name>');
    expect((await cli(['models', 'list', '--help'])).stdout).toContain('--json');
  });
});

describe('pullModel against a local hub (no internet)', () => {
  let server: Server;
  let endpoint: string;
  let source: string;
  let onnxFault: 'none' | 'short' | 'drop' = 'short';

  beforeAll(async () => {
    // serve a tiny folder with the hub's API and resolve/main URLs
    source = join(root, 'hub-source');
    const preset = getPreset('tiny-llama');
    const tok = resolveTokenizer(preset, { dir: join(root, 'hub-tok') });
    await buildModelFolder({ arch: preset.arch, dtype: 'fp32', style: 'optimum', outDir: source, tokenizerFiles: tok });
    const files = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'onnx/model_q4.onnx'].filter((f) =>
      existsSync(join(source, f)),
    );
    server = createServer((req, res) => {
      const url = req.url ?? '';
      if (url.startsWith('/api/models/acme/tiny')) {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ siblings: files.map((f) => ({ rfilename: f, size: statSync(join(source, f)).size })) }));
        return;
      }
      const m = /^\/acme\/tiny\/resolve\/main\/(.+)$/.exec(url);
      if (!m?.[1] || !files.includes(m[1])) {
        res.statusCode = 404;
        res.end();
        return;
      }
      const body = readFileSync(join(source, m[1]));
      const range = /bytes=(\d+)-/.exec(req.headers.range ?? '');
      if (m[1].endsWith('.onnx') && onnxFault !== 'none') {
        const fault = onnxFault;
        onnxFault = 'none';
        if (fault === 'short') {
          // a complete HTTP response holding only half the file: what the client sees is the same on
          // any machine, however loaded (unlike a dropped connection, whose timing decides what arrives)
          res.writeHead(200, { 'content-length': body.length >> 1 });
          res.end(body.subarray(0, body.length >> 1));
        } else {
          res.writeHead(200, { 'content-length': body.length });
          res.write(body.subarray(0, body.length >> 1), () => res.destroy());
        }
        return;
      }
      const start = range?.[1] ? Number(range[1]) : 0;
      res.writeHead(range ? 206 : 200, { 'content-length': body.length - start });
      res.end(body.subarray(start));
    });
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((res) => server.close(() => res())));

  it('resumes a broken download from .part and yields a loadable folder', async () => {
    const dir = join(root, 'pulled');
    mkdirSync(dir);
    const broken = await pullModel('acme/tiny', { endpoint, dir }).catch((e: unknown) => e);
    expect(String(broken)).toMatch(/broke off|got \d+ of \d+ bytes/);
    const parts = readdirSync(join(dir, 'onnx')).filter((f) => f.endsWith('.part'));
    expect(parts.length).toBe(1);
    const r = await pullModel('acme/tiny', { endpoint, dir });
    expect(r.files.filter((f) => f.skipped).map((f) => f.path)).toEqual(['config.json', 'tokenizer.json', 'tokenizer_config.json']);
    expect(r.downloadedBytes).toBeLessThan(statSync(join(source, 'onnx', 'model.onnx')).size); // only the missing half
    expect(readFileSync(join(dir, 'onnx', 'model.onnx'))).toEqual(readFileSync(join(source, 'onnx', 'model.onnx')));
    const f = await loadModelFolder(dir);
    expect(relative(dir, f.chosen.file)).toBe(join('onnx', 'model.onnx'));
    const missing = await pullModel('acme/tiny', { endpoint, dir, dtype: 'q8' }).catch((e: unknown) => e);
    expect(String((missing as Error).message)).toContain('no q8 weights (available: fp32)');
  });

  it('a connection dropped mid-file is a NETWORK error, and the next pull completes the file', async () => {
    const dir = join(root, 'pulled-drop');
    mkdirSync(dir);
    onnxFault = 'drop';
    const broken = await pullModel('acme/tiny', { endpoint, dir }).catch((e: unknown) => e);
    // how much arrived before the drop depends on timing; only the outcome is asserted
    expect(isEdgebenchError(broken) && broken.code).toBe('NETWORK');
    await pullModel('acme/tiny', { endpoint, dir });
    expect(readFileSync(join(dir, 'onnx', 'model.onnx'))).toEqual(readFileSync(join(source, 'onnx', 'model.onnx')));
  });
});
