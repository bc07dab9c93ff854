/**
 * `npm run bench:cli`: how fast the CLI starts. Median of 10 process starts each of
 * `edgebench --version` and `edgebench --help` (interleaved, so load changes hit both), wall time
 * and peak RSS, with bare `node -e 0` as the floor of this machine. Targets: --version ≤ 0.5 s and
 * ≤ 80 MB, --help ≤ 0.7 s (on a 2-core machine). The load average is printed beside the figures.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../src/version.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1 || runs > 100) {
  console.error('error: --runs must be a whole number 1..100 (e.g. --runs 10)');
  process.exit(1);
}

const BIN = join(PROJECT_ROOT, 'bin', 'edgebench.js');
const PRELOAD = join(PROJECT_ROOT, 'scripts', 'bench-cli-rss.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'eb-bench-cli-'));

interface Sample {
  s: number;
  mb: number;
}

function start(args: string[]): Sample {
  const rssFile = join(tmp, 'rss');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', PRELOAD, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, EB_RSS_FILE: rssFile },
    encoding: 'utf8',
  });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { s, mb: Number(readFileSync(rssFile, 'utf8')) / 1024 };
}

const median = (xs: number[]) => {
  const a = [...xs].sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length % 2 ? a[m]! : (a[m - 1]! + a[m]!) / 2;
};

const cases = [
  { name: 'edgebench --version', args: [BIN, '--version'], maxS: 0.5, maxMb: 80 },
  { name: 'edgebench --help', args: [BIN, '--help'], maxS: 0.7, maxMb: null },
  { name: 'node -e 0 (floor)', args: ['-e', '0'], maxS: null, maxMb: null },
] as const;

const before = loadavg();
start([BIN, '--version']); // warm the OS file cache and tsx's transform cache
const samples: Sample[][] = cases.map(() => []);
for (let i = 0; i < runs; i++) cases.forEach((c, k) => samples[k]!.push(start([...c.args])));
const after = loadavg();
rmSync(tmp, { recursive: true, force: true });

for (const [k, c] of cases.entries()) {
  const s = median(samples[k]!.map((x) => x.s));
  const mb = median(samples[k]!.map((x) => x.mb));
  const lo = Math.min(...samples[k]!.map((x) => x.s));
  const hi = Math.max(...samples[k]!.map((x) => x.s));
  const target = [c.maxS !== null ? `≤ ${c.maxS} s` : '', c.maxMb !== null ? `≤ ${c.maxMb} MB` : ''].filter(Boolean).join(', ');
  const met = (c.maxS === null || s <= c.maxS) && (c.maxMb === null || mb <= c.maxMb);
  console.log(
    `${c.name.padEnd(22)} median ${s.toFixed(3)} s (min ${lo.toFixed(3)}, max ${hi.toFixed(3)}), peak RSS median ${mb.toFixed(0)} MB${target ? `  target ${target}: ${met ? 'met' : 'NOT met'}` : ''}`,
  );
}
const la = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
console.log(
  `${runs} starts each, interleaved; load average before ${la(before)}, after ${la(after)} (${availableParallelism()} cores); node ${process.version}`,
);
