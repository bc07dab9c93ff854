/**
 * Writes results.schema.json from the zod schemas. `--check` only compares and exits 1 when the
 * checked-in file is stale (run in CI / npm test).
 *   npm run schema:gen      npm run schema:check
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { renderResultsJsonSchema } from '../src/results/json-schema.ts';
import { PROJECT_ROOT } from '../src/version.ts';

export const RESULTS_SCHEMA_FILE = join(PROJECT_ROOT, 'results.schema.json');

const wanted = renderResultsJsonSchema();
const name = relative(process.cwd(), RESULTS_SCHEMA_FILE) || RESULTS_SCHEMA_FILE;
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(RESULTS_SCHEMA_FILE, 'utf8');
  } catch {
    /* missing counts as stale */
  }
  if (current !== wanted) {
    console.error(`${name} is stale: the zod schemas in src/results/schema.ts changed.\n  fix: npm run schema:gen, then commit ${name}`);
    process.exit(1);
  }
  console.log(`${name} is up to date`);
} else {
  writeFileSync(RESULTS_SCHEMA_FILE, wanted);
  console.log(`wrote ${name}`);
}
