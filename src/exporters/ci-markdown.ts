import type { CiInput, Exporter } from './types.ts';

/** The Markdown summary (also appended to $GITHUB_STEP_SUMMARY by ../compare/ci-output.ts). */
export const ciMarkdown: Exporter<CiInput, 'markdown'> = {
  format: 'markdown',
  file: null,
  render: ({ markdown }) => markdown(),
};
