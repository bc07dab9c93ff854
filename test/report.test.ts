import { execFile } from 'node:child_process';
import { EnergySummary, type EnergyPhase } from '../src/results/energy-schema.ts';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { isEdgebenchError } from '../src/errors.ts';
import { DEFAULT_REFERENCES_DIR, figuresFile } from '../src/references/load.ts';
import { csvField } from '../src/report/csv.ts';
import { DEFAULT_REFERENCES_DIR as REFS, loadReferences } from '../src/references/load.ts';
import { buildCharts } from '../src/report/charts.ts';
import { toLocalCells } from '../src/references/local-cells.ts';
import { openReportRuns, type ReportRun } from '../src/report/report-run.ts';
import { renderMarkdown } from '../src/report/markdown.ts';
import { buildReport } from '../src/report/model.ts';
import { writeReport } from '../src/report/write.ts';

const loadRun = async (dir: string): Promise<ReportRun> => (await openReportRuns([dir]))[0]!;
const FIX = 'test/fixtures/report';
const LAPTOP = join(FIX, 'run-laptop');
const PHONE = join(FIX, 'run-phone');
const GOLDEN = join(FIX, 'expected-report.md');
const exec = promisify(execFile);

const tmp = (p: string) => mkdtempSync(join(tmpdir(), `eb-${p}-`));

async function errorOf(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (isEdgebenchError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected an EdgebenchError');
}

describe('edgebench report', () => {
  it('writes report.md identical to the golden file (deterministic; regenerate with UPDATE_GOLDEN=1)', async () => {
    const out = tmp('golden');
    const { files } = await writeReport({ runDirs: [LAPTOP, PHONE], outDir: out, formats: ['md'], title: 'edgebench fixture report' });
    const md = readFileSync(files[0]!, 'utf8');
    if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, md);
    expect(md).toBe(readFileSync(GOLDEN, 'utf8'));
    // and again: nothing depends on time or order of loading
    const again = await writeReport({
      runDirs: [LAPTOP, PHONE],
      outDir: tmp('golden2'),
      formats: ['md'],
      title: 'edgebench fixture report',
    });
    expect(readFileSync(again.files[0]!, 'utf8')).toBe(md);
  });

  it('shows errored and unsupported cells, escapes data, and states energy as not measured', () => {
    const md = readFileSync(GOLDEN, 'utf8');
    expect(md).toContain('| **errored** (OUT\\_OF\\_MEMORY) |');
    expect(md).toContain('| **unsupported** (DEVICE\\_UNAVAILABLE) |');
    expect(md).toContain('fix: use a quantized dtype (q4) or a smaller model');
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(md).not.toContain('<script>');
    expect(md).toContain('**Energy: not measured.**');
    // the answer leads: banner, this device vs the cloud, the verdicts with who decided; details collapsed
    expect(md.indexOf('> **Synthetic weights.**')).toBeLessThan(md.indexOf('## The answer: this device vs the cloud'));
    expect(md.indexOf('## The answer')).toBeLessThan(md.indexOf('## Verdicts'));
    expect(md.indexOf('## Verdicts')).toBeLessThan(md.indexOf('<details><summary><b>Throughput'));
    expect(md).toContain('**This device: laptop** (detected: chassis type 10 (Notebook), system battery present)');
    expect(md).toMatch(
      /\| 1B \| llama-3\.2-1b q4 \| synthetic \| TTFT, 128-token prompt \| 35\.9 ms \\\[35\.2–36\.7 ms\\\] \| 581 ms median of 1 \(incl\. network 1\.08–202 ms\) \| 16\.2× faster \|/,
    );
    expect(md).toContain('| id | claim | verdict | decided by | to decide it here |');
    expect(md).toContain('Assumptions (every cost figure): device $1200 (ASSUMED');
    expect(md).toContain('nearest-rank');
    expect(md).toContain('bootstrap');
    expect(md).toMatch(/\| C1 \| .* \| ◐ partly supported \|/);
    expect(md).toContain('[Qualcomm AI Hub Models');
  });

  it('writes a self-contained HTML file with charts and escaped text, and results.csv', async () => {
    const out = tmp('all');
    const { files } = await writeReport({ runDirs: [LAPTOP, PHONE], outDir: out });
    expect(files.map((f) => f.slice(out.length + 1))).toEqual(['report.html', 'report.md', 'results.csv']);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<(script|img|link|iframe)[^>]+(src|href)=/i);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('<script type="application/json" id="edgebench-report-data">');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html.match(/<svg /g)!.length).toBe(6); // 3 edge-vs-cloud charts + TTFT, decode and ITL vs published
    expect(html).toContain('Energy not measured on this device');
    expect(html).toMatch(/<a href="https:\/\/github\.com\/quic\/ai-hub-models\/[^"]+" rel="noopener noreferrer">/);
    const csv = readFileSync(join(out, 'results.csv'), 'utf8').trimEnd().split('\n');
    expect(csv[0]).toBe(
      'run_id,device,device_class,cell,model,weights,params,dtype,runner,ep,threads,shape,prompt_tokens,gen_tokens,depth,status,error,metric,unit,n,median,ci95_lo,ci95_hi,mean,sd,cv,p90,p99,min,max,boundary',
    );
    // 5 ok cells × 7 metrics (roofline is n/a without bandwidth: 6 each) + 2 failed cells
    expect(csv.filter((l) => l.startsWith('fixture-laptop,') && l.includes(',ttftMs,'))).toHaveLength(4);
    expect(csv.find((l) => l.includes(',errored,'))).toContain('OUT_OF_MEMORY: model needs 32.1 GB');
    expect(csv.filter((l) => l.includes(',unsupported,'))).toHaveLength(1);
    expect(csv).toHaveLength(1 + 5 * 6 + 2);
  });

  it('quotes CSV fields and defuses formulas', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField(-1.5)).toBe('-1.5');
    expect(csvField(null)).toBe('');
  });
});

