/**
 * `edgebench analyze <dir>` through the CLI: in-process via main() (loading the CLI once), and one
 * real process for the exit code and the error output.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RunSummary } from '../src/results/schema.ts';
import { main } from '../src/cli/main.ts';

const BIN = join(import.meta.dirname, '../bin/edgebench.js');
const GOLDEN = join(import.meta.dirname, 'fixtures/results/golden');
let tmp: string;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { encoding: 'utf8' });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

/** Run main() in-process, capturing what it prints. */
async function cliInProcess(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (stdout += `${a.join(' ')}\n`));
  const err = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void (stderr += `${a.join(' ')}\n`));
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    const code = await main(['node', 'edgebench', ...args]);
    return { code, stdout, stderr };
  } finally {
    log.mockRestore();
    err.mockRestore();
    write.mockRestore();
  }
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'edgebench-cli-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('edgebench analyze', () => {
  it('prints a table with warnings and writes summary.json', async () => {
    const dir = join(tmp, 'a');
    await cp(GOLDEN, dir, { recursive: true });
    const r = await cliInProcess('analyze', dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/TTFT ms\s+TPOT ms\s+decode tok\/s/);
    expect(r.stdout).toContain('tiny q4 fake cpu t1 pp4+tg4');
    expect(r.stdout).toContain('errored [2]: OUT_OF_MEMORY: not enough free memory');
    expect(r.stdout).toContain('NOISY');
    expect(r.stdout).toContain('fix: plug in AC power');
    expect(r.stdout).toContain('summary.json');
  });

  it('--json prints a valid summary', async () => {
    const dir = join(tmp, 'b');
    await cp(GOLDEN, dir, { recursive: true });
    const r = await cliInProcess('analyze', dir, '--json', '--seed', '3');
    expect(r.code).toBe(0);
    const s = RunSummary.parse(JSON.parse(r.stdout));
    expect(s.seed).toBe(3);
    expect(s.cells).toHaveLength(4);
  });

  it('a truncated cell: exit 1, one-line error naming the file, no stack trace', async () => {
    const dir = join(tmp, 'c');
    await cp(GOLDEN, dir, { recursive: true });
    const file = join(dir, 'cells', '0000-tiny-q4-fake-cpu-t1-pp4+tg4.json');
    await truncate(file, 100);
    const r = await cli('analyze', dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error[RESULTS_INVALID]: ${file}: not valid JSON`);
    expect(r.stderr).toContain('hint: delete');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
