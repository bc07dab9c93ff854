import type { FileExporter, ReportInput } from './types.ts';

/** Self-contained HTML with charts; the renderer and vega load only when HTML is asked for. */
export const reportHtml: FileExporter<ReportInput, 'html'> = {
  format: 'html',
  file: 'report.html',
  render: async ({ data, runs }) => {
    const [{ renderHtml }, { buildCharts }] = await Promise.all([import('../report/html.ts'), import('../report/charts.ts')]);
    return renderHtml(data, await buildCharts(data, runs));
  },
};
