import { renderMarkdown } from '../report/markdown.ts';
import type { FileExporter, ReportInput } from './types.ts';

export const reportMd: FileExporter<ReportInput, 'md'> = {
  format: 'md',
  file: 'report.md',
  render: ({ data }) => renderMarkdown(data),
};
