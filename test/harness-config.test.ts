import { describe, expect, it } from 'vitest';
import { parseShape, parseShapes } from '../src/config/shapes.ts';
import { parseSuiteText, loadSuite } from '../src/config/suite.ts';
import { expandMatrix, cellId } from '../src/config/matrix.ts';

describe('shapes', () => {
  it('parses llama-bench names', () => {
    expect(parseShape('pp512')).toEqual({ name: 'pp512', promptTokens: 512, genTokens: 0, depth: 0 });
    expect(parseShape('tg128')).toEqual({ name: 'tg128', promptTokens: 0, genTokens: 128, depth: 0 });
    expect(parseShape('pp512+tg128@d1024')).toEqual({ name: 'pp512+tg128 @ d1024', promptTokens: 512, genTokens: 128, depth: 1024 });
    expect(parseShape('tg1').genTokens).toBe(1);
  });
  it('rejects zero, negative and malformed shapes with a hint', () => {
    expect(() => parseShape('pp0')).toThrow(/zero token count/);
    expect(() => parseShape('tg-5')).toThrow(/not a shape/);
    expect(() => parseShape('pp512tg128')).toThrow(/not a shape/);
    expect(() => parseShapes('')).toThrow(/no shapes/);
  });
});

describe('suite files', () => {
  it('the four presets validate', () => {
    for (const s of ['quick', 'ci', 'publish', 'claims']) expect(loadSuite(s).name).toBe(s);
  });
  it('the claims suite covers what the claims name: 1B, 3B and 8B Llama shapes at 4 bits, pp128 and tg128', () => {
    const s = loadSuite('claims');
    expect(s.models).toEqual(['llama-3.2-1b', 'llama-3.2-3b', 'llama-3.1-8b']);
    expect(s.dtype).toBe('q4');
    expect(s.shapes).toEqual(['pp128', 'tg128']);
  });
  it('names an unknown key with file and line', () => {
    const text = 'name: x\nmodels: [a]\nshapes: [pp8]\nthread: [2]\n';
    expect(() => parseSuiteText(text, 'my.yaml')).toThrow(/my\.yaml:4: unknown key 'thread'/);
  });
  it('names a nested typo and a bad value', () => {
    const text = 'name: x\nmodels: [a]\nshapes: [pp8]\nrepetitions:\n  minCount: 5\n  minTimes: 3\n';
    expect(() => parseSuiteText(text, 's.yaml')).toThrow(/s\.yaml:6: unknown key 'minTimes'/);
    expect(() => parseSuiteText('name: x\nmodels: [a]\nshapes: [pp8]\nthreads: [0]\n', 's.yaml')).toThrow(/s\.yaml:4: threads\.0/);
    expect(() => parseSuiteText('name: x\nmodels: [a]\nshapes: [pp0]\n', 's.yaml')).toThrow(/zero token count/);
  });
  it('expands the matrix in a stable order', () => {
    const s = parseSuiteText('name: x\nmodels: [a, b]\nthreads: [1, 2]\nshapes: [pp8, tg4]\n', 'x.yaml');
    const cells = expandMatrix(s);
    expect(cells).toHaveLength(8);
    expect(cells.map(cellId).slice(0, 3)).toEqual(['a|q4|ort-node|cpu|1|pp8', 'a|q4|ort-node|cpu|1|tg4', 'a|q4|ort-node|cpu|2|pp8']);
  });
});
