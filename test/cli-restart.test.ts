/**
 * A runner that needs a start environment (RunnerFactory.startEnv: libuv's pool size for the
 * llama-cpp runner's OpenMP build) makes `edgebench run` restart itself once with it — through the
 * real executable, with the fake runner told to need a variable. Signals reach the restarted run
 * (SIGINT: graceful, 130; SIGKILL of the first process: the restarted one ends too).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingStartEnv } from '../src/cli/restart.ts';
import { openRun } from '../src/results/open-run.ts';
import { startEnvFor } from '../src/runners/llama-cpp/local-build.ts';
import { writeFakeSuite } from './helpers/fake-suite.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'edgebench.js');
const VAR = 'EDGEBENCH_FAKE_START_ENV';

/** A fake-runner suite whose runner needs VAR=on at start. */
function suiteNeeding(dir: string, decodeMs: number, shapes: string): string {
  const f = writeFakeSuite(dir, {
    name: 'restart',
    shapes,
    repetitions: { warmup: 0, minCount: 3, minTimeS: 0, maxCount: 3, maxTimeS: 30 },
    fake: { decodeMs, prefillMsPerToken: 0.01, loadMs: 1 },
  });
  writeFileSync(f, readFileSync(f, 'utf8').replace('loadMs: 1 }', `loadMs: 1, startEnv: ${VAR}=on }`));
  return f;
}

const seen = (out: string) =>
  readdirSync(join(out, 'cells')).map(
    (f) =>
      (JSON.parse(readFileSync(join(out, 'cells', f), 'utf8')) as { resolved: { settings: Record<string, unknown> } }).resolved.settings,
  );

const cellFiles = (out: string) => (existsSync(join(out, 'cells')) ? readdirSync(join(out, 'cells')) : []);
const env = () => {
  const e = { ...process.env };
  delete e[VAR];
  return e;
};

/** `edgebench run` of a suite whose runner needs VAR, 30 ms per decoded token, in the background. */
function startRun(prefix: string, shapes: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const out = join(dir, 'out');
  const f = suiteNeeding(dir, 30, shapes);
  const args = [BIN, 'run', '--no-bandwidth', '--no-report', '--quiet', '--energy', 'off', '--suite', f, '--out', out];
  return { out, child: spawn(process.execPath, args, { stdio: 'ignore', env: env() }) };
}

async function cellsWritten(out: string, n: number): Promise<void> {
  const t0 = Date.now();
  while (cellFiles(out).length < n && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 50));
}

describe('restart for a runner start environment', () => {
  it('restarts once with the variable and says so; a variable the user set is kept', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eb-restart-'));
    const f = suiteNeeding(dir, 1, 'tg4');
    const args = [BIN, 'run', '--no-bandwidth', '--no-report', '--energy', 'off', '--suite', f];
    const a = spawnSync(process.execPath, [...args, '--out', join(dir, 'a')], { encoding: 'utf8', env: env() });
    expect(a.status, a.stderr).toBe(0);
    expect(a.stderr).toContain(`restarting with ${VAR}=on: the fake runner was told to need it`);
    expect(a.stderr.match(/restarting with/g)).toHaveLength(1);
    expect(seen(join(dir, 'a')).map((s) => s['startEnvSeen'])).toEqual(['on']);

    const b = spawnSync(process.execPath, [...args, '--out', join(dir, 'b')], { encoding: 'utf8', env: { ...env(), [VAR]: 'mine' } });
    expect(b.status, b.stderr).toBe(0);
    expect(b.stderr).not.toContain('restarting');
    expect(seen(join(dir, 'b')).map((s) => s['startEnvSeen'])).toEqual(['mine']);
  });

  it('forwards SIGINT once: the restarted run stops after the current request (130, interrupted)', async () => {
    const { out, child } = startRun('eb-restart-int-', 'tg8, tg9, tg10, tg11, tg12, tg13');
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    await cellsWritten(out, 2);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const run = await openRun(out);
    expect(run.manifest.status).toBe('interrupted');
    expect(run.cells.length).toBeGreaterThanOrEqual(2);
    expect(run.cells.length).toBeLessThan(6);
  });

  it('a SIGKILLed first process takes the restarted one with it (no orphan writing on)', async () => {
    const { out, child } = startRun('eb-restart-kill-', 'tg8, tg9, tg10, tg11, tg12, tg13, tg14, tg15');
    const exited = new Promise<void>((res) => child.on('exit', () => res()));
    await cellsWritten(out, 1);
    child.kill('SIGKILL');
    await exited;
    await new Promise((r) => setTimeout(r, 1000)); // the orphan notices within 250 ms and ends
    const after = cellFiles(out).length;
    await new Promise((r) => setTimeout(r, 1500)); // a living orphan would write a cell every ~0.3 s
    expect(cellFiles(out).length).toBe(after);
    expect(after).toBeLessThan(8);
  });

  it('missingStartEnv asks each runner and keeps what the environment already has', async () => {
    const uses = [{ runner: 'fake', ep: 'cpu', threads: 2, settings: { startEnv: `${VAR}=on` } }];
    expect(await missingStartEnv(uses, {})).toEqual({ env: { [VAR]: 'on' }, why: ['the fake runner was told to need it (startEnv)'] });
    expect(await missingStartEnv(uses, { [VAR]: 'off' })).toEqual({ env: {}, why: [] });
    expect(await missingStartEnv([{ ...uses[0]!, settings: {} }], {})).toEqual({ env: {}, why: [] });
  });

  it('llama-cpp asks for one libuv pool thread only for its local OpenMP build on the CPU with > 1 thread', () => {
    const want = { UV_THREADPOOL_SIZE: '1' };
    expect(startEnvFor({ ep: 'cpu', threads: 2, binary: 'auto' }, true, 8)?.env).toEqual(want);
    expect(startEnvFor({ ep: 'auto', threads: null, binary: 'local' }, true, 8)?.env).toEqual(want);
    expect(startEnvFor({ ep: 'cpu', threads: 1, binary: 'auto' }, true, 8)).toBeNull();
    expect(startEnvFor({ ep: 'cpu', threads: null, binary: 'auto' }, true, 1)).toBeNull();
    expect(startEnvFor({ ep: 'cpu', threads: 2, binary: 'prebuilt' }, true, 8)).toBeNull();
    expect(startEnvFor({ ep: 'cpu', threads: 2, binary: 'auto' }, false, 8)).toBeNull();
    expect(startEnvFor({ ep: 'vulkan', threads: 2, binary: 'auto' }, true, 8)).toBeNull();
  });
});
