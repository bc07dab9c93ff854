import { renderCsv } from '../report/csv.ts';
import type { FileExporter, ReportInput } from './types.ts';

export const reportCsv: FileExporter<ReportInput, 'csv'> = {
  format: 'csv',
  file: 'results.csv',
  render: ({ data }) => renderCsv(data),
};