describe('energy', () => {
  it('shows J/token with its source, charts it and lets C5 use it', async () => {
    const run = await loadRun(LAPTOP);
    const phase = (jPerToken: number, watts: number): EnergyPhase => ({
      windows: 30,
      windowsUsed: 30,
      totalWindowMs: 60_000,
      medianWindowMs: 2000,
      tokens: 960,
      grossJ: jPerToken * 960 * 1.1,
      netJ: jPerToken * 960,
      avgGrossW: watts * 1.1,
      avgNetW: watts,
      joulesPerTokenGross: jPerToken * 1.1,
      joulesPerTokenNet: jPerToken,
      tokensPerJouleGross: 1 / (jPerToken * 1.1),
      tokensPerJouleNet: 1 / jPerToken,
      aggregation: 'per-request',
      uncertainty: 'coarse',
      byDomainGrossJ: { cpu: jPerToken * 960 * 1.1 },
      perRequest: {
        basis: 'net',
        samples: [jPerToken],
        summary: {
          n: 30,
          median: jPerToken,
          mean: jPerToken,
          min: jPerToken * 0.9,
          max: jPerToken * 1.1,
          ci95: { lo: jPerToken * 0.95, hi: jPerToken * 1.05 },
        },
      },
    });
    const energy = EnergySummary.parse({
      status: 'ok',
      source: 'estimated-tdp',
      method: 'estimated',
      domains: ['cpu-process'],
      headlineDomains: ['cpu-process'],
      sampleIntervalMs: 50,
      resolutionMs: 56,
      uncertainty: 'coarse',
      assumptions: ['TDP × utilisation'],
      detail: {},
      baselineW: 1.5,
      baselineByDomainW: {},
      kind: 'power',
      gaps: 0,
      prefill: null,
      decode: phase(2.1, 15),
      conditions: { start: null, end: null },
    });
    const cells = run.summary.cells.map((c) => (c.index === 0 ? { ...c, energy } : c));
    const summary = { ...run.summary, cells } as ReportRun['summary'];
    const withEnergy: ReportRun = { ...run, summary, localCells: toLocalCells({ ...run, summary }) };
    const data = buildReport([withEnergy], loadReferences(REFS));
    expect(data.energyMeasured).toBe(true);
    const md = renderMarkdown(data);
    expect(md).toContain('| J/token decode | J/token prefill | avg power W | energy J |');
    expect(md).toMatch(/\| llama-3\.1-8b q4 pp128\+tg32 \| synthetic \| \*\*estimated\*\* \| 2\.10 \[1\.99–2\.21\] \| n\/a \| 15\.00 /);
    expect(md).toMatch(/\| llama-3\.2-1b q4 pp128\+tg64 \| synthetic \| not measured \| n\/a \|/);
    // the answer uses the estimate, labelled, for the edge cost
    expect(md).toMatch(/\| 7-8B \| llama-3\.1-8b q4 \| synthetic \| energy \/ cost per Mtok \| \\~2\.1 J\/token \(estimated\)/);
    const c5 = data.claims.find((c) => c.id === 'C5')!;
    expect(c5.verdict).toBe('not supported');
    expect(c5.summary).toContain('energy estimated, not measured');
    const charts = await buildCharts(data, [withEnergy]);
    expect(charts.find((c) => c.id === 'chart-energy')!.svg).toMatch(/^<svg/);
  });
});

