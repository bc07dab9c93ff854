/**
 * Every output format, one exporter per file. `report` writes the report exporters; `compare` and
 * `assert` write the CI exporters their flags name (--json-out, --junit, --markdown).
 */
import { ciJson } from './ci-json.ts';
import { ciJunit } from './ci-junit.ts';
import { ciMarkdown } from './ci-markdown.ts';
import { reportCsv } from './report-csv.ts';
import { reportHtml } from './report-html.ts';
import { reportMd } from './report-md.ts';
import type { CiInput, Exporter, FileExporter, ReportInput } from './types.ts';

export const REPORT_EXPORTERS = [reportHtml, reportMd, reportCsv] as const satisfies readonly FileExporter<ReportInput>[];
export const CI_EXPORTERS = [ciJson, ciJunit, ciMarkdown] as const satisfies readonly Exporter<CiInput>[];

export type ReportFormat = (typeof REPORT_EXPORTERS)[number]['format'];
export type CiFormat = (typeof CI_EXPORTERS)[number]['format'];

export type { CiInput, Exporter, FileExporter, ReportInput } from './types.ts';
