/**
 * npm run bench:overhead — the harness's own cost per token on ort-web, transformers-js and
 * openai-http, measured the way bench:decode (ort-node) and bench:llamacpp --only overhead do it:
 * one loaded model, the runner's harness path (timedRequest, as measureCell runs it) alternating
 * with the bare loop a user would write (A B, B A, …). The per-token cost is absolute, so it is
 * measured on tiny-llama (where it is visible: TPOT well under a millisecond) and then expressed
 * as a share of llama-3.2-1b's TPOT on the same runner (measured here through the harness).
 * Usage: tsx scripts/bench-overhead.ts [--runners ort-web,transformers-js,openai-http] [--threads 2]
 *        [--tg 128] [--reps 21] [--small tiny-llama] [--ref llama-3.2-1b] [--ref-tg 8] [--ref-reps 3] [--ref-budget-s 60]
 * Profile a runner's cost: node --cpu-prof --import tsx scripts/bench-overhead.ts --runners <id>
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { timedRequest } from '../src/measure/measure-cell.ts';
import { interleavedPairs, medianGapMs, overheadFigures, tpotMs, type OverheadFigures } from '../src/measure/overhead.ts';
import { summarize } from '../src/stats/index.ts';
import { openAiHttpSubject } from './overhead/openai-http.ts';
import { ortWebSubject } from './overhead/ort-web.ts';
import { transformersJsSubject } from './overhead/transformers-js.ts';
import type { OverheadSubject, SubjectOptions } from './overhead/subject.ts';

const SUBJECTS: Record<string, (spec: string, o: SubjectOptions) => Promise<OverheadSubject>> = {
  'ort-web': ortWebSubject,
  'transformers-js': transformersJsSubject,
  'openai-http': openAiHttpSubject,
};

const { values } = parseArgs({
  options: {
    runners: { type: 'string', default: Object.keys(SUBJECTS).join(',') },
    threads: { type: 'string', default: '2' },
    tg: { type: 'string', default: '128' },
    reps: { type: 'string', default: '21' },
    small: { type: 'string', default: 'tiny-llama' },
    ref: { type: 'string', default: 'llama-3.2-1b' },
    'ref-tg': { type: 'string', default: '8' },
    'ref-reps': { type: 'string', default: '3' },
    'ref-budget-s': { type: 'string', default: '60' },
  },
});

function bounded(name: string, v: string, lo: number, hi: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < lo || n > hi) {
    console.error(`error: --${name} ${v}: expected a whole number ${lo}..${hi}`);
    process.exit(2);
  }
  return n;
}
const threads = bounded('threads', values.threads!, 1, 256);
const tg = bounded('tg', values.tg!, 2, 4096);
const reps = bounded('reps', values.reps!, 2, 1000);
const refTg = bounded('ref-tg', values['ref-tg']!, 2, 4096);
const refReps = bounded('ref-reps', values['ref-reps']!, 1, 100);
const refBudgetS = bounded('ref-budget-s', values['ref-budget-s']!, 1, 3600);
const runners = values.runners!.split(',').filter((r) => r !== '');
const unknown = runners.filter((r) => !SUBJECTS[r]);
if (unknown.length > 0 || runners.length === 0) {
  console.error(
    `error: --runners ${values.runners}: unknown ${unknown.join(', ') || '(none given)'}; hint: choose from ${Object.keys(SUBJECTS).join(', ')}`,
  );
  process.exit(2);
}

const log = (m: string) => process.stderr.write(`${m}\n`);
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

async function harnessTimes(s: OverheadSubject, genTokens: number): Promise<number[]> {
  const w = { shape: { name: `tg${genTokens}`, promptTokens: 0, genTokens, depth: 0 }, vocabSize: s.vocabSize, seed: 42 };
  return (await timedRequest(s.harness, w, 0, 'measured', 0)).tokenTimesMs;
}
const harnessTpot = async (s: OverheadSubject, genTokens: number) => tpotMs(await harnessTimes(s, genTokens));

interface Row {
  runner: string;
  /** from each request's mean TPOT (the headline) and from its median token gap (robust to other processes) */
  f: OverheadFigures;
  g: OverheadFigures;
  refTpotMs: number;
  refN: number;
  refSynthetic: boolean;
  smallSynthetic: boolean;
  bareIs: string;
  loadBefore: string;
  loadAfter: string;
}

