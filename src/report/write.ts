/** `report` stage: load runs, build the report data once, write the requested formats. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClaimsConfig } from '../claims/config.ts';
import { EdgebenchError } from '../errors.ts';
import { loadReferences } from '../references/load.ts';
import { renderCsv } from './csv.ts';
import { renderHtml } from './html.ts';
import { renderMarkdown } from './markdown.ts';
import { buildReport, type ReportData } from './model.ts';
import { openReportRuns } from './report-run.ts';

export const REPORT_FORMATS = ['html', 'md', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const FILE_NAMES: Record<ReportFormat, string> = { html: 'report.html', md: 'report.md', csv: 'results.csv' };

export interface WriteReportOptions {
  runDirs: string[];
  outDir: string;
  formats?: readonly ReportFormat[];
  title?: string;
  claimsConfig?: ClaimsConfig;
  referencesDir?: string;
}

export function parseFormats(list: string): ReportFormat[] {
  const items = list.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = items.filter((f) => !(REPORT_FORMATS as readonly string[]).includes(f));
  if (bad.length || items.length === 0) {
    throw new EdgebenchError('USAGE', `--format: unknown format ${bad.length ? bad.map((b) => `"${b}"`).join(', ') : '(empty)'}`, `use a comma-separated list of ${REPORT_FORMATS.join(', ')}`);
  }
  return [...new Set(items as ReportFormat[])];
}

export async function writeReport(opts: WriteReportOptions): Promise<{ files: string[]; data: ReportData }> {
  const runs = await openReportRuns(opts.runDirs);
  const refs = loadReferences(opts.referencesDir);
  const data = buildReport(runs, refs, { ...(opts.title && { title: opts.title }), ...(opts.claimsConfig && { claimsConfig: opts.claimsConfig }) });
  const formats = opts.formats ?? REPORT_FORMATS;
  await mkdir(opts.outDir, { recursive: true }).catch((e: unknown) => {
    throw new EdgebenchError('OUTPUT_UNWRITABLE', `cannot create ${opts.outDir}: ${e instanceof Error ? e.message : String(e)}`, 'choose a writable folder with --out');
  });
  const files: string[] = [];
  for (const f of formats) {
    const text = f === 'md' ? renderMarkdown(data) : f === 'csv' ? renderCsv(data) : renderHtml(data, await (await import('./charts.ts')).buildCharts(data, runs)) // vega loads only for HTML;
    const path = join(opts.outDir, FILE_NAMES[f]);
    await writeFile(path, text).catch((e: unknown) => {
      throw new EdgebenchError('OUTPUT_UNWRITABLE', `cannot write ${path}: ${e instanceof Error ? e.message : String(e)}`, 'choose a writable folder with --out');
    });
    files.push(path);
  }
  return { files, data };
}
