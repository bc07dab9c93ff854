/**
 * npm run bench:store — publish 1,000 synthetic runs (realistic sizes: 6 cells, 10 measured
 * requests of up to 128 tokens each, summary.json present as `analyze` writes it) into the
 * embedded store and into a throwaway PostgreSQL server, then query a leaderboard with 100,000
 * cells in the store. Targets: publish ≥ 50 runs/s, leaderboard ≤ 200 ms. Prints figures with the
 * machine load and this process's CPU time (on a shared machine wall time mostly measures the
 * other tenants). The publish figure is what `edgebench publish results/*` does with 1,000
 * folders — the same function (publishRuns) with the same defaults: runs read, validated, trimmed,
 * screened, hashed and printed by worker threads a batch ahead, one connection, a batch of runs
 * per transaction (PUBLISH_BATCH_RUNS).
 * Usage: tsx scripts/bench-store.ts [--runs N] [--cells N] [--only embedded|server] [--workers N (comparisons; default: the CLI's)]
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeRun } from '../src/analyze/analyze-run.ts';
import type { StoreDb } from '../src/store/db.ts';
import { queryLeaderboard } from '../src/store/leaderboard.ts';
import { openStore, type StoreTarget } from '../src/store/open-store.ts';
import { PUBLISH_BATCH_RUNS } from '../src/store/publish-runs.ts';
import { defaultWorkers, publishRuns } from '../src/store/publish-stream.ts';
import { recordLatest } from '../src/store/publish-latest.ts';
import { writeStoreRun } from '../test/fixtures/store/runs.ts';
import { findPostgresBin, startPostgres } from '../test/helpers/postgres-server.ts';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? def) : def;
};
const RUNS = Number(arg('runs', '1000'));
const TARGET_CELLS = Number(arg('cells', '100000'));
const ONLY = arg('only', '');
/** worker threads preparing runs; default: what `edgebench publish` uses (for comparisons only) */
const WORKERS = arg('workers', '');
if (WORKERS !== '' && !(Number.isInteger(Number(WORKERS)) && Number(WORKERS) >= 0 && Number(WORKERS) <= 16)) {
  console.error(`--workers ${WORKERS}: expected an integer from 0 (prepare in the main thread) to 16`);
  process.exit(2);
}
const TEMPLATES = 20;
const DEVICES = 200;
const MODELS = ['llama-3.2-1b', 'qwen2.5-0.5b'];
const SHAPES = ['pp512+tg32', 'tg128', 'pp128+tg128'];

const root = mkdtempSync(join(tmpdir(), 'eb-bench-store-'));
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

async function makeRuns(): Promise<string[]> {
  const templates: string[] = [];
  for (let t = 0; t < TEMPLATES; t++) {
    const dir = await writeStoreRun(join(root, 'templates', `t${t}`), {
      runId: `t${t}`,
      seed: t,
      cells: MODELS.flatMap((model, mi) =>
        SHAPES.map((shape) => ({ model, shape, requests: 10, tpotMs: (mi ? 30 : 60) * (1 + t / 100), ttftMs: 80 })),
      ),
    });
    await analyzeRun(dir, { resamples: 1000 });
    templates.push(dir);
  }
  // copies with their own id, device, date and commit: run.json and summary.json rewritten, traces shared
  const dirs: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    const src = templates[i % TEMPLATES]!;
    const dir = join(root, 'runs', `r${i}`);
    cpSync(src, dir, { recursive: true });
    const runId = `bench-${i}`;
    const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as Record<string, unknown> & {
      environment: Record<string, unknown>;
    };
    run.runId = runId;
    run.createdAt = new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString();
    run.environment = {
      ...run.environment,
      fingerprint: `device-${i % DEVICES}`,
      git: { commit: `c${i.toString(16).padStart(7, '0')}`, dirty: false },
    };
    writeFileSync(join(dir, 'run.json'), JSON.stringify(run));
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Record<string, unknown>;
    summary.runId = runId;
    writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary));
    dirs.push(dir);
  }
  return dirs;
}