async function measureRunner(runner: string): Promise<Row> {
  const make = SUBJECTS[runner]!;
  const opts = { threads, log };
  const loadBefore = load();
  log(`${runner}: ${values.small} q4, ${reps} interleaved pairs of tg${tg} (load avg ${loadBefore})`);
  const small = await make(values.small!, opts);
  let pairs: { bare: number[][]; harness: number[][] };
  try {
    await small.bare(tg); // warm both paths (first shapes, JIT)
    await harnessTpot(small, tg);
    pairs = await interleavedPairs(
      reps,
      () => small.bare(tg),
      () => harnessTimes(small, tg),
    );
  } finally {
    await small.dispose();
  }
  log(
    `${runner}: ${values.ref} q4 TPOT through the harness, up to ${refReps} × tg${refTg} (at least one; no new one after ${refBudgetS} s)`,
  );
  const ref = await make(values.ref!, opts);
  const refT: number[] = [];
  try {
    await harnessTpot(ref, 2); // warm-up: first decode shapes
    const t0 = Date.now();
    // ort-web runs a q4 1B model seconds per token on wasm: the budget keeps the script's length bounded
    while (refT.length < refReps && (refT.length === 0 || Date.now() - t0 < refBudgetS * 1000)) refT.push(await harnessTpot(ref, refTg));
  } finally {
    await ref.dispose();
  }
  const refTpotMs = summarize(refT, { seed: 1 }).median;
  return {
    runner,
    f: overheadFigures(pairs.bare.map(tpotMs), pairs.harness.map(tpotMs), refTpotMs),
    g: overheadFigures(pairs.bare.map(medianGapMs), pairs.harness.map(medianGapMs), refTpotMs),
    refTpotMs,
    refN: refT.length,
    refSynthetic: ref.synthetic,
    smallSynthetic: small.synthetic,
    bareIs: small.bareIs,
    loadBefore,
    loadAfter: load(),
  };
}

async function main(): Promise<void> {
  const start = Date.now();
  const rows: Row[] = [];
  for (const r of runners) rows.push(await measureRunner(r));
  const syn = (b: boolean) => (b ? ' (synthetic weights)' : '');
  const us = (f: OverheadFigures) => `${f.diffUs.toFixed(1)} [${f.diffCiUs.lo.toFixed(1)}, ${f.diffCiUs.hi.toFixed(1)}]`;
  const pc = (f: OverheadFigures) => `${f.pctOfRef!.toFixed(3)} [${f.pctCi!.lo.toFixed(3)}, ${f.pctCi!.hi.toFixed(3)}]`;
  const lines = [
    `# Harness overhead per runner — ${values.small} q4 tg${tg}, ${reps} interleaved pairs; ${values.ref} q4 tg${refTg} TPOT; ${threads} threads`,
    '',
    `| runner | bare / harness TPOT ms (${values.small}) | harness − bare µs/token [95 % CI] | same, from median token gaps | ${values.ref} TPOT ms (harness) | overhead % of that TPOT [95 % CI] | % from median gaps | ≤ 1 % | load avg before → after |`,
    '|--|--|--|--|--:|--|--|--|--|',
    ...rows.map(
      ({ runner, f, g, refTpotMs, loadBefore, loadAfter }) =>
        `| ${runner} | ${f.bareMs.toFixed(3)} / ${f.harnessMs.toFixed(3)} | ${us(f)} | ${us(g)} | ${refTpotMs.toFixed(1)} | ${pc(f)} | ${pc(g)} | ${f.pctCi!.hi <= 1 ? 'yes' : f.pctOfRef! <= 1 ? 'median yes, CI reaches past' : 'NO'} | ${loadBefore} → ${loadAfter} |`,
    ),
    '',
    ...rows.map(
      (r) =>
        `- ${r.runner}: bare = ${r.bareIs}; ${values.small}${syn(r.smallSynthetic)}; ${values.ref}${syn(r.refSynthetic)} TPOT = median of ${r.refN} × tg${refTg}`,
    ),
    '',
    `Per-token cost measured on ${values.small} (absolute µs/token), shown as a share of ${values.ref}'s TPOT on the same runner. Headline: per-request mean TPOT (first token excluded); the median-gap columns are the cross-check that stalls from other processes cannot move. ≤ 1 % = the CI's upper end is within 1 %. Took ${((Date.now() - start) / 1000).toFixed(0)} s; load average (1/5/15 min) at the end: ${load()}.`,
  ];
  console.log(lines.join('\n'));
}

main().catch((e: unknown) => {
  console.error(`error: ${(e as Error).message}`);
  process.exit(1);
});
