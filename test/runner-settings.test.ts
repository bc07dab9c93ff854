import { describe, expect, it } from 'vitest';
import { parseSuiteText } from '../src/config/suite.ts';
import { isEdgebenchError } from '../src/errors.ts';
import { listRunners } from '../src/runners/registry.ts';

const suite = (runner: string, settings: string) =>
  `name: x\nmodels: [m]\nrunners: [${runner}]\nshapes: [tg4]\nrunnerSettings:\n  ${runner}:\n${settings}`;

function configError(text: string): Error {
  try {
    parseSuiteText(text, 'suite.yaml');
  } catch (e) {
    expect(isEdgebenchError(e) && e.code).toBe('CONFIG_INVALID');
    return e as Error;
  }
  throw new Error('the suite was accepted');
}

describe('runner settings are checked when the suite is read', () => {
  it.each(listRunners().map((r) => r.id))('%s: an unknown key names file:line and the valid keys', (id) => {
    const e = configError(suite(id, '    noSuchSetting: 1\n'));
    expect(e.message).toBe(`suite.yaml:7: unknown key 'noSuchSetting' in runnerSettings.${id}`);
    const keys = Object.keys(listRunners().find((r) => r.id === id)!.settings.shape);
    expect((e as { hint?: string }).hint).toMatch(keys.length ? new RegExp(`valid keys: ${keys.join(', ')}`) : /takes no settings/);
  });

  const illTyped: [string, string, RegExp][] = [
    ['fake', '    loadMs: 1\n    decodeMs: fast\n', /^suite\.yaml:8: runnerSettings\.fake\.decodeMs: /],
    ['ort-node', '    graphOptimizationLevel: max\n', /^suite\.yaml:7: runnerSettings\.ort-node\.graphOptimizationLevel: /],
    ['ort-web', '    wasmDtype: smallest\n', /^suite\.yaml:7: runnerSettings\.ort-web\.wasmDtype: /],
    ['llama-cpp', '    contextSize: 8\n', /^suite\.yaml:7: runnerSettings\.llama-cpp\.contextSize: /],
    ['openai-http', '    endpoint: http://127.0.0.1:1\n    timeoutS: soon\n', /^suite\.yaml:8: runnerSettings\.openai-http\.timeoutS: /],
  ];
  it.each(illTyped)('%s: an ill-typed value names file:line and the key', (id, settings, message) => {
    expect(configError(suite(id, settings)).message).toMatch(message);
  });

  it('every runner with settings has an ill-typed case above', () => {
    const withKeys = listRunners()
      .filter((r) => Object.keys(r.settings.shape).length > 0)
      .map((r) => r.id);
    expect(illTyped.map(([id]) => id).sort()).toEqual(withKeys.sort());
  });

  it('settings for a runner that does not exist are an error with the closest name', () => {
    const e = configError(suite('ort-node', '    graphOptimizationLevel: all\n').replace('  ort-node:\n', '  ort-nod:\n'));
    expect(e.message).toMatch(/^suite\.yaml:6: runnerSettings: no runner 'ort-nod' \(did you mean ort-node/);
  });

  it('valid settings pass, and the suite keeps them as written (runners apply their defaults)', () => {
    const s = parseSuiteText(suite('llama-cpp', '    contextSize: 512\n    flashAttention: auto\n'), 'suite.yaml');
    expect(s.runnerSettings['llama-cpp']).toEqual({ contextSize: 512, flashAttention: 'auto' });
  });

  it('openai-http may leave the endpoint to --endpoint', () => {
    expect(() => parseSuiteText(suite('openai-http', '    api: completions\n'), 'suite.yaml')).not.toThrow();
  });

  it('the registry describes each runner as the runner itself does (without importing it until asked)', async () => {
    for (const entry of listRunners()) {
      const r = await entry.load();
      expect({ id: r.id, boundary: r.boundary, description: r.description }).toEqual({
        id: entry.id,
        boundary: entry.boundary,
        description: entry.description,
      });
      expect(r.settings).toBe(entry.settings);
    }
  });
});
