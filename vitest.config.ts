import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (pure and fast: `npm run test:unit` for the edit loop) and `integration`
 * (real models, ONNX Runtime, llama.cpp, browsers, servers on loopback, spawned CLIs, PostgreSQL).
 * A test file is integration when its name matches one of these; everything else must stay fast.
 */
export const INTEGRATION = [
  'test/**/*-cli.test.ts',
  'test/**/*-browser.test.ts',
  'test/**/runner-*.test.ts',
  'test/**/serve-*.test.ts',
  'test/**/models-*.test.ts',
  'test/**/harness-*.test.ts',
  'test/**/store-*.test.ts',
  'test/**/llama-cpp*.test.ts',
  'test/**/openai-http*.test.ts',
  'test/**/load-*.test.ts',
  'test/**/quality-*.test.ts',
  'test/doctor.test.ts',
  'test/energy-run.test.ts',
  'test/energy-rapl.test.ts',
  'test/gguf-writer.test.ts',
  'test/probes-ep.test.ts',
  'test/probes-kernels.test.ts',
  'test/report.test.ts',
  'test/results-io.test.ts',
];

const shared = { testTimeout: 120_000, hookTimeout: 300_000, globalSetup: ['test/global-setup.ts'] };

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      { test: { ...shared, name: 'unit', include: ['test/**/*.test.ts'], exclude: INTEGRATION } },
      { test: { ...shared, name: 'integration', include: INTEGRATION } },
    ],
  },
});
