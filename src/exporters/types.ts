/**
 * An exporter turns one command's result into one file format: `format` is its name on the
 * command line, `file` the file it writes by default, `render` the text. Report, compare and
 * assert outputs are all exporters (./index.ts lists them); adding a format = one file + one line.
 */
import type { JUnitCase } from '../compare/junit.ts';
import type { ReportData } from '../report/model.ts';
import type { ReportRun } from '../report/report-run.ts';

export interface Exporter<D, F extends string = string> {
  format: F;
  /** the default file name; null where the user always names the file (--junit <file> …) */
  file: string | null;
  render(input: D): string | Promise<string>;
}

/** An exporter whose file has a fixed name (the report's files in its output folder). */
export interface FileExporter<D, F extends string = string> extends Exporter<D, F> {
  file: string;
}

/** What a report exporter reads: the report as data, and the runs (raw traces for charts). */
export interface ReportInput {
  data: ReportData;
  runs: readonly ReportRun[];
}

/** What a CI exporter reads: a compare or assert result in the three shapes CI tools take. */
export interface CiInput {
  /** the result object, as --json prints it */
  json: unknown;
  junit: { suite: string; cases: () => JUnitCase[] };
  markdown: () => string;
}
