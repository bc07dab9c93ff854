import { describe, expect, it } from 'vitest';
import { listRunners, runnerIdFor } from '../src/runners/registry.ts';
import type { RunnerRole } from '../src/runners/types.ts';

const ROLES: readonly RunnerRole[] = ['default', 'endpoint', 'gguf', 'browser'];

describe('runner roles', () => {
  it('each role is held by exactly one runner, so "whichever runner does X" is never ambiguous', () => {
    for (const role of ROLES) {
      const holders = listRunners().filter((r) => r.roles?.includes(role));
      expect(
        holders.map((r) => r.id),
        role,
      ).toHaveLength(1);
      expect(runnerIdFor(role)).toBe(holders[0]!.id);
    }
  });

  it('a suite without runners gets the default runner from the registry', async () => {
    const { SuiteFile } = await import('../src/config/suite.ts');
    const s = SuiteFile.parse({ name: 't', models: ['tiny-llama'], shapes: ['tg8'] });
    expect(s.runners).toEqual([runnerIdFor('default')]);
  });
});