interface PublishFigures {
  wallS: number;
  cpuMs: number;
  waitMs: number;
  writeMs: number;
  workers: number;
  /** the process's RSS after each batch, highest */
  peakRss: number;
  rssBefore: number;
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

/** Exactly `edgebench publish <dirs…>`: publishRuns with the CLI's defaults (worker threads, batches, the shipped references). */
async function publishAll(target: StoreTarget, dirs: string[]): Promise<PublishFigures> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const { results, figures } = await publishRuns(dirs, () => openStore(target), {
    source: 'cli',
    ...(WORKERS !== '' && { workers: Number(WORKERS) }),
    onBatch: () => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    },
  });
  const published = results.filter((r) => r.outcome === 'published').length;
  if (published !== dirs.length) throw new Error(`published ${published} of ${dirs.length} runs`);
  return {
    wallS: (performance.now() - t0) / 1000,
    cpuMs: cpuMs(process.cpuUsage(c0)),
    waitMs: figures.waitMs,
    writeMs: figures.writeMs,
    workers: figures.workers,
    peakRss,
    rssBefore,
  };
}

/** Grow the store to `target` cells by copying every published run's cells and metrics under new run ids, a day later each round, and recording them in leaderboard_latest as publish does (traces are not copied: no leaderboard reads them). */
async function growTo(db: StoreDb, target: number): Promise<number> {
  const count = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM cells'))[0]!.n;
  let n = await count();
  for (let k = 1; n < target; k++) {
    await db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO runs (run_id, content_hash, device_id, environment_id, created_at, status, results_schema_version, edgebench_version, published_by, git_commit, git_dirty, seed, suite, source)
         SELECT run_id || '-x' || $1::text, content_hash, device_id, environment_id, created_at + $1::int * interval '1 day', status, results_schema_version, edgebench_version, published_by, git_commit, git_dirty, seed, suite, source
         FROM runs WHERE run_id NOT LIKE '%-x%'`,
        [k],
      );
      await tx.query(
        `INSERT INTO cells (run_pk, idx, model, dtype, runner, ep, threads, shape, prompt_tokens, gen_tokens, depth, status, error, boundary, resolved, model_info, synthetic, load_ms, peak_rss_bytes, memory_bandwidth_bytes_per_s, started_at, ended_at, plausibility, implausible_reasons, warnings)
         SELECT dst.id, c.idx, c.model, c.dtype, c.runner, c.ep, c.threads, c.shape, c.prompt_tokens, c.gen_tokens, c.depth, c.status, c.error, c.boundary, c.resolved, c.model_info, c.synthetic, c.load_ms, c.peak_rss_bytes, c.memory_bandwidth_bytes_per_s, c.started_at, c.ended_at, c.plausibility, c.implausible_reasons, c.warnings
         FROM cells c JOIN runs src ON src.id = c.run_pk JOIN runs dst ON dst.run_id = src.run_id || '-x' || $1::text`,
        [k],
      );
      await tx.query(
        `INSERT INTO metric_summaries (cell_id, metric, unit, boundary, n, median, mean, sd, cv, p90, p99, min, max, ci_lo, ci_hi, ci_resamples, ci_seed, samples)
         SELECT dc.id, m.metric, m.unit, m.boundary, m.n, m.median * (1 + 0.001 * $1::int), m.mean, m.sd, m.cv, m.p90, m.p99, m.min, m.max, m.ci_lo, m.ci_hi, m.ci_resamples, m.ci_seed, m.samples
         FROM metric_summaries m JOIN cells sc ON sc.id = m.cell_id JOIN runs src ON src.id = sc.run_pk
         JOIN runs dst ON dst.run_id = src.run_id || '-x' || $1::text JOIN cells dc ON dc.run_pk = dst.id AND dc.idx = sc.idx`,
        [k],
      );
      const added = await tx.query<{ id: number }>("SELECT id FROM runs WHERE run_id LIKE '%-x' || $1::text", [k]);
      await recordLatest(
        tx,
        added.map((r) => r.id),
      );
    });
    n = await count();
  }
  await db.exec('ANALYZE');
  return n;
}

const LB_REPEATS = 9;

async function leaderboardMs(db: StoreDb): Promise<{ medianMs: number; cpuMs: number; rows: number }> {
  const times: number[] = [];
  const cpus: number[] = [];
  let rows = 0;
  for (let i = 0; i < LB_REPEATS; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const lb = await queryLeaderboard(db, { model: 'llama-3.2-1b', metric: 'decodeTokensPerS', limit: 20 });
    cpus.push(cpuMs(process.cpuUsage(c0)));
    times.push(performance.now() - t0);
    rows = lb.groups.reduce((a, g) => a + g.rows.length + g.more, 0);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { medianMs: median(times), cpuMs: median(cpus), rows };
}

async function bench(name: string, target: StoreTarget, dirs: string[]): Promise<void> {
  // creating a store (PGlite's initdb in WASM, the migrations) happens once per store: not counted
  const c0 = performance.now();
  await (await openStore(target)).close();
  console.log(
    `\n[${name}] empty store created in ${((performance.now() - c0) / 1000).toFixed(1)} s (not counted); publishing ${dirs.length} runs (load avg ${load()})`,
  );
  const p = await publishAll(target, dirs);
  const perS = dirs.length / p.wallS;
  const n = dirs.length;
  console.log(
    `[${name}] publish: ${perS.toFixed(1)} runs/s wall (${((p.wallS * 1000) / n).toFixed(1)} ms/run; target ≥ 50 runs/s) ${perS >= 50 ? 'OK' : 'BELOW TARGET'}`,
  );
  console.log(
    `[${name}]   split: store transactions ${(p.writeMs / n).toFixed(1)} ms/run, waiting for prepared runs ${(p.waitMs / n).toFixed(1)} ms/run (${p.workers ? `${p.workers} worker thread${p.workers > 1 ? 's' : ''} read, validate, screen, hash and print runs while the store writes` : 'prepared in this thread, before each batch'})`,
  );
  console.log(
    `[${name}]   CPU of this process (all threads): ${(p.cpuMs / n).toFixed(1)} ms/run${target.kind === 'server' ? " (the server's own CPU not counted)" : ' (PGlite runs in this process: included)'}; RSS ${(p.rssBefore / 2 ** 20).toFixed(0)} MB before, at most ${(p.peakRss / 2 ** 20).toFixed(0)} MB during the publish (sampled after each batch)`,
  );
  const db = await openStore(target);
  try {
    const cells = await growTo(db, TARGET_CELLS);
    const lb = await leaderboardMs(db);
    console.log(
      `[${name}] leaderboard at ${cells} cells (llama-3.2-1b decodeTokensPerS, ${lb.rows} device rows): median ${lb.medianMs.toFixed(1)} ms of ${LB_REPEATS} (CPU ${lb.cpuMs.toFixed(1)} ms; target ≤ 200 ms) ${lb.medianMs <= 200 ? 'OK' : 'ABOVE TARGET'} (load avg ${load()})`,
    );
  } finally {
    await db.close();
  }
}

const load0 = load();
try {
  console.log(
    `bench:store — ${RUNS} runs × ${MODELS.length * SHAPES.length} cells, ${DEVICES} devices, ${PUBLISH_BATCH_RUNS} runs per transaction, ${WORKERS || defaultWorkers(RUNS)} preparing worker thread(s); machine: ${cpus().length} cores ${cpus()[0]?.model ?? ''}, load avg ${load0}`,
  );
  const dirs = await makeRuns();
  if (ONLY !== 'server') await bench('embedded (PGlite)', { kind: 'embedded', dir: join(root, 'store') }, dirs);
  if (ONLY !== 'embedded') {
    if (!findPostgresBin())
      console.log(
        '\n[server] skipped: no PostgreSQL server binaries found (apt-get install postgresql, or set PG_BIN to the folder holding initdb and postgres)',
      );
    else {
      const pg = await startPostgres();
      try {
        await bench(
          'server (PostgreSQL via pg, throwaway cluster on 127.0.0.1)',
          { kind: 'server', url: await pg.createDatabase('bench') },
          dirs,
        );
      } finally {
        pg.stop();
      }
    }
  }
  console.log(
    `\npeak RSS of this process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB; load avg before ${load0}, after ${load()} (1/5/15 min)`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
