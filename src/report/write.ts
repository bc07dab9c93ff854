/** `report` stage: load runs, build the report data once, write the requested formats. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClaimsConfig } from '../claims/config.ts';
import { EdgebenchError } from '../errors.ts';
import { loadReferences } from '../references/load.ts';
import { REPORT_EXPORTERS, type FileExporter, type ReportFormat, type ReportInput } from '../exporters/index.ts';
import { writeFileAtomic } from '../results/atomic-write.ts';
import { buildReport, type ReportData } from './model.ts';
import { openReportRuns } from './report-run.ts';

export const REPORT_FORMATS: readonly ReportFormat[] = REPORT_EXPORTERS.map((e) => e.format);
export type { ReportFormat } from '../exporters/index.ts';
const BY_FORMAT = Object.fromEntries(REPORT_EXPORTERS.map((e) => [e.format, e])) as Record<ReportFormat, FileExporter<ReportInput>>;

export interface WriteReportOptions {
  runDirs: string[];
  outDir: string;
  formats?: readonly ReportFormat[];
  title?: string;
  claimsConfig?: ClaimsConfig;
  referencesDir?: string;
}

export function parseFormats(list: string): ReportFormat[] {
  const items = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = items.filter((f) => !(REPORT_FORMATS as readonly string[]).includes(f));
  if (bad.length || items.length === 0) {
    throw new EdgebenchError(
      'USAGE',
      `--format: unknown format ${bad.length ? bad.map((b) => `"${b}"`).join(', ') : '(empty)'}`,
      `use a comma-separated list of ${REPORT_FORMATS.join(', ')}`,
    );
  }
  return [...new Set(items as ReportFormat[])];
}

export async function writeReport(opts: WriteReportOptions): Promise<{ files: string[]; data: ReportData }> {
  const runs = await openReportRuns(opts.runDirs);
  const refs = loadReferences(opts.referencesDir);
  const data = buildReport(runs, refs, {
    ...(opts.title && { title: opts.title }),
    ...(opts.claimsConfig && { claimsConfig: opts.claimsConfig }),
  });
  const formats = opts.formats ?? REPORT_FORMATS;
  await mkdir(opts.outDir, { recursive: true }).catch((e: unknown) => {
    throw new EdgebenchError(
      'OUTPUT_UNWRITABLE',
      `cannot create ${opts.outDir}: ${e instanceof Error ? e.message : String(e)}`,
      'choose a writable folder with --out',
    );
  });
  const files: string[] = [];
  // the report exporters (src/exporters), in the order asked; HTML loads its renderer and vega only when asked for
  for (const f of formats) {
    const exporter = BY_FORMAT[f];
    const text = await exporter.render({ data, runs });
    const path = join(opts.outDir, exporter.file);
    // atomic: a killed or failing report leaves the previous file whole (errors: OUTPUT_UNWRITABLE, DISK_FULL)
    await writeFileAtomic(path, text);
    files.push(path);
  }
  return { files, data };
}
