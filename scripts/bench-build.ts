/**
 * npm run bench:build — how long the synthetic builder takes and how much memory it needs for
 * real sizes: llama-3.2-1b q4 and llama-3.1-8b q4 (optimum style), each into a temp folder that
 * is deleted afterwards. Each build runs in its own child process so its peak RSS is its own.
 * Usage: tsx scripts/bench-build.ts [presetId[:dtype[:style]] ...]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildModelFolder, type BuildResult } from '../src/models/build/build-folder.ts';
import { getPreset } from '../src/models/presets.ts';
import type { GraphStyle, ModelDtype } from '../src/models/arch.ts';
import { formatError } from '../src/errors.ts';

const DEFAULT_JOBS = ['llama-3.2-1b:q4:optimum', 'llama-3.1-8b:q4:optimum'];

function parseJob(job: string): { id: string; dtype: ModelDtype; style: GraphStyle } {
  const [id = '', dtype = 'q4', style = 'optimum'] = job.split(':');
  if (!['fp32', 'fp16', 'q8', 'q4'].includes(dtype) || !['optimum', 'genai'].includes(style))
    throw new Error(`bad job '${job}' (want presetId[:dtype[:style]])`);
  return { id, dtype: dtype as ModelDtype, style: style as GraphStyle };
}

async function child(job: string): Promise<void> {
  const { id, dtype, style } = parseJob(job);
  const dir = mkdtempSync(join(tmpdir(), 'edgebench-bench-build-'));
  try {
    let lastPct = -10;
    const r: BuildResult = await buildModelFolder({
      arch: getPreset(id).arch,
      dtype,
      style,
      outDir: join(dir, id),
      onProgress: (p) => {
        const pct = p.totalBytes ? Math.floor((100 * p.doneBytes) / p.totalBytes) : 100;
        if (pct >= lastPct + 10) {
          lastPct = pct;
          process.stderr.write(`  ${id} ${dtype}: ${pct}%\n`);
        }
      },
    });
    process.stdout.write(
      `${JSON.stringify({ job, seconds: r.seconds, bytesWritten: r.bytesWritten, peakRssBytes: r.peakRssBytes, params: r.params, external: r.externalDataFile !== null })}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main(): void {
  const jobs = process.argv.slice(2).length > 0 ? process.argv.slice(2) : DEFAULT_JOBS;
  const s = statfsSync(tmpdir());
  console.log(`free space in ${tmpdir()}: ${((s.bavail * s.bsize) / 1e9).toFixed(1)} GB`);
  console.log('job                              seconds   GB written   peak RSS MB   params');
  for (const job of jobs) {
    const self = fileURLToPath(import.meta.url);
    const r = spawnSync(process.execPath, [...process.execArgv, self, '--child', job], {
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
    });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status !== 0 || !line.startsWith('{')) {
      console.log(`${job}: failed (exit ${r.status})`);
      continue;
    }
    const m = JSON.parse(line) as { seconds: number; bytesWritten: number; peakRssBytes: number; params: number };
    console.log(
      `${job.padEnd(32)} ${m.seconds.toFixed(1).padStart(7)}   ${(m.bytesWritten / 1e9).toFixed(2).padStart(10)}   ${(m.peakRssBytes / 2 ** 20).toFixed(0).padStart(11)}   ${m.params}`,
    );
  }
}

if (process.argv[2] === '--child') {
  child(process.argv[3] ?? '').catch((e: unknown) => {
    console.error(formatError(e));
    process.exit(1);
  });
} else {
  main();
}
