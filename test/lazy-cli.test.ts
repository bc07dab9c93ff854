import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS, commandInArgs, registerCommands } from '../src/cli/commands.ts';

const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'eb-lazy-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const HEAVY = ['onnxruntime-node', 'onnxruntime-web', '@huggingface/transformers', 'node-llama-cpp', 'esbuild', 'vega', 'vega-lite'];

/** The heavy packages a CLI invocation imported, static or dynamic (tsx's own esbuild, the TypeScript loader, aside). */
async function heavyImports(args: string[]): Promise<string[]> {
  const file = join(tmp, `imports-${args.join('_').replace(/\W/g, '')}.txt`);
  writeFileSync(file, '');
  await run(process.execPath, ['--import', './test/helpers/record-imports.mjs', 'bin/edgebench.js', ...args], {
    env: { ...process.env, EB_IMPORTS_FILE: file },
  });
  const edges = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.split(' ') as [string, string]);
  const ours = edges.filter(([from]) => !from.includes('/node_modules/tsx/'));
  return HEAVY.filter((p) => ours.some(([, to]) => to?.includes(`/node_modules/${p}/`)));
}

describe('commands load lazily', () => {
  it('finds the command on the command line, also after `help`', () => {
    expect(commandInArgs(['run', '--model', 'x'])).toBe('run');
    expect(commandInArgs(['--help'])).toBeUndefined();
    expect(commandInArgs(['help', 'compare'])).toBe('compare');
  });

  it('each summary in the command list is the description its module registers', async () => {
    const program = new Command('edgebench');
    await registerCommands(program, [], true);
    const registered = new Map(program.commands.map((c) => [c.name(), c.description()]));
    for (const c of COMMANDS) expect(registered.get(c.name), c.name).toBe(c.summary);
    expect(program.commands.map((c) => c.name())).toEqual(COMMANDS.map((c) => c.name));
  });

  it('--help, run --help, serve --help and compare --help import no runtime, chart library or bundler', async () => {
    for (const args of [
      ['--help'],
      ['run', '--help'],
      ['serve', '--help'],
      ['compare', '--help'],
      ['help', 'report'],
      ['quality', '--help'],
      ['publish', '--help'],
      ['history', '--help'],
      ['cloud', '--help'],
    ]) {
      expect(await heavyImports(args), args.join(' ')).toEqual([]);
    }
    // the recorder itself works: a command that needs onnxruntime shows it
    expect(await heavyImports(['doctor', '--fast', '--json'])).toContain('onnxruntime-node');
  });

  it('--version is answered without the CLI sources', async () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    const fast = await run(process.execPath, ['bin/edgebench.js', '--version']);
    const full = await run(process.execPath, ['bin/edgebench.js', '--version', '--help']);
    expect(fast.stdout).toBe(`${pkg.version}\n`);
    expect(full.stdout).toBe(fast.stdout);
  });
});
