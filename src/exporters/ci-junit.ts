import { junitXml } from '../compare/junit.ts';
import type { CiInput, Exporter } from './types.ts';

/** JUnit XML: one test case per check, which CI systems show as tests. */
export const ciJunit: Exporter<CiInput, 'junit'> = {
  format: 'junit',
  file: null,
  render: ({ junit }) => junitXml(junit.suite, junit.cases()),
};