describe('bad input', () => {
  it('upgrades a results folder from an older schema version on read and recomputes its summary', async () => {
    const run = await loadRun(join(FIX, 'run-v0'));
    expect(run.summarySource).toBe('recomputed from raw traces');
    expect(run.localCells.map((c) => c.model)).toEqual(['llama-3.1-8b', 'llama-3.2-1b']);
    expect(run.localCells[0]!.metrics.ttftMs!.median).toBeCloseTo((await loadRun(LAPTOP)).localCells[0]!.metrics.ttftMs!.median, 6);
  });

  it('names a truncated summary.json', async () => {
    const dir = tmp('trunc');
    cpSync(LAPTOP, dir, { recursive: true });
    const path = join(dir, 'summary.json');
    writeFileSync(path, readFileSync(path, 'utf8').slice(0, 500));
    const e = await errorOf(writeReport({ runDirs: [dir], outDir: tmp('o') }));
    expect(e.code).toBe('RESULTS_INVALID');
    expect(e.message).toContain(`${path}: not valid JSON`);
  });

  it('names a truncated cell file', async () => {
    const dir = tmp('trunc-cell');
    cpSync(LAPTOP, dir, { recursive: true });
    const cell = join(dir, 'cells', readdirSync(join(dir, 'cells'))[1]!);
    writeFileSync(cell, readFileSync(cell, 'utf8').slice(0, 200));
    const e = await errorOf(writeReport({ runDirs: [dir], outDir: tmp('o') }));
    expect(e.message).toContain(cell);
  });

  it('names the entry and field of a reference file with a missing source', async () => {
    const refs = tmp('refs');
    cpSync(DEFAULT_REFERENCES_DIR, refs, { recursive: true });
    const file = figuresFile(refs, 'price');
    const figs = parse(readFileSync(file, 'utf8')) as Record<string, unknown>[];
    delete figs[0]!.source_url;
    writeFileSync(file, stringify(figs));
    const e = await errorOf(writeReport({ runDirs: [LAPTOP], outDir: tmp('o'), referencesDir: refs }));
    expect(e.code).toBe('REFERENCE_INVALID');
    expect(e.message).toContain(`figure '${String(figs[0]!.id)}' (entry 1): source_url: missing (required)`);
  });

  it('refuses a folder that is not a results folder', async () => {
    const e = await errorOf(writeReport({ runDirs: [tmp('empty')], outDir: tmp('o') }));
    expect(e.message).toContain('no run.json');
  });
});

describe('CLI', () => {
  it('report and claims run end to end', async () => {
    const out = tmp('cli');
    const r = await exec('node', ['bin/edgebench.js', 'report', LAPTOP, '--out', out, '--format', 'md,csv', '--title', 'cli']);
    expect(r.stdout).toContain('wrote');
    expect(existsSync(join(out, 'report.md')) && existsSync(join(out, 'results.csv')) && !existsSync(join(out, 'report.html'))).toBe(true);
    const c = await exec('node', ['bin/edgebench.js', 'claims', LAPTOP]);
    expect(c.stdout).toMatch(/C1\s+partly supported/);
    expect(c.stdout).toMatch(/C9\s+not testable by benchmark/);
    const bad = await exec('node', ['bin/edgebench.js', 'report', LAPTOP, '--format', 'pdf']).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(bad).toMatchObject({ code: 1 });
    expect((bad as { stderr: string }).stderr).toContain('--format: unknown format "pdf"');
  });
});
