/**
 * Bad input through the real CLI, one test per class (issue 13): exit codes of failed and partial
 * runs; user mistakes that used to surface as error[INTERNAL] (alias bombs, folders and symlink
 * loops where files belong, invalid regular expressions); numbers beyond their bound; duplicate
 * cell keys in a suite and in compare; shapes beyond the model's context; damaged traces; and
 * commands that used to lose or change what was already written.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readManifest } from '../src/results/io.ts';
import { openRun } from '../src/results/open-run.ts';
import { cliInProcess } from './fixtures/compare/cli.ts';
import { writeSyntheticRun } from './fixtures/compare/synthetic-run.ts';
import { writeFakeSuite } from './helpers/fake-suite.ts';
import { buildTiny } from './helpers/runner-tokens.ts';

let tmp: string;
const at = (...p: string[]) => join(tmp, ...p);
const lastLine = (s: string) => s.trim().split('\n').pop() ?? '';
const QUIET = ['--no-bandwidth', '--no-report', '--quiet'];
const BOMB =
  'a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n';

function fakeSuite(name: string, shapes = 'tg2', extra = ''): string {
  return writeFakeSuite(tmp, {
    name,
    shapes,
    repetitions: { warmup: 0, minCount: 2, minTimeS: 0, maxCount: 2, maxTimeS: 5 },
    fake: { decodeMs: 1, prefillMsPerToken: 0.01, loadMs: 1 },
    extra,
  });
}

/** One line, a hint, the code asked for, never INTERNAL and never a stack trace. */
function expectUserError(r: { code: number; stderr: string }, code: string, re: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toMatch(new RegExp(`error\\[${code}\\]: `));
  expect(r.stderr).toMatch(re);
  expect(r.stderr).toMatch(/hint: /);
  expect(r.stderr).not.toMatch(/INTERNAL|\n\s+at /);
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'eb-harden-'));
});

