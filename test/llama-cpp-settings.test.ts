/**
 * The llama-cpp runner's defaults are llama-bench's (flash attention auto, 512-token micro-batches,
 * a context sized to the request), and what llama.cpp resolved is recorded: checked on hand-computed
 * values and on real llama.cpp (node-llama-cpp's prebuilt CPU binaries) with a tiny synthetic GGUF.
 */
import { tinyGguf } from './helpers/tiny-gguf.ts';
import { describe, expect, it } from 'vitest';
import { parseShape } from '../src/config/shapes.ts';
import { kvTokensOf } from '../src/measure/measure-cell.ts';
import { contextSizeFor, FALLBACK_CONTEXT, parseLlamaCppSettings } from '../src/runners/llama-cpp/settings.ts';

describe('llama-bench defaults', () => {
  it('an empty settings object gives flash attention auto, n_ubatch 512 and an auto context', () => {
    expect(parseLlamaCppSettings({})).toMatchObject({
      contextSize: 'auto',
      batchSize: 512,
      flashAttention: 'auto',
      gpuLayers: 'max',
      useMmap: true,
    });
  });

  it('sizes the context to the request the harness names, else falls back', () => {
    expect(contextSizeFor('auto', 513)).toBe(513);
    expect(contextSizeFor('auto', 5)).toBe(16);
    expect(contextSizeFor('auto', undefined)).toBe(FALLBACK_CONTEXT);
    expect(contextSizeFor(1024, 513)).toBe(1024);
  });

  it('counts the KV tokens of the largest shape: depth + prompt (at least 1) + generated (at least 1)', () => {
    expect(kvTokensOf([parseShape('pp512'), parseShape('tg128')])).toBe(513); // 512 + 1 vs 1 + 128
    expect(kvTokensOf([parseShape('tg128 @ d1024')])).toBe(1153);
    expect(kvTokensOf([parseShape('pp512+tg128 @ d1024'), parseShape('pp64')])).toBe(1664);
  });

  it('refuses out-of-bound numbers before any work, naming the key', () => {
    expect(() => parseLlamaCppSettings({ batchSize: 1e9 })).toThrow(/batchSize/);
    expect(() => parseLlamaCppSettings({ contextSize: 8 })).toThrow(/contextSize/);
    expect(() => parseLlamaCppSettings({ flashAttention: 'on' })).toThrow(/flashAttention/);
  });
});

describe('llama-bench defaults on real llama.cpp', () => {
  const { load } = tinyGguf('eb-llamacpp-settings-');

  it('records flash attention as llama.cpp resolved it and the context as created (padded to 256)', async () => {
    const m = await load({ ep: 'cpu', threads: 1, settings: {}, kvTokens: 260 });
    try {
      const s = m.resolved.settings;
      expect(s.defaults).toBe('the llama-bench defaults');
      expect(s.flashAttention).toBe(true); // the CPU backend has flash attention: auto resolves to on
      expect(s.flashAttentionSetting).toBe('auto');
      expect(s.contextSize).toBe(512); // 260 → 512
      expect(s.contextSizeSetting).toBe('auto');
      expect(s.batchSize).toBe(512);
      expect(s.ubatchSize).toBe(512);
      expect(s.ggmlThreadpool).toBe('none needed (1 thread)');
      const seq = await m.prepare([]);
      const out: number[] = [];
      await seq.generate([1, 2, 3], 4, (t) => out.push(t));
      expect(out).toHaveLength(4);
    } finally {
      await m[Symbol.asyncDispose]();
    }
  });

  it('says when settings differ from llama-bench and records an explicit flash attention as given', async () => {
    const m = await load({ ep: 'cpu', threads: 1, settings: { flashAttention: false, contextSize: 1024 } });
    try {
      expect(m.resolved.settings.defaults).toBe('changed by runnerSettings');
      expect(m.resolved.settings.flashAttention).toBe(false);
      expect(m.resolved.settings.contextSize).toBe(1024);
    } finally {
      await m[Symbol.asyncDispose]();
    }
  });
});