describe('exit codes of run', () => {
  it('exits 1 when no cell measured anything, and 3 (partial) naming the gaps when some did', async () => {
    const none = await cliInProcess([
      'run',
      ...QUIET,
      '--suite',
      fakeSuite('none'),
      '--model',
      'm',
      '--runner',
      'ort-node',
      '--out',
      at('none'),
    ]);
    expect(none.code, none.stderr).toBe(1);
    expect(lastLine(none.stderr)).toMatch(/^failed: no cell measured anything \(1 cell\(s\): 1 errored\)/);
    const part = await cliInProcess([
      'run',
      ...QUIET,
      '--suite',
      fakeSuite('part'),
      '--model',
      'm',
      '--runner',
      'fake,ort-node',
      '--out',
      at('part'),
    ]);
    expect(part.code, part.stderr).toBe(3);
    expect(lastLine(part.stderr)).toBe('partial: 1 of 2 cells measured, 1 errored (exit 3)');
    const ok = await cliInProcess(['run', ...QUIET, '--suite', fakeSuite('ok'), '--out', at('ok')]);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('documents 0/1/2/3/130 in --help', async () => {
    const r = await cliInProcess(['run', '--help']);
    expect(r.stdout).toMatch(/Exit codes: 0 .*1 .*2 .*3 .*130/s);
  });
});

describe('user mistakes are user errors, not INTERNAL', () => {
  it('a YAML alias bomb in a suite, an assertion file or a claims file', async () => {
    writeFileSync(at('bomb.yaml'), `name: b\nmodels: [m]\nshapes: [tg2]\n${BOMB}`);
    expectUserError(
      await cliInProcess(['run', ...QUIET, '--suite', at('bomb.yaml'), '--out', at('b1')]),
      'CONFIG_INVALID',
      /bomb\.yaml: YAML aliases expand too far/,
    );
    await writeSyntheticRun(at('runA'), { runId: 'runA', cells: [{ shape: 'tg16', ttftMs: [5, 6, 7], tpotMs: [1, 1, 1] }] });
    expectUserError(await cliInProcess(['assert', at('runA'), '--config', at('bomb.yaml')]), 'CONFIG_INVALID', /aliases expand too far/);
    expectUserError(
      await cliInProcess(['claims', at('runA'), '--claims-config', at('bomb.yaml')]),
      'CONFIG_INVALID',
      /aliases expand too far/,
    );
  });

  it('a folder or a symlink loop where a file belongs', async () => {
    mkdirSync(at('suite-dir.yaml'));
    symlinkSync(at('loop-b'), at('loop-a'));
    symlinkSync(at('loop-a'), at('loop-b'));
    expectUserError(
      await cliInProcess(['run', ...QUIET, '--suite', at('suite-dir.yaml'), '--out', at('d1')]),
      'CONFIG_INVALID',
      /suite file .*suite-dir\.yaml is a folder, not a file/,
    );
    expectUserError(
      await cliInProcess(['run', ...QUIET, '--suite', at('loop-a'), '--out', at('d2')]),
      'CONFIG_INVALID',
      /is a symbolic link loop/,
    );
    await writeSyntheticRun(at('runB'), { runId: 'runB', cells: [{ shape: 'tg16', ttftMs: [5, 6, 7], tpotMs: [1, 1, 1] }] });
    expectUserError(
      await cliInProcess(['assert', at('runB'), '--config', at('suite-dir.yaml')]),
      'CONFIG_INVALID',
      /assertion file .* is a folder/,
    );
    expectUserError(
      await cliInProcess(['report', at('runB'), '--claims-config', at('loop-a')]),
      'CONFIG_INVALID',
      /claims config .* symbolic link loop/,
    );
    expectUserError(
      await cliInProcess([
        'run',
        ...QUIET,
        '--suite',
        fakeSuite('meterdir'),
        '--energy',
        `meter-csv:${at('suite-dir.yaml')}`,
        '--out',
        at('d3'),
      ]),
      'CONFIG_INVALID',
      /meter CSV .*suite-dir\.yaml is a folder, not a file/,
    );
    const dir = await buildTiny(tmp, 'weights-dir');
    const onnx = join(
      dir,
      'onnx',
      readdirSync(join(dir, 'onnx')).find((f) => f.endsWith('.onnx'))!,
    );
    rmSync(onnx);
    mkdirSync(onnx);
    expectUserError(await cliInProcess(['models', 'info', dir]), 'MODEL_INVALID', /weights file .*\.onnx is a folder, not a file/);
  });

  it('an invalid regular expression in an assertion match names the field', async () => {
    await writeSyntheticRun(at('runC'), { runId: 'runC', cells: [{ shape: 'tg16', ttftMs: [5, 6, 7], tpotMs: [1, 1, 1] }] });
    writeFileSync(
      at('re.assert.yaml'),
      'assertions: { ttftMs: [error, { max: 100 }] }\nassertMatrix:\n  - match: { shape: "/tg(16/" }\n    assertions: { ttftMs: warn }\n',
    );
    expectUserError(
      await cliInProcess(['assert', at('runC'), '--config', at('re.assert.yaml')]),
      'CONFIG_INVALID',
      /re\.assert\.yaml:3: assertMatrix\.0\.match\.shape: \/tg\(16\/ is not a valid regular expression/,
    );
  });
});

describe('every number has a bound, checked before work starts', () => {
  it('threads, repetitions, shapes, resamples and seeds name their bound', async () => {
    const f = fakeSuite('bounds');
    for (const [args, re] of [
      [['--threads', '100000000'], /--threads 100000000: expected auto or a whole number from 1 to \d+ \(4× the \d+ logical cores/],
      [['--reps', '1000000000000'], /--reps 1000000000000: expected a whole number from 1 to 100000/],
      [['--min-time', '1e9'], /--min-time 1e9: expected a number from 0 to 86400/],
      [['--shape', 'tg99999999999'], /over the 1048576-token bound/],
    ] as const) {
      const r = await cliInProcess(['run', ...QUIET, '--suite', f, ...args, '--out', at(`nb-${args[0]}`)]);
      expectUserError(r, 'USAGE', re);
      expect(existsSync(at(`nb-${args[0]}`))).toBe(false); // refused before any folder was made
    }
    writeFileSync(at('threads.yaml'), 'name: t\nmodels: [m]\nrunners: [fake]\nthreads: [100000000]\nshapes: [tg2]\n');
    expectUserError(
      await cliInProcess(['run', ...QUIET, '--suite', at('threads.yaml'), '--out', at('nb-t')]),
      'CONFIG_INVALID',
      /threads\.yaml:4: threads\.0: threads \(at most 4× the \d+ logical cores here, min 16\) must be at most \d+/,
    );
    await writeSyntheticRun(at('runD'), { runId: 'runD', cells: [{ shape: 'tg16', ttftMs: [5, 6, 7], tpotMs: [1, 1, 1] }] });
    expectUserError(
      await cliInProcess(['compare', at('runD'), at('runD'), '--resamples', '1000000000000']),
      'USAGE',
      /--resamples 1000000000000: expected a whole number from 100 to 1000000/,
    );
  });

  it('a config.json with a billion layers is refused before anything is built or loaded', async () => {
    const dir = await buildTiny(tmp, 'huge-layers');
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...cfg, num_hidden_layers: 1e9 }));
    expectUserError(
      await cliInProcess(['models', 'info', dir]),
      'MODEL_INVALID',
      /num_hidden_layers: num_hidden_layers must be at most 1024/,
    );
  });
});

describe('no silently wrong numbers', () => {
  it('a duplicated shape is refused; a run holding duplicated keys is refused by compare with the keys', async () => {
    expectUserError(
      await cliInProcess(['run', ...QUIET, '--suite', fakeSuite('dup'), '--shape', 'tg4,tg4', '--out', at('dup')]),
      'CONFIG_INVALID',
      /two cells have the key fake-model q4 fake cpu 1?auto tg4/,
    );
    writeFileSync(at('re-ok.assert.yaml'), 'assertions: { ttftMs: [error, { max: 100 }] }\n');
    await writeSyntheticRun(at('dupA'), {
      runId: 'dupA',
      cells: [
        { shape: 'tg16', ttftMs: [5, 6, 7], tpotMs: [1, 1, 1] },
        { shape: 'tg16', ttftMs: [50, 60, 70], tpotMs: [9, 9, 9] },
      ],
    });
    await writeSyntheticRun(at('dupB'), { runId: 'dupB', cells: [{ shape: 'tg16', ttftMs: [5, 6, 7], tpotMs: [1, 1, 1] }] });
    expectUserError(
      await cliInProcess(['compare', at('dupB'), at('dupA')]),
      'RESULTS_INVALID',
      /head .*dupA: 1 cell key\(s\) appear more than once: tiny q4 fake cpu 1 tg16 \(cells 0, 1\)/,
    );
    expectUserError(
      await cliInProcess(['assert', at('dupA'), '--config', at('re-ok.assert.yaml')]),
      'RESULTS_INVALID',
      /head .*dupA: 1 cell key\(s\) appear more than once/,
    );
  });

  it('a shape beyond the model context is an errored cell naming both, before the runner sees it', async () => {
    const dir = await buildTiny(tmp, 'ctx-model'); // max_position_embeddings 128
    const r = await cliInProcess([
      'run',
      ...QUIET,
      '--suite',
      fakeSuite('ctx'),
      '--runner',
      'ort-node',
      '--model',
      dir,
      '--dtype',
      'fp32',
      '--shape',
      'tg4,tg4@d500',
      '--threads',
      '1',
      '--out',
      at('ctx'),
    ]);
    expect(r.code, r.stderr).toBe(3);
    const cells = (await openRun(at('ctx'))).cells;
    expect(cells.map((c) => c.status)).toEqual(['ok', 'errored']);
    expect(cells[1]!.error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect(cells[1]!.error!.message).toMatch(/shape tg4 @ d500 needs 505 positions .* holds 128/);
  });

  it('token times that go backwards or overflow are excluded with a warning, never a negative TPOT', async () => {
    await writeSyntheticRun(at('damaged'), { runId: 'damaged', cells: [{ shape: 'tg4', ttftMs: [5, 6, 7, 8], tpotMs: [1, 1, 1, 1] }] });
    const file = join(at('damaged', 'cells'), readdirSync(at('damaged', 'cells'))[0]!);
    const cell = JSON.parse(readFileSync(file, 'utf8')) as { requests: { tokenTimesMs: number[] }[] };
    cell.requests[0]!.tokenTimesMs = [10, 9, 8, 1];
    cell.requests[1]!.tokenTimesMs = [1, 2, 3, 1e308];
    writeFileSync(file, JSON.stringify(cell));
    const r = await cliInProcess(['analyze', at('damaged'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as {
      cells: { metrics: { tpotMs: { n: number; min: number } }; warnings: { code: string; message: string }[] }[];
    };
    expect(s.cells[0]!.metrics.tpotMs).toMatchObject({ n: 2, min: 1 });
    expect(s.cells[0]!.warnings[0]).toMatchObject({ code: 'INVALID_TRACE' });
    expect(s.cells[0]!.warnings[0]!.message).toMatch(/2 request\(s\) excluded .*token times go backwards/);
  });
});

describe('nothing written is lost or changed', () => {
  it('analyze with cells/ missing keeps the good summary.json', async () => {
    await writeSyntheticRun(at('keep'), { runId: 'keep', cells: [{ shape: 'tg4', ttftMs: [5, 6, 7], tpotMs: [1, 1, 1] }] });
    expect((await cliInProcess(['analyze', at('keep')])).code).toBe(0);
    const before = readFileSync(at('keep', 'summary.json'), 'utf8');
    renameSync(at('keep', 'cells'), at('keep', 'cells-moved'));
    expectUserError(
      await cliInProcess(['analyze', at('keep')]),
      'RESULTS_INVALID',
      /cells is missing but summary\.json was made from 1; the summary is kept unchanged/,
    );
    expect(readFileSync(at('keep', 'summary.json'), 'utf8')).toBe(before);
  });

  it('a resume that fails leaves run.json as it was, not "running"', async () => {
    const out = at('resume');
    expect((await cliInProcess(['run', ...QUIET, '--suite', fakeSuite('res', 'tg2, tg3'), '--out', out])).code).toBe(0);
    const cellsDir = join(out, 'cells');
    writeFileSync(join(cellsDir, readdirSync(cellsDir)[0]!), '{"damaged": ');
    const r = await cliInProcess(['run', ...QUIET, '--resume', out]);
    expectUserError(r, 'RESULTS_INVALID', /not valid JSON/);
    expect((await readManifest(out)).status).toBe('complete');
  });

  it('run --out elsewhere/x writes its report beside the results, in x/report/', async () => {
    const out = at('elsewhere', 'x');
    const r = await cliInProcess(['run', '--no-bandwidth', '--quiet', '--suite', fakeSuite('rep'), '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(out, 'report', 'report.html'))).toBe(true);
  });
});
